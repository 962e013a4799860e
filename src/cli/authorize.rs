//! The line front ends' one wait for an OAuth grant (`create`, `instances
//! reauth` and the accessible mode): the loopback listener and the
//! person's browser, raced against a redirected address pasted on standard
//! input, under `--oauth-timeout`. The attempt itself (state, request token,
//! URL, grant) is the shared one of [`crate::flow::oauth`]; what differs
//! between the front ends is only the wording ([`Voice`]).

use super::console::{Console, Lines};
use super::{prompt, report, Failure, GlobalArgs};
use crate::api::Client;
use crate::catalog::ElementSpec;
use crate::exit;
use crate::flow::oauth::{self as attempt, Grant, OAuthApp, Refusal};
use crate::form::FormValues;
use crate::oauth::{self, Listener, ListenerEvent, ListenerHandle, OAuthState, Purpose};
use crate::secret::Secret;
use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

/// How the wait speaks: to the person running a command (`create`,
/// `instances reauth`), or as the accessible mode's transcript, one plain
/// line at a time with the address alone on its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voice {
    Command,
    Transcript,
}

impl Voice {
    /// What to do after a failed sign-in.
    fn again(self) -> &'static str {
        match self {
            Voice::Command => "Run the command again",
            Voice::Transcript => "Run ce-wizard again",
        }
    }
}

/// A sign-in that ended without a grant.
pub struct SignInFailure {
    pub failure: Failure,
    /// The person denied access or did not come back in time: another
    /// attempt, with a new link, may well succeed.
    pub retry: bool,
    /// What happened, without what to do about it.
    pub reason: String,
}

impl From<SignInFailure> for Failure {
    fn from(f: SignInFailure) -> Failure {
        f.failure
    }
}

