//! Work that `update` asks for and cannot do itself: network calls, the
//! OAuth listener, the browser, the clipboard, files. The runner (see
//! `Runner`) carries each out in a tokio task and reports back with an
//! `Action`.

use super::action::{
    Action, CallbackResult, CopyTarget, DeleteAnswer, FileSaveError, Reauthorized,
};
use super::report::{
    BrowserFailure, CatalogProblem, CreatedCheck, ErrorReport, ListenerProblem, LostAnswer,
    LostCreate,
};
use crate::api::{
    find_created_in, ApiError, Client, CreateInstance, CreateOutcome, Credentials, InstanceChanges,
    Paging, Reprovision,
};
use crate::catalog::{self, AuthKind, CatalogEntry};
use crate::clipboard;
use crate::config::{self, Environment};
use crate::flow::{
    self,
    oauth::{Authorization, OAuthApp, StartError},
};
use crate::oauth::{
    self, CallbackOutcome, Listener, ListenerEvent, ListenerHandle, OAuthState, Purpose,
};
use crate::secret::Secret;
use crate::tui::listed::Listed;
use std::fmt;
use std::io::Write;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::task::{AbortHandle, JoinHandle};

/// The platform connection a call goes to: where, and as whom. Every
/// platform effect carries one, so a new call adds its own fields only.
#[derive(Clone)]
pub struct Platform {
    pub base_url: String,
    pub creds: Credentials,
}

/// The address only: the credentials are secrets.
impl fmt::Debug for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Platform")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

pub enum Effect {
    /// Tries the secrets by fetching the catalog, which then replaces the
    /// list on screen.
    CheckConnection {
        attempt: u64,
        platform: Platform,
    },
    /// Reads the catalog cached for this base URL (a file read, off the
    /// drawing path).
    LoadCachedCatalog {
        base_url: String,
    },
    /// Fetches the catalog again (conditionally, with the cache's ETag).
    RefreshCatalog {
        attempt: u64,
        platform: Platform,
    },
    /// Finds `--element KEY` in the catalog (the cache first).
    LookupElement {
        attempt: u64,
        platform: Platform,
        key: String,
    },
    /// Builds an element's form from its configuration metadata.
    LoadSpec {
        attempt: u64,
        platform: Platform,
        entry: CatalogEntry,
    },
    /// Saves the profile `profile`.
    SaveConfig {
        profile: String,
        environment: Environment,
        secrets: Option<Credentials>,
    },
    /// Learns the callback URL `port` gives (port 0: a free one) and
    /// whether the port is free, binding it only for that moment: another
    /// program (an OAuth `create` elsewhere) may use it until a sign-in
    /// starts.
    CheckCallbackPort {
        port: u16,
    },
    /// A new OAuth attempt: a fresh state, the listener bound on the
    /// callback URL's port for it (or re-armed, if it still listens
    /// there), then the provider's URL fetched. The port is let go when
    /// the attempt ends (see `Cancel`).
    StartAuthorization {
        attempt: u64,
        platform: Platform,
        element_key: String,
        /// OAuth 1 asks for a request token first.
        auth: AuthKind,
        /// The app registered at the provider, as the form names it.
        app: OAuthApp,
        callback_url: String,
        /// Whether the grant creates an instance or signs one in again,
        /// for the pages the browser is shown.
        purpose: Purpose,
    },
    OpenBrowser {
        attempt: u64,
        url: String,
    },
    /// An element's documentation page, through the same checked opener.
    OpenDocs {
        url: String,
    },
    /// A redirected URL pasted by hand, checked against the attempt's state.
    ParsePasted {
        attempt: u64,
        input: Secret,
    },
    /// `POST /instances`, sent once; a lost answer is looked for in the
    /// instance list (`Client::create_instance_safely`).
    Create {
        attempt: u64,
        platform: Platform,
        body: Box<CreateInstance>,
        /// What identifies the instance should the answer be lost, stamped
        /// when the model sent it: the one clock the Creating step shows.
        check: CreatedCheck,
    },
    /// Reads the instance list again to learn whether a create whose
    /// outcome was unknown made its instance.
    CheckCreated {
        attempt: u64,
        platform: Platform,
        check: CreatedCheck,
    },
    /// Stops waiting for the call of this attempt (a connection check, a
    /// sign-in link, a create, a check), dropping its connection; its
    /// result never arrives. For a sign-in, the listener stops waiting
    /// too, and lets its port go a little later (`LATE_REDIRECT_GRACE`).
    Cancel {
        attempt: u64,
    },
    Copy {
        what: CopyTarget,
        text: Secret,
    },
    SaveFile {
        path: PathBuf,
        contents: Secret,
        overwrite: bool,
    },
    /// `GET /instances`, every page, each sent back as it arrives.
    ListInstances {
        attempt: u64,
        platform: Platform,
    },
    /// `flow::check::check_instance`: is the instance valid, and does its
    /// ping (or a read) through it answer.
    CheckInstance {
        attempt: u64,
        platform: Platform,
        id: i64,
    },
    /// `flow::fleet::check_all`: many instances checked at once, each
    /// end sent back as one `InstanceChecked` of this attempt.
    CheckMany {
        attempt: u64,
        platform: Platform,
        batch: Vec<flow::fleet::Queued>,
    },
    /// `PUT` (on) or `DELETE` (off) `/instances/{id}/enabled`, then the
    /// instance read again, as it is now.
    SwitchInstance {
        attempt: u64,
        platform: Platform,
        id: i64,
        on: bool,
    },
    /// `flow::delete::delete`: a lost answer is followed by a read of the
    /// instance.
    DeleteInstance {
        attempt: u64,
        platform: Platform,
        id: i64,
    },
    /// `PATCH /instances/{id}`: a new name, new tags.
    UpdateInstance {
        attempt: u64,
        platform: Platform,
        id: i64,
        changes: InstanceChanges,
    },
    /// `flow::reauth::reauthorize`: the `PATCH` with the fresh grant, then
    /// the check.
    ReauthorizeInstance {
        attempt: u64,
        platform: Platform,
        id: i64,
        body: Box<Reprovision>,
    },
}

