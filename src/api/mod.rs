//! The Cloud Elements platform client.

mod error;
mod types;

pub use error::{parse_missing_keys, ApiError};
pub use types::{
    shell_quote, Authentication, ConfigEntry, CreateInstance, ElementRef, ElementSummary, Instance,
    OAuthUrlRequest,
};

use crate::secret::Secret;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::time::Duration;

pub const PRODUCTION_URL: &str = "https://api.cloud-elements.com/elements/api-v2";
pub const STAGING_URL: &str = "https://staging.cloud-elements.com/elements/api-v2";
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct Credentials {
    pub user: Secret,
    pub org: Secret,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials(••••••)")
    }
}

impl Credentials {
    fn header(&self) -> String {
        format!(
            "User {}, Organization {}",
            self.user.expose(),
            self.org.expose()
        )
    }
}

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    creds: Credentials,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

impl Client {
    pub fn new(base_url: &str, creds: Credentials) -> Result<Client, ApiError> {
        Self::with_timeouts(base_url, creds, CONNECT_TIMEOUT, REQUEST_TIMEOUT)
    }

    pub fn with_timeouts(
        base_url: &str,
        creds: Credentials,
        connect: Duration,
        request: Duration,
    ) -> Result<Client, ApiError> {
        let base = base_url.trim().trim_end_matches('/').to_string();
        let parsed = url::Url::parse(&base).map_err(|e| ApiError::BadBaseUrl {
            detail: format!("{base}: {e}"),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
            return Err(ApiError::BadBaseUrl {
                detail: format!("{base} is not an http(s) URL with a host"),
            });
        }
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("ce-wizard/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(connect)
            .timeout(request);
        // HTTPS_PROXY is honoured for the platform, but a loopback address
        // (the sandbox) must never be sent through a proxy.
        if is_loopback(&parsed) {
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| ApiError::Network {
            detail: e.without_url().to_string(),
        })?;
        Ok(Client { http, base, creds })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    async fn send<T: DeserializeOwned>(&self, req: reqwest::RequestBuilder) -> Result<T, ApiError> {
        let resp = req
            .header("Authorization", self.creds.header())
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(map_reqwest_error)?;
        let status = resp.status().as_u16();
        let body = resp.text().await.map_err(map_reqwest_error)?;
        if !(200..300).contains(&status) {
            return Err(ApiError::from_response(status, &body));
        }
        serde_json::from_str(&body).map_err(|e| ApiError::Decode {
            detail: if body.trim_start().starts_with('<') {
                "an HTML page came back instead of JSON".into()
            } else {
                e.to_string()
            },
        })
    }

    /// `GET /elements`: the catalog.
    pub async fn list_elements(&self) -> Result<Vec<ElementSummary>, ApiError> {
        self.send(self.http.get(self.url("/elements"))).await
    }

    /// `GET /elements/{key}/configuration`: the element's configuration metadata.
    pub async fn element_configuration(&self, key: &str) -> Result<Vec<ConfigEntry>, ApiError> {
        let path = format!("/elements/{}/configuration", encode_segment(key));
        self.send(self.http.get(self.url(&path))).await
    }

    /// `GET /elements/{key}/oauth/url`: where to send the person's browser.
    pub async fn oauth_url(
        &self,
        element_key: &str,
        req: &OAuthUrlRequest,
    ) -> Result<String, ApiError> {
        let path = format!("/elements/{}/oauth/url", encode_segment(element_key));
        let query = [
            ("apiKey", req.api_key.as_str()),
            ("apiSecret", req.api_secret.expose()),
            ("callbackUrl", req.callback_url.as_str()),
            ("state", req.state.expose()),
        ];
        let v: Value = self
            .send(self.http.get(self.url(&path)).query(&query))
            .await?;
        v.get("oauthUrl")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| ApiError::Decode {
                detail: "the answer has no oauthUrl".into(),
            })
    }

    /// `POST /instances`. Never retried here: a retry could create a second
    /// instance.
    pub async fn create_instance(&self, body: &CreateInstance) -> Result<Instance, ApiError> {
        let v: Value = self
            .send(self.http.post(self.url("/instances")).json(body))
            .await?;
        Instance::from_value(v).map_err(|detail| ApiError::Decode { detail })
    }

    /// `GET /instances`.
    pub async fn list_instances(&self) -> Result<Vec<Instance>, ApiError> {
        let v: Vec<Value> = self.send(self.http.get(self.url("/instances"))).await?;
        v.into_iter()
            .map(|i| Instance::from_value(i).map_err(|detail| ApiError::Decode { detail }))
            .collect()
    }
}

fn encode_segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Maps transport errors, dropping the URL first: the OAuth URL request
/// carries the API secret in its query string.
fn map_reqwest_error(e: reqwest::Error) -> ApiError {
    let e = e.without_url();
    if e.is_timeout() {
        return ApiError::Timeout;
    }
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        detail = format!("{detail}: {s}");
        source = s.source();
    }
    if e.is_decode() {
        ApiError::Decode { detail }
    } else {
        ApiError::Network { detail }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked() {
        let creds = Credentials {
            user: "u".into(),
            org: "o".into(),
        };
        assert!(Client::new("ftp://x", creds.clone()).is_err());
        assert!(Client::new("not a url", creds.clone()).is_err());
        let c = Client::new(
            "https://api.cloud-elements.com/elements/api-v2/",
            creds.clone(),
        )
        .unwrap();
        assert_eq!(c.base_url(), PRODUCTION_URL);
        assert_eq!(format!("{creds:?}"), "Credentials(••••••)");
    }

    #[test]
    fn the_authorization_header_has_the_documented_form() {
        let creds = Credentials {
            user: "abc".into(),
            org: "def".into(),
        };
        assert_eq!(creds.header(), "User abc, Organization def");
        assert!(!format!("{creds:?}").contains("abc"));
    }
}
