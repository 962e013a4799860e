//! The OAuth dance for `create`: a loopback listener and the person's
//! browser, raced against a redirected address pasted on standard input.
//! OAuth 2 brings back a code; OAuth 1 first asks the platform for a request
//! token and brings back `oauth_token` and `oauth_verifier`.

use super::{report, Failure, GlobalArgs};
use crate::api::{Client, OAuthUrlRequest};
use crate::catalog::{AuthKind, ElementSpec};
use crate::exit;
use crate::form::FormValues;
use crate::oauth::{self, CallbackOutcome, Listener, ListenerEvent, ListenerHandle, OAuthState};
use crate::secret::Secret;
use std::collections::BTreeMap;
use std::io::BufRead;
use std::time::Duration;
use tokio::sync::mpsc;

pub fn predicted_callback_url(port: u16) -> String {
    format!("http://127.0.0.1:{port}{}", oauth::CALLBACK_PATH)
}

/// The loopback port a callback URL points at, when the listener can serve it.
fn loopback_port(callback_url: &str) -> Option<u16> {
    let u = url::Url::parse(callback_url).ok()?;
    let loopback = matches!(u.host_str(), Some("127.0.0.1") | Some("localhost"));
    (u.scheme() == "http" && loopback && u.path() == oauth::CALLBACK_PATH)
        .then(|| u.port_or_known_default())?
}

pub struct OAuthSession {
    listener: Option<Listener>,
    handle: Option<ListenerHandle>,
    callback_url: String,
    pastes: Option<mpsc::UnboundedReceiver<String>>,
    timeout: Duration,
    no_browser: bool,
}

impl OAuthSession {
    /// Binds the listener now, so a taken port is reported before anything
    /// is asked of the platform.
    pub fn start(
        g: &GlobalArgs,
        values: &FormValues,
        stdin_free: bool,
    ) -> Result<OAuthSession, Failure> {
        let callback_url = values.get("oauth.callback.url").to_string();
        let listener = match loopback_port(&callback_url) {
            Some(port) => Some(Listener::bind(port).map_err(|e| Failure {
                code: exit::OAUTH_FAILED,
                message: e.to_string(),
            })?),
            None => {
                eprintln!(
                    "note: the callback URL {callback_url} is not this machine's loopback address, so ce-wizard cannot catch the redirect; paste the redirected address here when the browser gets there."
                );
                None
            }
        };
        let callback_url = listener
            .as_ref()
            .map(Listener::callback_url)
            .unwrap_or(callback_url);
        let pastes = stdin_free.then(spawn_paste_reader);
        Ok(OAuthSession {
            listener,
            handle: None,
            callback_url,
            pastes,
            timeout: g.oauth_timeout,
            no_browser: g.no_browser,
        })
    }

    pub fn listener_callback_url(&self) -> Option<String> {
        self.listener.as_ref().map(Listener::callback_url)
    }

