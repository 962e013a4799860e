//! The Authorize step: an OAuth attempt, from the sign-in link to the
//! grant the provider's redirect carries.

#[cfg(test)]
mod screen_tests;
pub mod start;
pub mod state;
#[cfg(test)]
mod tests;
mod view;

pub use state::{AuthPhase, AuthProblem, AuthorizeState, BrowserStatus, Grant, ReauthTarget};

use self::start::start_authorization;
use super::{Drawn, Input, Screen};
use crate::api::RequestToken;
use crate::flow::oauth;
use crate::oauth::CallbackOutcome;
use crate::secret::Secret;
use crate::tui::action::{CallbackResult, CopyTarget};
use crate::tui::app::{App, FormState, ListenerStatus, Notice};
use crate::tui::clock::Reading;
use crate::tui::effect::Effect;
use crate::tui::keymap::{b, ch, extra, Binding, Command, ENTER, ESC};
use crate::tui::report::{BrowserFailure, ErrorReport, ListenerProblem};
use crate::tui::step::Step;
use crate::tui::widgets::EditOp;
use ratatui::layout::Rect;
use ratatui::Frame;
use std::time::Instant;

pub struct Authorize;

impl Screen for Authorize {
    fn bindings(&self, app: &App) -> Vec<Binding> {
        bindings(app)
    }

    fn command(&self, app: &mut App, cmd: Command) -> Vec<Effect> {
        authorize_command(app, cmd)
    }

    fn input(&self, app: &App) -> Option<Input> {
        app.authorize.paste_focused.then_some(Input::Line)
    }

    fn edit(&self, app: &mut App, op: &EditOp) -> bool {
        app.authorize.paste.apply(op)
    }

    /// A redirected URL can be pasted whatever has focus.
    fn paste(&self, app: &mut App, text: &str) -> bool {
        app.authorize.paste.insert_str(text.trim());
        app.authorize.paste_focused = true;
        true
    }

    fn render(&self, app: &App, time: &Reading, frame: &mut Frame, area: Rect) -> Drawn {
        view::render(app, time, frame, area);
        Drawn::default()
    }
}

/// The sign-in link to print below the wizard's screen, checked and
/// cleaned as for the browser, while `l` asked for it and the wait goes
/// on; `None` once it ended (a grant, a timeout, Esc): the screen comes
/// back by itself then.
pub fn printed_link(app: &App) -> Option<PrintedLink> {
    let auth = &app.authorize;
    let AuthPhase::Waiting { url, .. } = &auth.phase else {
        return None;
    };
    if !auth.link_printed || app.step != Step::Authorize {
        return None;
    }
    let name = match &auth.reauth {
        Some(t) => t.instance.element_name.clone(),
        None => app.spec().map_or("the element".into(), |s| s.name.clone()),
    };
    Some(PrintedLink {
        element: crate::sanitize::line(&name),
        link: crate::oauth::check_authorization_url(url)
            .map(|u| u.to_string())
            .map_err(|refused| refused.to_string()),
    })
}

/// What the wizard prints when it steps out for the link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintedLink {
    pub element: String,
    /// The link as a browser would get it, or why it is not printed.
    pub link: Result<String, String>,
}

impl PrintedLink {
    /// The lines to print: the link alone on its own line, so the
    /// terminal wraps it softly and a triple click selects it whole.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![String::new()];
        match &self.link {
            Ok(link) => {
                lines.push(format!(
                    "The sign-in link for {}: select it whole, or open it in a browser.",
                    self.element
                ));
                lines.push(String::new());
                lines.push(link.clone());
            }
            Err(why) => lines.push(format!("The sign-in link is not printed: {why}.")),
        }
        lines.push(String::new());
        lines.push(
            "ce-wizard keeps waiting for the sign-in. Press any key to go back to it.".into(),
        );
        lines
    }
}

/// A key while the link is printed brings the screen back, and does
/// nothing else: it was pressed to come back.
pub fn back_from_link(app: &mut App) -> bool {
    let printed = printed_link(app).is_some();
    app.authorize.link_printed = false;
    printed
}