pub struct OAuthSession {
    listener: Option<Listener>,
    handle: Option<ListenerHandle>,
    callback_url: String,
    /// Standard input, read for pasted addresses and answers.
    pastes: Option<Lines>,
    timeout: Duration,
    no_browser: bool,
    /// What a sign-in that did not happen left as it was, in its failure
    /// messages.
    untouched: &'static str,
    /// What the grant is for, in the pages the browser is shown.
    purpose: Purpose,
    /// `--oauth-param`s, sent beside the element's own parameters.
    params: Vec<(String, String)>,
    voice: Voice,
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
        let pastes = stdin_free.then(|| con.take_lines());
        Ok(OAuthSession {
            listener,
            handle: None,
            callback_url,
            pastes,
            timeout: g.oauth_timeout,
            no_browser: g.no_browser,
            untouched: "nothing was created",
            purpose: Purpose::Create,
            params: vec![],
            voice: Voice::Command,
        })
    }

    /// The accessible mode's session: its listener was bound before the
    /// form (so the Callback URL field could show the real address), and
    /// serves only when the form kept that address; `lines` is the
    /// transcript's own standard input, which the wait shares.
    pub fn for_transcript(
        g: &GlobalArgs,
        listener: Option<Listener>,
        callback_url: &str,
        lines: Lines,
    ) -> OAuthSession {
        let listener = listener.filter(|l| l.callback_url() == callback_url);
        OAuthSession {
            listener,
            handle: None,
            callback_url: callback_url.to_string(),
            pastes: Some(lines),
            timeout: g.oauth_timeout,
            no_browser: g.no_browser,
            untouched: "nothing was created",
            purpose: Purpose::Create,
            params: vec![],
            voice: Voice::Transcript,
        }
    }

    /// The address the provider sends the browser back to.
    pub fn callback_url(&self) -> &str {
        &self.callback_url
    }

    /// Parameters given by hand (`--oauth-param`), already checked.
    pub fn with_params(mut self, params: Vec<(String, String)>) -> OAuthSession {
        self.params = params;
        self
    }

    /// Standard input already taken for pasted addresses (a batch's
    /// sign-ins share one reader).
    pub fn with_pastes(mut self, pastes: Option<Lines>) -> OAuthSession {
        if pastes.is_some() {
            self.pastes = pastes;
        }
        self
    }

    /// A sign-in for an instance that exists (`instances reauth`): its
    /// failures say the instance was not changed, not that nothing was
    /// created.
    pub fn for_existing(mut self) -> OAuthSession {
        self.untouched = "the instance was not changed";
        self.purpose = Purpose::Reauthorize;
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
                Some(Ok(answer)) => match prompt::yes_no(&answer, default_yes) {
                    Some(yes) => return yes,
                    None => {
                        let _ = writeln!(con.errors, "  {}", prompt::NOT_YES_OR_NO);
                    }
                },
                _ => return false,
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
    ) -> Result<BTreeMap<String, Secret>, SignInFailure> {
        let result = self.one_attempt(con, client, spec, values).await;
        if result.is_err() {
            // The attempt is over: a browser that finishes it now (or
            // before a retry) is told the wizard stopped waiting, never
            // that the authorization was received.
            if let Some(h) = &self.handle {
                h.stop_waiting();
            }
        }
        result
    }

    async fn one_attempt(
        &mut self,
        con: &mut Console,
        client: &Client,
        spec: &ElementSpec,
        values: &FormValues,
    ) -> Result<BTreeMap<String, Secret>, SignInFailure> {
        let voice = self.voice;
        let auth = spec.auth_for(Some(values.get(crate::catalog::AUTH_TYPE_KEY)));
        let state = OAuthState::generate();
        if let Some(l) = self.listener.take() {
            self.handle = Some(l.start(state.clone()));
        } else if let Some(h) = &self.handle {
            h.rearm(state.clone());
        }
        if let Some(h) = &self.handle {
            h.set_purpose(self.purpose);
        }
        let request = OAuthApp::for_element(spec, values)
            .with_params(&self.params)
            .url_request(&self.callback_url, &state);
        let authorization = attempt::authorization(client, &spec.key, auth, &request)
            .await
            .map_err(|e| {
                let reason = format!(
                    "cannot start the authorization: {}",
                    report::api_error(e.api_error(), Some(spec))
                );
                SignInFailure {
                    failure: Failure {
                        // A URL the browser must never see is an OAuth
                        // failure, not the platform refusing a call.
                        code: match e.api_error() {
                            crate::api::ApiError::UnsafeOAuthUrl { .. } => exit::OAUTH_FAILED,
                            _ => exit::API_FAILED,
                        },
                        message: reason.clone(),
                    },
                    retry: false,
                    reason,
                }
            })?;
        let url = &authorization.url;
        con.say(match voice {
            Voice::Command => format!(
                "\nTo connect {}, authorize ce-wizard in your browser at:\n\n  {url}\n",
                spec.name
            ),
            Voice::Transcript => format!(
                "Authorize: sign in to {} and allow ce-wizard. The sign-in address:\n{url}",
                spec.name
            ),
        });
        let port = self.handle.as_ref().map(ListenerHandle::port);
        if self.no_browser {
            con.say(match voice {
                Voice::Command => "(--no-browser: open it yourself.)",
                Voice::Transcript => "Open that address in your browser (--no-browser).",
            });
        } else if con.remote {
            match (voice, port) {
                (Voice::Command, Some(port)) => con.say(format!(
                    "This looks like an SSH session without a display, so no browser was opened. To let your own\nbrowser reach this machine's listener, forward the port first:\n  {}",
                    oauth::port_forward_hint(port)
                )),
                (Voice::Command, None) => {}
                (Voice::Transcript, port) => {
                    con.say("This is an SSH session without a display, so no browser was opened: open the address in your own browser.");
                    if let Some(port) = port {
                        con.say(format!(
                            "First forward the port so your browser can come back here: {}",
                            oauth::port_forward_hint(port)
                        ));
                    }
                }
            }
        } else if let Err(e) = con.browser.open(url) {
            con.say(format!("No browser was opened: {e}."));
        } else if voice == Voice::Transcript {
            con.say("Opened it in your browser.");
        }
        let timeout = humantime::format_duration(self.timeout);
        match voice {
            Voice::Command => {
                con.say(if self.handle.is_some() {
                    format!(
                        "Waiting for the redirect to {} (up to {timeout}).",
                        self.callback_url
                    )
                } else {
                    format!("Waiting for you (up to {timeout}).")
                });
                if self.pastes.is_some() {
                    con.say("If the browser ends on a page that does not load, copy its whole address, paste it here and press Enter.");
                }
            }
            Voice::Transcript => con.say(format!(
                "Waiting up to {timeout} for the browser to come back. If it ends on a page that does not load, copy that page's whole address, paste it here and press Enter."
            )),
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
                        con.say(match voice {
                            Voice::Command => format!("note: ignored a request to the callback address: {reason}"),
                            Voice::Transcript => format!("Note: ignored a request to the callback address: {reason}."),
                        });
                        continue;
                    }
                    None => {
                        self.handle = None;
                        continue;
                    }
                },
                line = next_paste(&mut self.pastes) => match line {
                    Some(Ok(line)) if line.trim().is_empty() => continue,
                    Some(Ok(line)) => match attempt::pasted_grant(&line, &state, auth, request_token) {
                        Err(Refusal::NotTheRedirect(rejection)) => {
                            con.say(match voice {
                                Voice::Command => format!("That is not the redirected address: {rejection}. Paste the whole address from the browser's address bar."),
                                Voice::Transcript => format!("Error: Pasted address: that is not the redirected address: {rejection}. Paste the whole address from the browser's address bar."),
                            });
                            continue;
                        }
                        answer => answer,
                    },
                    _ => {
                        // Standard input closed: the listener may still
                        // bring the browser back.
                        self.pastes = None;
                        continue;
                    }
                },
                _ = &mut deadline => {
                    crate::log::event("oauth", "no authorization arrived before the timeout");
                    let reason = format!("no authorization arrived within {timeout}");
                    return Err(SignInFailure {
                        failure: Failure {
                            code: exit::OAUTH_FAILED,
                            message: format!(
                                "{reason}; {}. {} (--oauth-timeout gives more time).",
                                self.untouched,
                                voice.again()
                            ),
                        },
                        retry: true,
                        reason,
                    });
                }
            };
        };
        match grant {
            Ok(grant) => {
                if voice == Voice::Transcript {
                    con.say("Authorized.");
                }
                Ok(grant.provider_data())
            }
            Err(refusal) => {
                let denied = matches!(refusal, Refusal::Denied { .. });
                let again = if denied || voice == Voice::Transcript {
                    format!(". {} to retry.", voice.again())
                } else {
                    String::new()
                };
                Err(SignInFailure {
                    failure: Failure {
                        code: exit::OAUTH_FAILED,
                        message: format!("{refusal}; {}{again}", self.untouched),
                    },
                    retry: denied,
                    reason: refusal.to_string(),
                })
            }
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

/// The next pasted line; with no standard input to read, never.
async fn next_paste(pastes: &mut Option<Lines>) -> Option<std::io::Result<String>> {
    match pastes {
        Some(lines) => Some(lines.next().await),
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::fake_platform::{FakePlatform, Reply};
    use crate::cli::console::{BrowserLauncher, Prompter};
    use std::sync::{Arc, Mutex};

    struct NoPrompter;

    impl Prompter for NoPrompter {
        fn ask_field(
            &mut self,
            f: &crate::catalog::FieldSpec,
            _: Option<&str>,
        ) -> std::io::Result<String> {
            panic!("nothing is asked: {}", f.key)
        }
        fn ask_line(&mut self, p: &str) -> std::io::Result<String> {
            panic!("nothing is asked: {p}")
        }
        fn confirm(&mut self, q: &str, _: bool) -> bool {
            panic!("nothing is asked: {q}")
        }
        fn ask_secret(&mut self, p: &str) -> std::io::Result<String> {
            panic!("nothing is asked: {p}")
        }
    }

    struct Browser(Arc<Mutex<Vec<String>>>);

    impl BrowserLauncher for Browser {
        fn open(&self, url: &str) -> Result<(), String> {
            self.0.lock().unwrap().push(url.to_string());
            Ok(())
        }
    }

    fn console(opened: &Arc<Mutex<Vec<String>>>) -> Console {
        Console {
            input: Box::new(std::io::empty()),
            output: Box::new(std::io::sink()),
            errors: Box::new(std::io::sink()),
            input_is_terminal: false,
            errors_is_terminal: false,
            remote: false,
            quiet_wait: Duration::from_secs(5),
            prompter: Box::new(NoPrompter),
            browser: Box::new(Browser(opened.clone())),
        }
    }

    fn globals() -> GlobalArgs {
        GlobalArgs {
            sandbox: false,
            base_url: None,
            env: None,
            callback_port: 0,
            callback_port_given: false,
            trust_host: false,
            allow_http: false,
            oauth_timeout: Duration::from_secs(5),
            no_browser: false,
            request_timeout: Duration::from_secs(5),
            log_file: None,
            insecure_storage: false,
            profile: None,
        }
    }

    /// A sign-in address the browser must never see ends `create` and the
    /// accessible mode alike: OAuth's exit code (4, as the README's table
    /// says), no new link offered, no browser opened. The accessible mode
    /// once said 3 here.
    #[tokio::test(flavor = "multi_thread")]
    async fn an_unsafe_sign_in_address_is_oauths_failure_in_every_voice() {
        let platform = FakePlatform::start(|_| {
            Reply::json(
                200,
                serde_json::json!({"oauthUrl": "javascript:alert(document.cookie)"}),
            )
        });
        let client = platform.client();
        let spec = crate::catalog::bundled_spec("infusionsoftecommerce").unwrap();
        let mut values = FormValues::new();
        values.set("oauth.api.key", "client-id");
        values.set("oauth.callback.url", "https://example.com/callback");
        let g = globals();
        for voice in [Voice::Command, Voice::Transcript] {
            let opened = Arc::new(Mutex::new(vec![]));
            let mut con = console(&opened);
            let mut session = match voice {
                Voice::Command => OAuthSession::start(&g, &mut con, &values, false)
                    .unwrap_or_else(|f| panic!("{}", f.message)),
                Voice::Transcript => OAuthSession::for_transcript(
                    &g,
                    None,
                    "https://example.com/callback",
                    con.take_lines(),
                ),
            };
            let Err(failed) = session.authorize(&mut con, &client, spec, &values).await else {
                panic!("{voice:?}: an unsafe address was accepted");
            };
            assert_eq!(failed.failure.code, exit::OAUTH_FAILED, "{voice:?}");
            assert!(
                !failed.retry,
                "{voice:?}: no new link for a platform's bad answer"
            );
            assert!(
                failed.failure.message.contains("refused"),
                "{}",
                failed.failure.message
            );
            assert!(opened.lock().unwrap().is_empty(), "{voice:?}: opened");
        }
    }
}