/// Names the variant only: effects carry secrets.
impl fmt::Debug for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Effect::CheckConnection { .. } => "CheckConnection",
            Effect::LoadCachedCatalog { .. } => "LoadCachedCatalog",
            Effect::RefreshCatalog { .. } => "RefreshCatalog",
            Effect::LookupElement { key, .. } => return write!(f, "LookupElement({key})"),
            Effect::LoadSpec { entry, .. } => return write!(f, "LoadSpec({})", entry.key),
            Effect::SaveConfig { .. } => "SaveConfig",
            Effect::CheckCallbackPort { .. } => "CheckCallbackPort",
            Effect::StartAuthorization { .. } => "StartAuthorization",
            Effect::OpenBrowser { .. } => "OpenBrowser",
            Effect::OpenDocs { .. } => "OpenDocs",
            Effect::ParsePasted { .. } => "ParsePasted",
            Effect::Create { .. } => "Create",
            Effect::CheckCreated { .. } => "CheckCreated",
            Effect::Cancel { attempt } => return write!(f, "Cancel({attempt})"),
            Effect::Copy { what, .. } => return write!(f, "Copy({what:?})"),
            Effect::SaveFile { path, .. } => return write!(f, "SaveFile({})", path.display()),
            Effect::ListInstances { .. } => "ListInstances",
            Effect::CheckInstance { id, .. } => return write!(f, "CheckInstance({id})"),
            Effect::CheckMany { batch, .. } => return write!(f, "CheckMany({})", batch.len()),
            Effect::SwitchInstance { id, on, .. } => {
                return write!(f, "SwitchInstance({id}, {on})")
            }
            Effect::DeleteInstance { id, .. } => return write!(f, "DeleteInstance({id})"),
            Effect::UpdateInstance { id, .. } => return write!(f, "UpdateInstance({id})"),
            Effect::ReauthorizeInstance { id, .. } => {
                return write!(f, "ReauthorizeInstance({id})")
            }
        };
        f.write_str(name)
    }
}

/// A platform call in flight, which Esc may cancel.
struct InFlight {
    attempt: u64,
    create: bool,
    task: AbortHandle,
}

/// Carries effects out in tokio tasks and sends their results back as
/// actions. It owns everything with a lifetime beyond one call: the OAuth
/// listener and the platform calls in flight, which Esc may cancel.
pub struct Runner {
    tx: mpsc::UnboundedSender<Action>,
    /// The deadline of each attempt of each platform call.
    request_timeout: Duration,
    tmux: bool,
    /// The task that binds, re-arms and lets go of the OAuth listener
    /// (see `sign_ins`), started with the first sign-in.
    sign_ins: Option<(mpsc::UnboundedSender<ListenerCtl>, JoinHandle<()>)>,
    /// The current attempt's state, for pasted redirects.
    current_state: Option<(u64, OAuthState)>,
    calls: Vec<InFlight>,
    /// Remembered secrets go to the config file, not the OS keyring.
    insecure_storage: bool,
}