    /// One attempt: a fresh state (and, for OAuth 1, a fresh request token),
    /// the browser, and the wait. Returns the `providerData` of
    /// `POST /instances`.
    pub async fn authorize(
        &mut self,
        client: &Client,
        spec: &ElementSpec,
        values: &FormValues,
    ) -> Result<BTreeMap<String, Secret>, Failure> {
        let state = OAuthState::generate();
        if let Some(l) = self.listener.take() {
            self.handle = Some(l.start(state.clone()));
        } else if let Some(h) = &self.handle {
            h.rearm(state.clone());
        }
        let request = OAuthUrlRequest {
            api_key: values.get("oauth.api.key").to_string(),
            api_secret: Secret::new(values.get("oauth.api.secret")),
            callback_url: self.callback_url.clone(),
            state: Secret::new(state.expose()),
        };
        crate::log::event(
            "oauth",
            format!(
                "asking for the authorization URL of {} with callback {}",
                spec.key, self.callback_url
            ),
        );
        let cannot_start = |e: crate::api::ApiError| Failure {
            code: match e {
                crate::api::ApiError::UnsafeOAuthUrl { .. } => exit::OAUTH_FAILED,
                _ => exit::API_FAILED,
            },
            message: format!(
                "cannot start the authorization: {}",
                report::api_error(&e, Some(spec))
            ),
        };
        let request_token = match spec.auth {
            AuthKind::Oauth1 => Some(
                client
                    .oauth_request_token(&spec.key, &request)
                    .await
                    .map_err(cannot_start)?,
            ),
            _ => None,
        };
        if let Some(rt) = &request_token {
            crate::log::add_secret(rt.secret.expose());
        }
        let url = match &request_token {
            Some(rt) => client.oauth1_url(&spec.key, &request, &rt.token).await,
            None => client.oauth_url(&spec.key, &request).await,
        }
        .map_err(cannot_start)?;

        eprintln!(
            "\nTo connect {}, authorize ce-wizard in your browser at:\n\n  {url}\n",
            spec.name
        );
        if self.no_browser {
            eprintln!("(--no-browser: open it yourself.)");
        } else if oauth::ssh_session_without_display() {
            if let Some(port) = self.handle.as_ref().map(ListenerHandle::port) {
                eprintln!(
                    "This looks like an SSH session without a display, so no browser was opened. To let your own\nbrowser reach this machine's listener, forward the port first:\n  {}",
                    oauth::port_forward_hint(port)
                );
            }
        } else if let Err(e) = oauth::open_browser(&url) {
            eprintln!("Could not open a browser ({e}); open the address yourself.");
        }
        let waiting_on = if self.handle.is_some() {
            format!(
                "Waiting for the redirect to {} (up to {}).",
                self.callback_url,
                humantime::format_duration(self.timeout)
            )
        } else {
            format!(
                "Waiting for you (up to {}).",
                humantime::format_duration(self.timeout)
            )
        };
        eprintln!("{waiting_on}");
        if self.pastes.is_some() {
            eprintln!("If the browser ends on a page that does not load, copy its whole address, paste it here and press Enter.");
        }

        let deadline = tokio::time::sleep(self.timeout);
        tokio::pin!(deadline);
        loop {
            let outcome = tokio::select! {
                ev = next_listener_event(&mut self.handle) => match ev {
                    Some(ListenerEvent::Completed(outcome)) => outcome,
                    Some(ListenerEvent::Rejected { reason }) => {
                        crate::log::event("oauth", format!("ignored a callback: {reason}"));
                        eprintln!("note: ignored a request to the callback address: {reason}");
                        continue;
                    }
                    None => {
                        self.handle = None;
                        continue;
                    }
                },
                line = next_paste(&mut self.pastes) => match line {
                    Some(line) if line.trim().is_empty() => continue,
                    Some(line) => match oauth::parse_pasted(&line, &state) {
                        Ok(outcome) => outcome,
                        Err(rejection) => {
                            eprintln!("That is not the redirected address: {rejection}. Paste the whole address from the browser's address bar.");
                            continue;
                        }
                    },
                    None => {
                        self.pastes = None;
                        continue;
                    }
                },
                _ = &mut deadline => {
                    crate::log::event("oauth", "no authorization arrived before the timeout");
                    return Err(Failure {
                        code: exit::OAUTH_FAILED,
                        message: format!(
                            "no authorization arrived within {}; nothing was created. Run the command again (--oauth-timeout gives more time).",
                            humantime::format_duration(self.timeout)
                        ),
                    });
                }
            };
            match &outcome {
                CallbackOutcome::Authorized(grant) => {
                    if let Some(code) = &grant.code {
                        crate::log::add_secret(code.expose());
                    }
                    if let Some(verifier) = &grant.oauth_verifier {
                        crate::log::add_secret(verifier.expose());
                    }
                    crate::log::event("oauth", "authorization received");
                }
                CallbackOutcome::Denied { error, .. } => {
                    crate::log::event("oauth", format!("authorization denied: {error}"));
                }
            }
            return match outcome {
                CallbackOutcome::Authorized(grant) => provider_data(grant, request_token),
                CallbackOutcome::Denied { error, description } => Err(Failure {
                    code: exit::OAUTH_FAILED,
                    message: format!(
                        "authorization was denied at the provider ({error}{}); nothing was created. Run the command again to retry.",
                        description.map(|d| format!(": {d}")).unwrap_or_default()
                    ),
                }),
            };
        }
    }

    /// Lets the browser fetch the result page, then frees the port.
    pub fn finish(self) {
        if let Some(h) = self.handle {
            h.shutdown();
        }
    }
}