/// The sign-in ends when its time is up.
pub fn tick(app: &mut App, now: Instant) {
    if let AuthPhase::Waiting { deadline, .. } = &app.authorize.phase {
        if now >= *deadline {
            app.authorize.phase = AuthPhase::Failed(AuthProblem::TimedOut);
        }
    }
}

/// OAuth 1: the request token of this attempt, or why there is none.
pub fn request_token_issued(
    app: &mut App,
    attempt: u64,
    result: Result<RequestToken, ErrorReport>,
) {
    if attempt == app.authorize.attempt && app.authorize.phase == AuthPhase::FetchingUrl {
        match result {
            Ok(token) => app.authorize.request_token = Some(token),
            Err(report) => {
                app.authorize.phase = AuthPhase::Failed(AuthProblem::RequestTokenFailed(report))
            }
        }
    }
}

pub fn browser_opened(app: &mut App, attempt: u64, result: Result<(), BrowserFailure>) {
    if attempt == app.authorize.attempt {
        if let AuthPhase::Waiting { browser, .. } = &mut app.authorize.phase {
            *browser = match result {
                Ok(()) => BrowserStatus::Opened,
                Err(e) => BrowserStatus::Failed(e),
            };
        }
    }
}

fn bindings(app: &App) -> Vec<Binding> {
    if app.authorize.paste_focused {
        return vec![
            b(&[ENTER], "Enter", "use the address", Command::Continue)
                .with_detail("use the address pasted or typed here"),
            b(&[ESC], "Esc", "leave the field", Command::Back),
        ];
    }
    let paste = || {
        b(&[ch('p')], "p", "paste address", Command::PasteUrl)
            .with_detail("type or paste the address the browser ended on; a paste works anytime")
    };
    // The footer drops hints from its middle when it is narrow: the link's
    // keys come first so that they stay, then the way back.
    let back = || {
        let detail = if app.authorize.reauth.is_some() {
            "back to the instances"
        } else {
            "back to the form"
        };
        b(&[ESC], "Esc", "back", Command::Back).with_detail(detail)
    };
    let mut list = vec![];
    match &app.authorize.phase {
        AuthPhase::Failed(problem) => {
            list.push(b(&[ENTER, ch('r')], "Enter", "try again", Command::Retry));
            if *problem == AuthProblem::TimedOut {
                list.push(paste());
            }
        }
        AuthPhase::Waiting { .. } => {
            list.push(
                b(&[ch('c')], "c", "copy link", Command::CopyUrl)
                    .with_detail("copy the whole sign-in link, to open it in a browser yourself"),
            );
            // Before paste: where the footer has room for only one of
            // them, the paste row still says "press p".
            list.push(
                b(&[ch('l')], "l", "print link", Command::ShowUrl).with_detail(
                    "print the whole sign-in link below the screen, to select it there; any key comes back",
                ),
            );
            list.push(paste());
            list.push(back());
            list.push(b(&[ch('o')], "o", "open browser", Command::OpenBrowser));
            list.push(extra(
                &[ch('r')],
                "r",
                "start over with a new link",
                Command::Retry,
            ));
        }
        AuthPhase::Idle | AuthPhase::FetchingUrl => {}
    }
    if !matches!(app.authorize.phase, AuthPhase::Waiting { .. }) {
        list.push(back());
    }
    list
}

/// How the attempt's element signs in: the re-authorized instance's, else
/// the chosen element's.
pub fn auth_kind(app: &App) -> Option<crate::catalog::AuthKind> {
    match &app.authorize.reauth {
        Some(t) => Some(t.auth),
        None => app.auth_kind(),
    }
}