impl Runner {
    pub fn new(tx: mpsc::UnboundedSender<Action>) -> Self {
        Runner {
            tx,
            request_timeout: crate::api::REQUEST_TIMEOUT,
            tmux: clipboard::inside_tmux(),
            sign_ins: None,
            current_state: None,
            calls: Vec::new(),
            insecure_storage: false,
        }
    }

    /// Remembered secrets go to the config file on purpose (`--insecure-storage`).
    pub fn with_insecure_storage(mut self, insecure: bool) -> Self {
        self.insecure_storage = insecure;
        self
    }

    /// Every platform call gives up after `timeout` (`--request-timeout`).
    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    fn client(&self, platform: Platform) -> Result<Client, ApiError> {
        Client::with_timeouts(
            &platform.base_url,
            platform.creds,
            crate::api::CONNECT_TIMEOUT.min(self.request_timeout),
            self.request_timeout,
        )
    }

    /// Remembers a call so that `Effect::Cancel` and shutting down can stop it.
    fn track(&mut self, attempt: u64, create: bool, task: JoinHandle<()>) {
        self.calls.retain(|c| !c.task.is_finished());
        self.calls.push(InFlight {
            attempt,
            create,
            task: task.abort_handle(),
        });
    }

    fn cancel(&mut self, which: impl Fn(&InFlight) -> bool) {
        self.calls.retain(|c| {
            if which(c) {
                c.task.abort();
            }
            !which(c)
        });
    }

    /// Runs one platform call in a task the runner tracks, so Esc can
    /// cancel it. `call` gets a client with the run's deadline (a client
    /// that cannot be built fails like the call would); `report` turns the
    /// result into the actions to send back.
    fn call<T, Fut>(
        &mut self,
        attempt: u64,
        create: bool,
        platform: Platform,
        call: impl FnOnce(Client) -> Fut + Send + 'static,
        report: impl FnOnce(Result<T, ApiError>) -> Vec<Action> + Send + 'static,
    ) where
        T: Send + 'static,
        Fut: std::future::Future<Output = Result<T, ApiError>> + Send + 'static,
    {
        let client = self.client(platform);
        let tx = self.tx.clone();
        let task = tokio::spawn(async move {
            let result = match client {
                Ok(client) => call(client).await,
                Err(e) => Err(e),
            };
            for action in report(result) {
                Self::send(&tx, action);
            }
        });
        self.track(attempt, create, task);
    }

    /// The platform's catalog: checking a connection fetches it too.
    fn fetch_catalog(
        &mut self,
        attempt: u64,
        connection: Platform,
        report: impl FnOnce(Result<catalog::Catalog, ApiError>) -> Vec<Action> + Send + 'static,
    ) {
        self.call(
            attempt,
            false,
            connection,
            |client| async move { catalog::refresh(&client).await },
            report,
        );
    }

    fn send(tx: &mpsc::UnboundedSender<Action>, action: Action) {
        // The loop has ended if this fails; there is no one left to tell.
        let _ = tx.send(action);
    }

    /// Starts one effect. `terminal_out` receives escape sequences (OSC 52)
    /// between two frames, so they never interleave with drawing. Each
    /// effect's work is a method below, grouped by what it touches.
    pub fn run(&mut self, effect: Effect, terminal_out: &mut dyn Write) {
        match effect {
            Effect::CheckConnection { attempt, platform } => {
                self.check_connection(attempt, platform)
            }
            Effect::LoadCachedCatalog { base_url } => self.load_cached_catalog(base_url),
            Effect::RefreshCatalog { attempt, platform } => self.refresh_catalog(attempt, platform),
            Effect::LookupElement {
                attempt,
                platform,
                key,
            } => self.lookup_element(attempt, platform, key),
            Effect::LoadSpec {
                attempt,
                platform,
                entry,
            } => self.load_spec(attempt, platform, entry),
            Effect::SaveConfig {
                profile,
                environment,
                secrets,
            } => self.save_config(profile, environment, secrets),
            Effect::CheckCallbackPort { port } => self.check_callback_port(port),
            Effect::StartAuthorization {
                attempt,
                platform,
                element_key,
                auth,
                app,
                callback_url,
                purpose,
            } => self.start_authorization(
                attempt,
                platform,
                element_key,
                auth,
                app,
                (callback_url, purpose),
            ),
            Effect::OpenBrowser { attempt, url } => self.open_browser(attempt, url),
            Effect::OpenDocs { url } => self.open_docs(url),
            Effect::ParsePasted { attempt, input } => self.parse_pasted(attempt, input),
            Effect::Create {
                attempt,
                platform,
                body,
                check,
            } => self.create(attempt, platform, body, check),
            Effect::CheckCreated {
                attempt,
                platform,
                check,
            } => self.check_created(attempt, platform, check),
            Effect::Cancel { attempt } => {
                self.cancel(|c| c.attempt == attempt);
                self.stop_waiting(attempt);
            }
            Effect::ListInstances { attempt, platform } => self.list_instances(attempt, platform),
            Effect::CheckInstance {
                attempt,
                platform,
                id,
            } => self.check_instance(attempt, platform, id),
            Effect::CheckMany {
                attempt,
                platform,
                batch,
            } => self.check_many(attempt, platform, batch),
            Effect::SwitchInstance {
                attempt,
                platform,
                id,
                on,
            } => self.switch_instance(attempt, platform, id, on),
            Effect::DeleteInstance {
                attempt,
                platform,
                id,
            } => self.delete_instance(attempt, platform, id),
            Effect::UpdateInstance {
                attempt,
                platform,
                id,
                changes,
            } => self.update_instance(attempt, platform, id, changes),
            Effect::ReauthorizeInstance {
                attempt,
                platform,
                id,
                body,
            } => self.reauthorize_instance(attempt, platform, id, body),
            Effect::Copy { what, text } => self.copy(what, text, terminal_out),
            Effect::SaveFile {
                path,
                contents,
                overwrite,
            } => self.save_file(path, contents, overwrite),
        }
    }