/// What `POST /instances` needs from a grant: the code (OAuth 2), or the
/// token, verifier and request token secret (OAuth 1).
fn provider_data(
    grant: oauth::ProviderGrant,
    request_token: Option<crate::api::RequestToken>,
) -> Result<BTreeMap<String, Secret>, Failure> {
    let refuse = |message: &str| Failure {
        code: exit::OAUTH_FAILED,
        message: format!("{message}; nothing was created"),
    };
    let Some(rt) = request_token else {
        let code = grant
            .code
            .ok_or_else(|| refuse("the provider's redirect carried no authorization code"))?;
        return Ok(BTreeMap::from([("code".to_string(), code)]));
    };
    let (Some(token), Some(verifier)) = (grant.oauth_token, grant.oauth_verifier) else {
        return Err(refuse(
            "the provider's redirect carried no oauth_token and oauth_verifier (an OAuth 1 element)",
        ));
    };
    // The provider echoes the request token it authorized; another one
    // belongs to another attempt.
    if token != rt.token {
        return Err(refuse(
            "the provider's redirect names another request token than this attempt's",
        ));
    }
    Ok(BTreeMap::from([
        ("oauth_token".to_string(), Secret::new(token)),
        ("oauth_verifier".to_string(), verifier),
        ("secret".to_string(), rt.secret),
    ]))
}

async fn next_listener_event(handle: &mut Option<ListenerHandle>) -> Option<ListenerEvent> {
    match handle {
        Some(h) => h.next_event().await,
        None => std::future::pending().await,
    }
}

async fn next_paste(pastes: &mut Option<mpsc::UnboundedReceiver<String>>) -> Option<String> {
    match pastes {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// Reads pasted lines on a plain thread: a blocking read of standard input
/// cannot be cancelled, and must not hold up the runtime when we are done.
fn spawn_paste_reader() -> mpsc::UnboundedReceiver<String> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        for line in stdin.lock().lines() {
            match line {
                Ok(l) => {
                    if tx.send(l).is_err() {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
    });
    rx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_callbacks_get_a_listener() {
        assert_eq!(
            loopback_port("http://127.0.0.1:48213/callback"),
            Some(48213)
        );
        assert_eq!(loopback_port("http://localhost:9000/callback"), Some(9000));
        assert_eq!(loopback_port("https://app.example.com/callback"), None);
        assert_eq!(loopback_port("http://127.0.0.1:9000/other"), None);
        assert_eq!(predicted_callback_url(0), "http://127.0.0.1:0/callback");
    }

    fn grant(
        code: Option<&str>,
        token: Option<&str>,
        verifier: Option<&str>,
    ) -> oauth::ProviderGrant {
        oauth::ProviderGrant {
            code: code.map(Secret::new),
            oauth_token: token.map(str::to_string),
            oauth_verifier: verifier.map(Secret::new),
        }
    }

    fn request_token() -> Option<crate::api::RequestToken> {
        Some(crate::api::RequestToken {
            token: "rt".into(),
            secret: Secret::new("rt-secret"),
        })
    }

    #[test]
    fn grants_become_provider_data() {
        let shown = |m: BTreeMap<String, Secret>| -> Vec<(String, String)> {
            m.into_iter()
                .map(|(k, v)| (k, v.expose().to_string()))
                .collect()
        };
        let oauth2 = provider_data(grant(Some("c0de"), None, None), None).unwrap();
        assert_eq!(shown(oauth2), [("code".to_string(), "c0de".to_string())]);
        let oauth1 = provider_data(grant(None, Some("rt"), Some("v")), request_token()).unwrap();
        assert_eq!(
            shown(oauth1),
            [
                ("oauth_token".to_string(), "rt".to_string()),
                ("oauth_verifier".to_string(), "v".to_string()),
                ("secret".to_string(), "rt-secret".to_string()),
            ]
        );
        let other = provider_data(grant(None, Some("other"), Some("v")), request_token());
        assert!(other.unwrap_err().message.contains("another request token"));
        assert_eq!(
            provider_data(grant(Some("c"), None, None), request_token())
                .unwrap_err()
                .code,
            exit::OAUTH_FAILED
        );
        assert!(provider_data(grant(None, Some("rt"), Some("v")), None).is_err());
    }
}
