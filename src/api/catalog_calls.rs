//! The calls behind the live catalog (a conditional `GET /elements`) and the
//! OAuth 1 request token. Kept apart from the core client so the two can
//! change independently.

use super::{encode_segment, map_send_error, ApiError, Client, OAuthUrlRequest};
use crate::secret::Secret;
use serde::Deserialize;

/// The answer to a conditional GET.
#[derive(Debug)]
pub enum Fetched {
    /// 304: what the caller holds for that ETag is still current.
    NotModified,
    /// The body as text, with the ETag to present next time (if any).
    Body { text: String, etag: Option<String> },
}

/// Step 1 of an OAuth 1 flow: the request token and its secret. The secret
/// goes back to the platform in `providerData.secret`, nowhere else.
#[derive(Clone, PartialEq, Eq)]
pub struct RequestToken {
    pub token: String,
    pub secret: Secret,
}

impl std::fmt::Debug for RequestToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestToken")
            .field("token", &self.token)
            .field("secret", &self.secret)
            .finish()
    }
}

impl Client {
    /// `GET /elements` with `If-None-Match` when an ETag is known. The body
    /// is handed back unparsed: the catalog decodes only what it keeps.
    pub async fn list_elements_if_changed(&self, etag: Option<&str>) -> Result<Fetched, ApiError> {
        let mut req = self
            .http
            .get(self.url("/elements"))
            .header(reqwest::header::AUTHORIZATION, self.creds.header_value())
            .header("Accept", "application/json");
        if let Some(tag) = etag {
            req = req.header("If-None-Match", tag);
        }
        let started = std::time::Instant::now();
        let resp = req.send().await.map_err(map_send_error)?;
        let status = resp.status().as_u16();
        if status == 304 {
            crate::log::event("request", "GET /elements (conditional) -> 304");
            return Ok(Fetched::NotModified);
        }
        let etag = resp
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .filter(|v| !crate::sanitize::has_unsafe(v))
            .map(str::to_string);
        let limit = if (200..300).contains(&status) {
            super::MAX_CATALOG_BYTES
        } else {
            super::MAX_BODY_BYTES
        };
        let text = super::read_bounded(resp, limit).await?;
        crate::log::event(
            "request",
            format!(
                "GET /elements (conditional) -> {status} ({} ms)",
                started.elapsed().as_millis()
            ),
        );
        if !(200..300).contains(&status) {
            let e = ApiError::from_response(status, &text);
            // An empty list may be a 404 "No ... found": a catalog with
            // nothing in it, not a failure ([`ApiError::is_empty_list`]).
            if e.is_empty_list() {
                return Ok(Fetched::Body {
                    text: "[]".into(),
                    etag: None,
                });
            }
            return Err(e);
        }
        Ok(Fetched::Body {
            text: text.to_string(),
            etag,
        })
    }

    /// `GET /elements/{key}/oauth/token`: an OAuth 1 request token. The
    /// state and the element's parameters go with it: OAuth 1.0a fixes the
    /// callback address, state included, when the request token is made,
    /// so a state given only to the later `/oauth/url` never comes back.
    pub async fn oauth_request_token(
        &self,
        element_key: &str,
        req: &OAuthUrlRequest,
    ) -> Result<RequestToken, ApiError> {
        #[derive(Deserialize)]
        struct Answer {
            token: Option<String>,
            secret: Option<Secret>,
        }
        crate::log::add_secret(req.api_secret.expose());
        crate::log::add_secret(req.state.expose());
        let path = format!("/elements/{}/oauth/token", encode_segment(element_key));
        let mut query = vec![
            ("apiKey", req.api_key.as_str()),
            ("apiSecret", req.api_secret.expose()),
            ("callbackUrl", req.callback_url.as_str()),
            ("state", req.state.expose()),
        ];
        query.extend(req.params.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        let a: Answer = self.get(&path, &query).await?;
        // The token goes into the next request's query and the log; one
        // with control characters is refused here.
        match (
            a.token.filter(|t| crate::sanitize::is_clean_token(t)),
            a.secret,
        ) {
            (Some(token), Some(secret)) => Ok(RequestToken { token, secret }),
            _ => Err(ApiError::Decode {
                detail: "the answer has no request token and secret".into(),
            }),
        }
    }

    /// `GET /elements/{key}/oauth/url` for an OAuth 1 element: the same query
    /// as for OAuth 2 plus the request token of step 1.
    pub async fn oauth1_url(
        &self,
        element_key: &str,
        req: &OAuthUrlRequest,
        request_token: &str,
    ) -> Result<String, ApiError> {
        self.oauth_url_with(element_key, req, Some(request_token))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::fake_platform::{FakePlatform, Reply, Seen};
    use crate::api::RetryPolicy;
    use serde_json::json;

    /// `CloudElementsOpenLabs/the-doctor:src/util/get.js`: any list may
    /// answer 404 "No ... found" when it holds nothing.
    #[tokio::test]
    async fn an_empty_catalog_answered_as_404_is_an_empty_list() {
        let fake = FakePlatform::start(|_: &Seen| {
            Reply::json(
                404,
                json!({"message": "No elements found", "requestId": "r"}),
            )
        });
        let client = fake.client().with_retry(RetryPolicy::none());
        match client.list_elements_if_changed(None).await.unwrap() {
            Fetched::Body { text, etag } => assert_eq!((text.as_str(), etag), ("[]", None)),
            other => panic!("{other:?}"),
        }
        assert!(client.list_elements().await.unwrap().is_empty());
        let other = FakePlatform::start(|_: &Seen| {
            Reply::json(404, json!({"message": "Not Found", "requestId": "r"}))
        });
        let client = other.client().with_retry(RetryPolicy::none());
        assert!(client.list_elements_if_changed(None).await.is_err());
    }

    #[test]
    fn request_token_debug_hides_the_secret() {
        let t = RequestToken {
            token: "rt".into(),
            secret: Secret::new("very-secret"),
        };
        let shown = format!("{t:?}");
        assert!(
            shown.contains("rt") && !shown.contains("very-secret"),
            "{shown}"
        );
    }
}