    /// Hands a new attempt to the task that owns the listener (started
    /// on the first): it binds `port`, or re-arms the listener still
    /// there. The receiver says when the listener is ready, or why not.
    fn arm_listener(
        &mut self,
        attempt: u64,
        port: u16,
        state: OAuthState,
        purpose: Purpose,
    ) -> oneshot::Receiver<Result<(), ListenerProblem>> {
        let (ready, answer) = oneshot::channel();
        let (ctl, _) = self.sign_ins.get_or_insert_with(|| {
            let (ctl, requests) = mpsc::unbounded_channel();
            (ctl, tokio::spawn(sign_ins(self.tx.clone(), requests)))
        });
        // A task that ended drops `ready`: the attempt hears so.
        let _ = ctl.send(ListenerCtl::Arm {
            attempt,
            port,
            state,
            purpose,
            ready,
        });
        answer
    }

    /// The sign-in `attempt` is over (Esc, a grant, a failure): a pasted
    /// address no longer counts, and a late redirect gets the page saying
    /// the wizard stopped waiting until the port is let go.
    fn stop_waiting(&mut self, attempt: u64) {
        if !matches!(&self.current_state, Some((a, _)) if *a == attempt) {
            return;
        }
        self.current_state = None;
        if let Some((ctl, _)) = &self.sign_ins {
            // A task that ended has nothing left to stop.
            let _ = ctl.send(ListenerCtl::StopWaiting(attempt));
        }
    }

    /// Stops background work before the wizard returns.
    pub async fn shutdown(mut self) {
        self.cancel(|_| true);
        if let Some((ctl, task)) = self.sign_ins.take() {
            drop(ctl);
            let _ = tokio::time::timeout(std::time::Duration::from_secs(3), task).await;
        }
    }
}

/// The catalog: checking a connection, the cache, the live list, one element.
impl Runner {
    fn check_connection(&mut self, attempt: u64, platform: Platform) {
        let url = platform.base_url.clone();
        self.fetch_catalog(attempt, platform, move |fetched| match fetched {
            // The catalog first, so the list is in place when
            // the check moves the person on.
            Ok(catalog) => {
                let n = catalog.len();
                vec![
                    Action::CatalogRefreshed {
                        attempt,
                        base_url: url,
                        result: Ok(Box::new(catalog)),
                    },
                    Action::ConnectionChecked {
                        attempt,
                        result: Ok(n),
                    },
                ]
            }
            Err(e) => vec![Action::ConnectionChecked {
                attempt,
                result: Err(ErrorReport::from(&e)),
            }],
        });
    }