pub fn callback_port_checked(
    app: &mut App,
    result: Result<String, ListenerProblem>,
) -> Vec<Effect> {
    match result {
        Ok(callback_url) => {
            app.listener = ListenerStatus::Ready { callback_url };
            let ctx = app.derive_context();
            for form in app.forms.values_mut() {
                form.refresh_derived(&ctx);
            }
            if app.step == Step::Authorize && app.authorize.phase == AuthPhase::Idle {
                return start_authorization(app);
            }
        }
        Err(problem) => {
            app.listener = ListenerStatus::Failed(problem.clone());
            if app.step == Step::Authorize {
                app.authorize.phase = AuthPhase::Failed(AuthProblem::Listener(problem));
            }
        }
    }
    vec![]
}

/// The attempt's listener could not take its port (another program took
/// it since it was checked): the attempt stops there, and a new one
/// checks the port again.
pub fn sign_in_listener_failed(app: &mut App, attempt: u64, problem: ListenerProblem) {
    app.listener = ListenerStatus::Failed(problem.clone());
    if attempt == app.authorize.attempt && signing_in(app) == Some(attempt) {
        app.authorize.phase = AuthPhase::Failed(AuthProblem::Listener(problem));
    }
}

/// The attempt that holds the listener's port now: from its start until
/// it ends (a grant, a refusal, a failure, Esc; a timed-out wait still
/// takes a late redirect).
pub fn signing_in(app: &App) -> Option<u64> {
    matches!(
        app.authorize.phase,
        AuthPhase::FetchingUrl
            | AuthPhase::Waiting { .. }
            | AuthPhase::Failed(AuthProblem::TimedOut)
    )
    .then_some(app.authorize.attempt)
}

/// When the attempt that was signing in before an update no longer is,
/// however it ended, the runner is told, so that its listener lets the
/// port go; `effects` are the update's own (Esc already says so). The
/// router leaves out a redirect the listener took: the listener knows.
pub fn attempt_ended(app: &App, before: Option<u64>, effects: &[Effect]) -> Option<Effect> {
    let attempt = before?;
    let told = effects
        .iter()
        .any(|e| matches!(e, Effect::Cancel { attempt: a } if *a == attempt));
    (signing_in(app) != Some(attempt) && !told).then_some(Effect::Cancel { attempt })
}

pub fn auth_url_fetched(
    app: &mut App,
    attempt: u64,
    result: Result<String, ErrorReport>,
) -> Vec<Effect> {
    if attempt != app.authorize.attempt || app.authorize.phase != AuthPhase::FetchingUrl {
        return vec![];
    }
    match result {
        Err(report) => {
            app.authorize.phase = AuthPhase::Failed(AuthProblem::UrlFailed(report));
            vec![]
        }
        Ok(url) => {
            let deadline = app.clock.now() + app.settings.oauth_timeout;
            let skipped = if app.settings.no_browser {
                Some("--no-browser was given")
            } else if app.settings.remote {
                Some("this SSH session has no display")
            } else {
                None
            };
            let browser = skipped.map_or(BrowserStatus::Opening, BrowserStatus::Skipped);
            let effects = if skipped.is_none() {
                vec![Effect::OpenBrowser {
                    attempt,
                    url: url.clone(),
                }]
            } else {
                vec![]
            };
            app.authorize.phase = AuthPhase::Waiting {
                url,
                deadline,
                browser,
            };
            effects
        }
    }
}

/// An answer to the sign-in: the grant it carries, which the router hands
/// to whoever asked for it (Review, or the instance being re-authorized),
/// or `None` when it was refused or ignored (the screen says why).
pub fn callback(
    app: &mut App,
    attempt: u64,
    pasted: bool,
    result: CallbackResult,
) -> Option<Grant> {
    if attempt != app.authorize.attempt || !takes_answers(&app.authorize.phase, pasted) {
        return None;
    }
    let auth = auth_kind(app)?;
    let grant = match result {
        CallbackResult::Answered(CallbackOutcome::Denied { error, description }) => {
            app.authorize.phase = AuthPhase::Failed(AuthProblem::Denied { error, description });
            // The screen says Enter starts again: a denied address left
            // in a focused field would take that Enter.
            app.authorize.paste.set("");
            app.authorize.paste_focused = false;
            return None;
        }
        CallbackResult::Answered(outcome) => {
            oauth::grant(outcome, auth, app.authorize.request_token.as_ref())
                .map_err(|refusal| refusal.to_string())
        }
        CallbackResult::Rejected(reason) => Err(reason),
    };
    match grant {
        Ok(grant) => {
            app.authorize.paste.set("");
            app.authorize.paste_focused = false;
            app.authorize.phase = AuthPhase::Idle;
            return Some(grant);
        }
        // A stray or stale redirect does not end the attempt: the genuine
        // one may still come. Say why it was ignored.
        Err(reason) if pasted => {
            app.notice = Some(Notice::error(format!(
                "That address was not accepted: {reason}"
            )));
        }
        Err(reason) => {
            app.notice = Some(Notice::error(format!("A redirect was ignored: {reason}")));
        }
    }
    None
}

