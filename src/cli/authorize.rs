//! `create`'s wait for an OAuth grant: the loopback listener and the
//! person's browser, raced against a redirected address pasted on standard
//! input, under `--oauth-timeout`. The attempt itself (state, request token,
//! URL, grant) is the shared one of [`crate::flow::oauth`].

use super::console::Console;
use super::{prompt, report, Failure, GlobalArgs};
use crate::api::Client;
use crate::catalog::ElementSpec;
use crate::exit;
use crate::flow::oauth::{self as attempt, Grant, OAuthApp, Refusal};
use crate::form::FormValues;
use crate::oauth::{self, Listener, ListenerEvent, ListenerHandle, OAuthState};
use crate::secret::Secret;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::time::Duration;
use tokio::sync::mpsc;

pub struct OAuthSession {
    listener: Option<Listener>,
    handle: Option<ListenerHandle>,
    callback_url: String,
    pastes: Option<mpsc::UnboundedReceiver<String>>,
    timeout: Duration,
    no_browser: bool,
    /// What a sign-in that did not happen left as it was, in its failure
    /// messages.
    untouched: &'static str,
    /// `--oauth-param`s, sent beside the element's own parameters.
    params: Vec<(String, String)>,
}

impl OAuthSession {
    /// Binds the listener now, so a taken port is reported before anything
    /// is asked of the platform. With `stdin_free`, standard input is read
    /// for pasted addresses from now on.
    pub fn start(
        g: &GlobalArgs,
        con: &mut Console,
        values: &FormValues,
        stdin_free: bool,
    ) -> Result<OAuthSession, Failure> {
        let callback_url = values.get("oauth.callback.url").to_string();
        let listener = match attempt::loopback_port(&callback_url) {
            Some(port) => Some(Listener::bind(port).map_err(|e| Failure {
                code: exit::OAUTH_FAILED,
                message: e.to_string(),
            })?),
            None => {
                con.say(format!(
                    "note: the callback URL {callback_url} is not this machine's loopback address, so ce-wizard cannot catch the redirect; paste the redirected address here when the browser gets there."
                ));
                None
            }
        };
        let callback_url = listener
            .as_ref()
            .map(Listener::callback_url)
            .unwrap_or(callback_url);
        let pastes = stdin_free.then(|| {
            let input = std::mem::replace(&mut con.input, Box::new(std::io::empty()));
            spawn_paste_reader(input)
        });
        Ok(OAuthSession {
            listener,
            handle: None,
            callback_url,
            pastes,
            timeout: g.oauth_timeout,
            no_browser: g.no_browser,
            untouched: "nothing was created",
            params: vec![],
        })
    }

    /// Parameters given by hand (`--oauth-param`), already checked.
    pub fn with_params(mut self, params: Vec<(String, String)>) -> OAuthSession {
        self.params = params;
        self
    }

    /// A sign-in for an instance that exists (`instances reauth`): its
    /// failures say the instance was not changed, not that nothing was
    /// created.
    pub fn for_existing(mut self) -> OAuthSession {
        self.untouched = "the instance was not changed";
        self
    }

    /// A yes/no question while the session reads standard input: the
    /// answer is the next line from the session's reader (a second reader
    /// would race it for the line, and the answer would be taken for a
    /// pasted address). Without that reader, the console's prompter asks.
    pub async fn confirm(&mut self, con: &mut Console, question: &str, default_yes: bool) -> bool {
        if self.pastes.is_none() {
            return con.prompter.confirm(question, default_yes);
        }
        loop {
            let _ = write!(
                con.errors,
                "{question} {} ",
                prompt::yes_no_hint(default_yes)
            );
            let _ = con.errors.flush();
            match next_paste(&mut self.pastes).await {
                Some(answer) => match prompt::yes_no(&answer, default_yes) {
                    Some(yes) => return yes,
                    None => {
                        let _ = writeln!(con.errors, "  {}", prompt::NOT_YES_OR_NO);
                    }
                },
                None => return false,
            }
        }
    }

    pub fn listener_callback_url(&self) -> Option<String> {
        self.listener.as_ref().map(Listener::callback_url)
    }