    fn load_cached_catalog(&mut self, base_url: String) {
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let cached = catalog::load_cached(&base_url).map(Box::new);
            let now = std::time::SystemTime::now();
            Self::send(
                &tx,
                Action::CachedCatalog {
                    base_url,
                    cached,
                    now,
                },
            );
        });
    }

    fn refresh_catalog(&mut self, attempt: u64, platform: Platform) {
        let url = platform.base_url.clone();
        self.fetch_catalog(attempt, platform, move |result| {
            vec![Action::CatalogRefreshed {
                attempt,
                base_url: url,
                result: result.map(Box::new).map_err(|e| catalog_problem(&e)),
            }]
        });
    }

    fn lookup_element(&mut self, attempt: u64, platform: Platform, key: String) {
        let wanted = key.clone();
        self.call(
            attempt,
            false,
            platform,
            move |client| async move { catalog::lookup(&client, &wanted).await },
            move |result| {
                vec![Action::ElementLookedUp {
                    attempt,
                    key,
                    result: result.map_err(|e| ErrorReport::from(&e)),
                }]
            },
        );
    }

    fn load_spec(&mut self, attempt: u64, platform: Platform, entry: CatalogEntry) {
        self.call(
            attempt,
            false,
            platform,
            move |client| async move { catalog::element_spec(&client, &entry).await },
            move |result| {
                let result = result.map(Box::new).map_err(|e| ErrorReport::from(&e));
                vec![Action::SpecLoaded { attempt, result }]
            },
        );
    }
}

/// What the runner tells the task that owns the listener.
enum ListenerCtl {
    /// A new attempt: the port its callback URL names, its state, what its
    /// grant is for, and where to say that the listener is ready.
    Arm {
        attempt: u64,
        port: u16,
        state: OAuthState,
        purpose: Purpose,
        ready: oneshot::Sender<Result<(), ListenerProblem>>,
    },
    /// This attempt's wait is over.
    StopWaiting(u64),
}

/// How long the listener stays after its attempt was given up (Esc, or
/// ended by a pasted address or a failure), so that a browser finishing
/// just then is told the wizard stopped waiting rather than finding
/// nothing there; then the port is free for anyone.
pub const LATE_REDIRECT_GRACE: Duration = Duration::from_secs(60);

/// The task that owns the OAuth listener, so that binding, re-arming and
/// letting go happen one at a time: it binds the port when an attempt
/// starts, tags each redirect with the attempt it belongs to, and lets
/// the port go once the attempt is over (at once after the redirect came,
/// once the browser fetched its result page; `LATE_REDIRECT_GRACE` after
/// the wait was given up). Another program may use the port in between.
async fn sign_ins(
    tx: mpsc::UnboundedSender<Action>,
    mut requests: mpsc::UnboundedReceiver<ListenerCtl>,
) {
    let mut live: Option<(u16, ListenerHandle)> = None;
    let mut current = 0;
    let mut let_go_at: Option<tokio::time::Instant> = None;
    loop {
        let let_go = let_go_at;
        tokio::select! {
            event = next_event(&mut live) => match event {
                Some(ListenerEvent::Completed(outcome)) => {
                    Runner::send(&tx, Action::Callback { attempt: current, pasted: false, result: answered(outcome) });
                    // The state is spent: nothing more can complete this
                    // attempt through the listener.
                    let_go_at = Some(tokio::time::Instant::now());
                }
                Some(ListenerEvent::Rejected { reason }) => {
                    Runner::send(&tx, Action::Callback { attempt: current, pasted: false, result: CallbackResult::Rejected(reason) });
                }
                // It can receive nothing more; a pasted address still can.
                None => let_go_at = Some(tokio::time::Instant::now()),
            },
            request = requests.recv() => match request {
                Some(ListenerCtl::Arm { attempt, port, state, purpose, ready }) => {
                    current = attempt;
                    let_go_at = None;
                    let result = match &live {
                        Some((p, handle)) if *p == port => {
                            handle.set_purpose(purpose);
                            handle.rearm(state);
                            Ok(())
                        }
                        _ => {
                            let_listener_go(&mut live).await;
                            Listener::bind(port)
                                .map(|l| {
                                    let handle = l.start(state);
                                    handle.set_purpose(purpose);
                                    live = Some((port, handle));
                                })
                                .map_err(|e| ListenerProblem::of(&e))
                        }
                    };
                    let _ = ready.send(result);
                }
                Some(ListenerCtl::StopWaiting(attempt)) if attempt == current => {
                    if let Some((_, handle)) = &live {
                        handle.stop_waiting();
                    }
                    let later = tokio::time::Instant::now() + LATE_REDIRECT_GRACE;
                    let_go_at = Some(let_go_at.map_or(later, |at| at.min(later)));
                }
                Some(ListenerCtl::StopWaiting(_)) => {}
                None => break,
            },
            () = sleep_until(let_go), if let_go.is_some() => {
                let_go_at = None;
                let_listener_go(&mut live).await;
            }
        }
    }
    let_listener_go(&mut live).await;
}