/// A grant for the instance being created: kept with the values it was
/// asked for, for Review and the create.
pub fn keep_grant(app: &mut App, grant: Grant) {
    let values = app.form().map(FormState::values).unwrap_or_default();
    app.authorize.grant = Some((grant, values));
    app.notice = Some(Notice::success(
        "Authorized. Check what will be created, then press Enter.",
    ));
}

/// Whether an answer to the current attempt still counts: while waiting,
/// and after the wait timed out, pasted or through the listener, which
/// stays armed until the attempt ends (Esc, or a new attempt). The person
/// may have allowed access just too late; the redirect still carries this
/// attempt's state, which is checked as before, and the screen moves on
/// as it would have in time.
fn takes_answers(phase: &AuthPhase, _pasted: bool) -> bool {
    // The phases of `signing_in`, but FetchingUrl: no link was shown yet.
    matches!(
        phase,
        AuthPhase::Waiting { .. } | AuthPhase::Failed(AuthProblem::TimedOut)
    )
}

fn authorize_command(app: &mut App, cmd: Command) -> Vec<Effect> {
    let auth = &mut app.authorize;
    match cmd {
        Command::Back if auth.paste_focused => auth.paste_focused = false,
        Command::Back => {
            app.step = match auth.reauth.take() {
                Some(t) => t.back_to,
                None => Step::Configure,
            };
            app.notice = None;
            // Going back ends the attempt: a sign-in link still on its way
            // is not wanted any more, and the listener stops waiting, so a
            // browser that finishes later is told so instead of "received".
            // Going forward again starts a new attempt.
            if matches!(
                auth.phase,
                AuthPhase::FetchingUrl
                    | AuthPhase::Waiting { .. }
                    | AuthPhase::Failed(AuthProblem::TimedOut)
            ) {
                auth.phase = AuthPhase::Idle;
                auth.paste.set("");
                return vec![Effect::Cancel {
                    attempt: auth.attempt,
                }];
            }
        }
        Command::Continue if auth.paste_focused => {
            let input = auth.paste.value().trim();
            if input.is_empty() {
                app.notice = Some(Notice::error(
                    "Paste the address the browser was sent to after you allowed access",
                ));
            } else if !takes_answers(&auth.phase, true) {
                // Over for good: Enter does what the screen says it does.
                return start_authorization(app);
            } else {
                return vec![Effect::ParsePasted {
                    attempt: auth.attempt,
                    input: Secret::new(input),
                }];
            }
        }
        Command::PasteUrl => auth.paste_focused = true,
        Command::Retry => return start_authorization(app),
        Command::OpenBrowser => {
            if let AuthPhase::Waiting { url, browser, .. } = &mut auth.phase {
                *browser = BrowserStatus::Opening;
                return vec![Effect::OpenBrowser {
                    attempt: auth.attempt,
                    url: url.clone(),
                }];
            }
        }
        Command::ShowUrl => auth.link_printed = matches!(auth.phase, AuthPhase::Waiting { .. }),
        Command::CopyUrl => {
            if let AuthPhase::Waiting { url, .. } = &auth.phase {
                return vec![Effect::Copy {
                    what: CopyTarget::AuthUrl,
                    text: Secret::new(url.as_str()),
                }];
            }
        }
        _ => {}
    }
    vec![]
}