    /// One attempt: a fresh state (and, for OAuth 1, a fresh request token),
    /// the browser, and the wait. Returns the `providerData` of
    /// `POST /instances`.
    pub async fn authorize(
        &mut self,
        con: &mut Console,
        client: &Client,
        spec: &ElementSpec,
        values: &FormValues,
    ) -> Result<BTreeMap<String, Secret>, Failure> {
        let auth = spec.auth_for(Some(values.get(crate::catalog::AUTH_TYPE_KEY)));
        let state = OAuthState::generate();
        if let Some(l) = self.listener.take() {
            self.handle = Some(l.start(state.clone()));
        } else if let Some(h) = &self.handle {
            h.rearm(state.clone());
        }
        let request = OAuthApp::for_element(spec, values)
            .with_params(&self.params)
            .url_request(&self.callback_url, &state);
        let authorization = attempt::authorization(client, &spec.key, auth, &request)
            .await
            .map_err(|e| Failure {
                // A URL the browser must never see is an OAuth failure, not
                // the platform refusing a call.
                code: match e.api_error() {
                    crate::api::ApiError::UnsafeOAuthUrl { .. } => exit::OAUTH_FAILED,
                    _ => exit::API_FAILED,
                },
                message: format!(
                    "cannot start the authorization: {}",
                    report::api_error(e.api_error(), Some(spec))
                ),
            })?;
        let url = &authorization.url;
        con.say(format!(
            "\nTo connect {}, authorize ce-wizard in your browser at:\n\n  {url}\n",
            spec.name
        ));
        if self.no_browser {
            con.say("(--no-browser: open it yourself.)");
        } else if con.remote {
            if let Some(port) = self.handle.as_ref().map(ListenerHandle::port) {
                con.say(format!(
                    "This looks like an SSH session without a display, so no browser was opened. To let your own\nbrowser reach this machine's listener, forward the port first:\n  {}",
                    oauth::port_forward_hint(port)
                ));
            }
        } else if let Err(e) = con.browser.open(url) {
            con.say(format!("No browser was opened: {e}."));
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
        con.say(waiting_on);
        if self.pastes.is_some() {
            con.say("If the browser ends on a page that does not load, copy its whole address, paste it here and press Enter.");
        }

        let deadline = tokio::time::sleep(self.timeout);
        tokio::pin!(deadline);
        let request_token = authorization.request_token.as_ref();
        let grant: Result<Grant, Refusal> = loop {
            break tokio::select! {
                ev = next_listener_event(&mut self.handle) => match ev {
                    Some(ListenerEvent::Completed(outcome)) => {
                        attempt::log_answer(&outcome);
                        attempt::grant(outcome, auth, request_token)
                    }
                    Some(ListenerEvent::Rejected { reason }) => {
                        crate::log::event("oauth", format!("ignored a callback: {reason}"));
                        con.say(format!("note: ignored a request to the callback address: {reason}"));
                        continue;
                    }
                    None => {
                        self.handle = None;
                        continue;
                    }
                },
                line = next_paste(&mut self.pastes) => match line {
                    Some(line) if line.trim().is_empty() => continue,
                    Some(line) => match attempt::pasted_grant(&line, &state, auth, request_token) {
                        Err(Refusal::NotTheRedirect(rejection)) => {
                            con.say(format!("That is not the redirected address: {rejection}. Paste the whole address from the browser's address bar."));
                            continue;
                        }
                        answer => answer,
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
                            "no authorization arrived within {}; {}. Run the command again (--oauth-timeout gives more time).",
                            humantime::format_duration(self.timeout),
                            self.untouched
                        ),
                    });
                }
            };
        };
        match grant {
            Ok(grant) => Ok(grant.provider_data()),
            Err(refusal @ Refusal::Denied { .. }) => Err(Failure {
                code: exit::OAUTH_FAILED,
                message: format!(
                    "{refusal}; {}. Run the command again to retry.",
                    self.untouched
                ),
            }),
            Err(refusal) => Err(Failure {
                code: exit::OAUTH_FAILED,
                message: format!("{refusal}; {}", self.untouched),
            }),
        }
    }

    /// Lets the browser fetch the result page, then frees the port.
    pub fn finish(self) {
        if let Some(h) = self.handle {
            h.shutdown();
        }
    }
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
fn spawn_paste_reader(input: Box<dyn Read + Send>) -> mpsc::UnboundedReceiver<String> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in BufReader::new(input).lines() {
            let Ok(l) = line else { break };
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    rx
}