/// The next event of the listener, if one listens.
async fn next_event(live: &mut Option<(u16, ListenerHandle)>) -> Option<ListenerEvent> {
    match live {
        Some((_, handle)) => handle.next_event().await,
        None => std::future::pending().await,
    }
}

async fn sleep_until(at: Option<tokio::time::Instant>) {
    if let Some(at) = at {
        tokio::time::sleep_until(at).await;
    }
}

/// Stops the listener and waits until its port is free (after the
/// browser fetched its result page, for a second at most).
async fn let_listener_go(live: &mut Option<(u16, ListenerHandle)>) {
    if let Some((_, handle)) = live.take() {
        let _ = tokio::task::spawn_blocking(move || handle.shutdown()).await;
    }
}

/// The sign-in: the OAuth listener, the sign-in link, a pasted redirect.
impl Runner {
    /// Binds `port` for a moment to learn the callback URL (and whether
    /// the port is free), and lets it go at once.
    fn check_callback_port(&mut self, port: u16) {
        let result = crate::oauth::check_port(port)
            .map(crate::oauth::callback_url)
            .map_err(|e| ListenerProblem::of(&e));
        Self::send(&self.tx, Action::CallbackPortChecked(result));
    }

    fn start_authorization(
        &mut self,
        attempt: u64,
        platform: Platform,
        element_key: String,
        auth: AuthKind,
        app: OAuthApp,
        (callback_url, purpose): (String, Purpose),
    ) {
        let state = OAuthState::generate();
        self.current_state = Some((attempt, state.clone()));
        let Some(port) = url::Url::parse(&callback_url).ok().and_then(|u| u.port()) else {
            let problem = ListenerProblem::Failed(format!("{callback_url} names no port"));
            Self::send(&self.tx, Action::SignInListenerFailed { attempt, problem });
            return;
        };
        let ready = self.arm_listener(attempt, port, state.clone(), purpose);
        let request = app.url_request(&callback_url, &state);
        // The link is asked for once the listener can take its redirect.
        self.call(
            attempt,
            false,
            platform,
            move |client| async move {
                match ready.await {
                    Ok(Ok(())) => Ok(Ok(flow::oauth::authorization(
                        &client,
                        &element_key,
                        auth,
                        &request,
                    )
                    .await)),
                    Ok(Err(problem)) => Ok(Err(problem)),
                    Err(_) => Ok(Err(ListenerProblem::Failed(
                        "the listener's task ended".into(),
                    ))),
                }
            },
            move |result| match result {
                Ok(Err(problem)) => vec![Action::SignInListenerFailed { attempt, problem }],
                Ok(Ok(started)) => authorization_actions(attempt, Ok(started)),
                Err(e) => authorization_actions(attempt, Err(e)),
            },
        );
    }

    fn parse_pasted(&mut self, attempt: u64, input: Secret) {
        let tx = self.tx.clone();
        let result = match &self.current_state {
            Some((a, state)) if *a == attempt => match oauth::parse_pasted(input.expose(), state) {
                Ok(outcome) => answered(outcome),
                Err(rejection) => CallbackResult::Rejected(rejection.to_string()),
            },
            _ => CallbackResult::Rejected("this attempt is over; start a new one".into()),
        };
        Self::send(
            &tx,
            Action::Callback {
                attempt,
                pasted: true,
                result,
            },
        );
    }
}

/// The create, and looking for what a lost one made.
impl Runner {
    fn create(
        &mut self,
        attempt: u64,
        platform: Platform,
        body: Box<CreateInstance>,
        check: CreatedCheck,
    ) {
        // One create at a time: two in flight could make two instances.
        self.cancel(|c| c.create);
        self.call(
            attempt,
            true,
            platform,
            move |client| async move { client.create_instance_safely(&body).await },
            move |outcome| vec![create_action(attempt, outcome, check)],
        );
    }

    fn check_created(&mut self, attempt: u64, platform: Platform, check: CreatedCheck) {
        self.call(
            attempt,
            false,
            platform,
            move |client| async move {
                find_created_in(&client, &check.element_key, &check.name, check.since).await
            },
            move |result| {
                let result = result.map_err(|e| ErrorReport::from(&e));
                vec![Action::CreateChecked { attempt, result }]
            },
        );
    }
}

/// An instance's operations: the list, a check, a delete, an update, a re-authorization.
impl Runner {
    fn list_instances(&mut self, attempt: u64, platform: Platform) {
        let tx = self.tx.clone();
        let pages = tx.clone();
        self.call(
            attempt,
            false,
            platform,
            // Each page goes to the screen as it arrives, so the
            // first is drawn after one round trip.
            move |client| async move {
                client
                    .for_each_instance_page(Paging::default(), |page| {
                        Self::send(
                            &pages,
                            Action::InstancesPage {
                                attempt,
                                // Kept as the list needs them: the
                                // parsed answers go with the page.
                                instances: page.instances.iter().map(Listed::of).collect(),
                            },
                        );
                        ControlFlow::Continue(())
                    })
                    .await
            },
            move |result| {
                vec![Action::InstancesListed {
                    attempt,
                    result: result.map(|_| ()).map_err(|e| ErrorReport::from(&e)),
                }]
            },
        );
    }

    fn check_many(&mut self, attempt: u64, platform: Platform, batch: Vec<flow::fleet::Queued>) {
        let tx = self.tx.clone();
        self.call(
            attempt,
            false,
            platform,
            move |client| async move {
                flow::fleet::check_all(&client, batch, flow::fleet::DEFAULT_JOBS, |ended| {
                    Self::send(
                        &tx,
                        Action::InstanceChecked {
                            attempt,
                            id: ended.instance.id,
                            result: ended.result.map_err(|e| ErrorReport::from(&e)),
                        },
                    );
                    ControlFlow::Continue(())
                })
                .await;
                Ok::<(), ApiError>(())
            },
            // Each end went back as it came.
            |_| vec![],
        );
    }

    fn switch_instance(&mut self, attempt: u64, platform: Platform, id: i64, on: bool) {
        self.call(
            attempt,
            false,
            platform,
            move |client| async move {
                if on {
                    client.enable_instance(id).await?;
                } else {
                    client.disable_instance(id).await?;
                }
                client.get_instance(id).await
            },
            move |result| {
                vec![Action::InstanceSwitched {
                    attempt,
                    id,
                    on,
                    result: result.map_err(|e| ErrorReport::from(&e)),
                }]
            },
        );
    }

    fn check_instance(&mut self, attempt: u64, platform: Platform, id: i64) {
        self.call(
            attempt,
            false,
            platform,
            move |client| async move { flow::check::check_instance(&client, id).await },
            move |result| {
                vec![Action::InstanceChecked {
                    attempt,
                    id,
                    result: result.map(|c| c.outcome).map_err(|e| ErrorReport::from(&e)),
                }]
            },
        );
    }

    fn delete_instance(&mut self, attempt: u64, platform: Platform, id: i64) {
        self.call(
            attempt,
            false,
            platform,
            move |client| async move { flow::delete::delete(&client, id).await },
            move |result| {
                vec![Action::InstanceDeleted {
                    attempt,
                    id,
                    result: result.map(delete_answer).map_err(|e| ErrorReport::from(&e)),
                }]
            },
        );
    }

    fn update_instance(
        &mut self,
        attempt: u64,
        platform: Platform,
        id: i64,
        changes: InstanceChanges,
    ) {
        self.call(
            attempt,
            false,
            platform,
            move |client| async move { client.update_instance(id, &changes).await },
            move |result| {
                vec![Action::InstanceUpdated {
                    attempt,
                    id,
                    result: result.map_err(|e| ErrorReport::from(&e)),
                }]
            },
        );
    }

    fn reauthorize_instance(
        &mut self,
        attempt: u64,
        platform: Platform,
        id: i64,
        body: Box<Reprovision>,
    ) {
        self.call(
            attempt,
            false,
            platform,
            move |client| async move { flow::reauth::reauthorize(&client, id, &body).await },
            move |result| {
                let result = result
                    .map(|r| {
                        Box::new(Reauthorized {
                            instance: r.instance,
                            check: r.check.map_err(|e| ErrorReport::from(&e)),
                        })
                    })
                    .map_err(|e| ErrorReport::from(&e));
                vec![Action::InstanceReauthorized {
                    attempt,
                    id,
                    result,
                }]
            },
        );
    }
}

/// This machine: the config, the browser, the clipboard, files.
impl Runner {
    fn save_config(
        &mut self,
        profile: String,
        environment: Environment,
        secrets: Option<Credentials>,
    ) {
        let tx = self.tx.clone();
        let insecure = self.insecure_storage;
        tokio::task::spawn_blocking(move || {
            let secrets = secrets.map(|c| (c.user, c.org));
            let result = config::remember(&profile, environment, secrets, insecure);
            Self::send(&tx, Action::ConfigSaved(result));
        });
    }

    fn open_browser(&mut self, attempt: u64, url: String) {
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let result = oauth::open_browser(&url).map_err(BrowserFailure);
            Self::send(&tx, Action::BrowserOpened { attempt, result });
        });
    }

    fn open_docs(&mut self, url: String) {
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let result = oauth::open_docs(&url).map_err(BrowserFailure);
            Self::send(&tx, Action::DocsOpened { url, result });
        });
    }

    fn copy(&mut self, what: CopyTarget, text: Secret, terminal_out: &mut dyn Write) {
        let tx = self.tx.clone();
        // A terminal that cannot take an escape sequence would print it raw.
        let sequence = clipboard::osc52_sequence(text.expose(), self.tmux);
        let osc52 = clipboard::terminal_takes_escapes()
            && !sequence.is_empty()
            && terminal_out
                .write_all(sequence.as_bytes())
                .and_then(|()| terminal_out.flush())
                .is_ok();
        let tmux = self.tmux;
        tokio::task::spawn_blocking(move || {
            let report = clipboard::CopyReport {
                native: clipboard::copy_native(text.expose()),
                osc52,
                tmux,
            };
            Self::send(&tx, Action::Copied { what, report });
        });
    }

    fn save_file(&mut self, path: PathBuf, contents: Secret, overwrite: bool) {
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let result = config::write_private_file(&path, contents.expose().as_bytes(), overwrite)
                .map_err(|e| match e.kind() {
                    std::io::ErrorKind::AlreadyExists => FileSaveError::Exists,
                    _ => FileSaveError::Other(e.to_string()),
                });
            Self::send(&tx, Action::FileSaved { path, result });
        });
    }
}

/// A delete's outcome as the Instances view tells it.
fn delete_answer(d: flow::delete::Deleted) -> DeleteAnswer {
    use flow::delete::Deleted;
    match d {
        Deleted::Yes => DeleteAnswer::Deleted,
        Deleted::AnswerLostButGone { cause } => DeleteAnswer::LostButGone(cause.to_string()),
        Deleted::AnswerLostStillThere { cause } => DeleteAnswer::LostStillThere(cause.to_string()),
        Deleted::Unknown { cause, reread } => {
            DeleteAnswer::Unknown(cause.to_string(), reread.to_string())
        }
    }
}

/// A failed refresh as the Element step tells it: offline, or refused.
fn catalog_problem(e: &ApiError) -> CatalogProblem {
    CatalogProblem {
        offline: matches!(e, ApiError::Network { .. } | ApiError::Timeout),
        message: e.to_string(),
    }
}

/// The action that reports a create's outcome: found or not, and whether
/// it is known.
fn create_action(
    attempt: u64,
    outcome: Result<CreateOutcome, ApiError>,
    check: CreatedCheck,
) -> Action {
    match outcome {
        Ok(CreateOutcome::Created(instance)) => Action::Created {
            attempt,
            result: Ok(instance),
        },
        Ok(CreateOutcome::Recovered { instance, cause }) => Action::CreateRecovered {
            attempt,
            instance,
            lost: LostAnswer::of(&cause),
        },
        Err(e @ ApiError::NothingCreated { .. }) => Action::NothingCreated {
            attempt,
            report: ErrorReport::from(&e),
        },
        Err(e @ ApiError::OutcomeUnknown { .. }) => Action::CreateOutcomeUnknown {
            attempt,
            lost: LostCreate {
                report: ErrorReport::from(&e),
                check,
                lost: LostAnswer::of(&e),
            },
        },
        Err(e) => Action::Created {
            attempt,
            result: Err(ErrorReport::from(&e)),
        },
    }
}

/// An answer that came for an attempt, logged where it arrives.
fn answered(outcome: CallbackOutcome) -> CallbackResult {
    flow::oauth::log_answer(&outcome);
    CallbackResult::Answered(outcome)
}

/// The actions that report a started attempt: the request token (OAuth 1)
/// and the sign-in link, or the call that failed.
fn authorization_actions(
    attempt: u64,
    result: Result<Result<Authorization, StartError>, ApiError>,
) -> Vec<Action> {
    match result {
        Ok(Ok(Authorization { url, request_token })) => {
            let token = request_token.map(|t| Action::RequestTokenIssued {
                attempt,
                result: Ok(t),
            });
            let url = Action::AuthUrlFetched {
                attempt,
                result: Ok(url),
            };
            token.into_iter().chain([url]).collect()
        }
        Ok(Err(StartError::RequestToken(e))) => vec![Action::RequestTokenIssued {
            attempt,
            result: Err(ErrorReport::from(&e)),
        }],
        // A client that cannot be built fails like the URL call would.
        Ok(Err(StartError::Url(e))) | Err(e) => vec![Action::AuthUrlFetched {
            attempt,
            result: Err(ErrorReport::from(&e)),
        }],
    }
}
