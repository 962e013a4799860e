//! The terminal wizard, in the Elm architecture: an [`app::App`] model,
//! [`update::update`] turning actions into model changes and effects,
//! [`ui::render`] drawing the model, and an [`effect::Runner`] doing the
//! effects' I/O in tokio tasks that report back with actions.
//!
//! Each step lives in one folder under [`steps`]: its model (`state.rs`),
//! what other steps may start on it (`start.rs`), its keys and handlers
//! (`mod.rs`) and its drawing (`view.rs`). `update` only routes: global
//! keys first, then the step on screen, and what one step produced (a
//! sign-in's grant) to the step that takes it: a step never calls a
//! sibling's handlers, only what the sibling offers in its `start`.
//!
//! [`step`] and [`listed`] are leaves every step may import;
//! [`instance_ops`] is what can be done to one instance (check it, copy
//! its token, re-authorize it), whose results Done and the Instances view
//! both show. `tests/it/import_graph.rs` keeps the modules free of circles.

pub mod action;
pub mod app;
pub mod clock;
pub mod effect;
pub mod instance_ops;
pub mod keymap;
pub mod launch;
pub mod listed;
pub mod report;
pub mod step;
pub mod steps;
pub mod terminal;
pub mod theme;
pub mod ui;
pub mod update;
pub mod widgets;

use crate::api::Instance;
use crate::config::Environment;
use crate::sandbox::Sandbox;
use crate::secret::Secret;
use action::Action;
use app::{App, Exit, Settings, Step};
use clock::Moves;
use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use steps::connection::ConnectionForm;
use tokio::sync::mpsc;

pub struct WizardOptions {
    pub environment: Option<Environment>,
    pub user_secret: Option<Secret>,
    pub org_secret: Option<Secret>,
    pub sandbox: Option<Arc<Sandbox>>,
    pub callback_port: u16,
    pub oauth_timeout: Duration,
    pub no_browser: bool,
    /// Preselect this element and open its form.
    pub element: Option<String>,
    /// The deadline of each call to the platform (`--request-timeout`).
    pub request_timeout: Duration,
    /// Remembered secrets go to the config file, not the OS keyring.
    pub insecure_storage: bool,
    /// Open on the Instances view (`ce-wizard instances`), which is then
    /// the whole run.
    pub instances: bool,
    /// The saved profiles the Connection step offers.
    pub profiles: steps::connection::ProfileOffer,
    /// `--print-token`: the tokens go to standard output at exit.
    pub print_token: bool,
}

pub struct WizardOutcome {
    pub created: Vec<Instance>,
    pub saved_files: Vec<PathBuf>,
    /// The person quit (or a signal ended the wizard) before finishing.
    pub interrupted: bool,
}

/// How often the spinner and the time left advance.
const TICK: Duration = Duration::from_millis(100);

/// The model for these options, before any I/O. With a sandbox the
/// environment and the demo secrets are filled in; a complete connection
/// skips the Connection step (Esc from Element still reaches it).
pub fn initial_app(opts: &WizardOptions, settings: Settings, theme: theme::Theme) -> App {
    let (env, user, org) = match &opts.sandbox {
        Some(s) => (
            Some(Environment::Custom(s.base_url())),
            Some(s.user_secret().to_string()),
            Some(s.org_secret().to_string()),
        ),
        None => (
            opts.environment.clone(),
            opts.user_secret.as_ref().map(|s| s.expose().to_string()),
            opts.org_secret.as_ref().map(|s| s.expose().to_string()),
        ),
    };
    let mut conn = ConnectionForm::new(env.as_ref(), user.as_deref(), org.as_deref());
    conn.sandbox = opts.sandbox.is_some();
    if !conn.sandbox {
        let p = &opts.profiles;
        let save_as = match p.save_as.trim() {
            "" => crate::config::DEFAULT_PROFILE,
            name => name,
        };
        conn.offer_profiles(p.saved.clone(), p.in_use.as_deref(), save_as);
    }
    let mut app = App::new(settings, theme, crate::catalog::Catalog::bundled(), conn);
    match app.connection.check_all().first() {
        None if opts.instances => {
            app.instances = Some(steps::instances::InstancesState::new(None));
            app.step = Step::Instances;
        }
        None => app.step = Step::Element,
        // Land where typing is needed: usually the first secret.
        Some((field, _)) => app.connection.focus = *field,
    }
    if let Some(key) = opts
        .element
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        match crate::catalog::bundled_spec(key) {
            Some(spec) => {
                let key = spec.key.clone();
                let entries = app.catalog.entries();
                if let Some(pos) = app
                    .picker
                    .matches()
                    .iter()
                    .position(|&i| entries[i].key == key)
                {
                    app.picker.selected = pos;
                }
                if app.step == Step::Element {
                    steps::element::choose_element(&mut app, &key);
                }
            }
            // Looked up in the platform's catalog once the connection is
            // known (see `update::startup`).
            None => app.wanted_element = Some(key.to_string()),
        }
    }
    app
}

pub async fn run(opts: WizardOptions) -> anyhow::Result<WizardOutcome> {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let settings = Settings {
        callback_port: opts.callback_port,
        oauth_timeout: opts.oauth_timeout,
        no_browser: opts.no_browser,
        remote: crate::oauth::ssh_session_without_display(),
        name_stamp: crate::flow::names::name_stamp(since_epoch),
        save_dir: PathBuf::new(),
        sandbox: opts.sandbox.is_some(),
        config_path: crate::config::config_path(),
        request_timeout: opts.request_timeout,
        started: (SystemTime::now(), Instant::now()),
        print_token: opts.print_token,
    };
    let mut app = initial_app(&opts, settings, theme::Theme::from_env());

    let (tx, mut rx) = mpsc::unbounded_channel::<Action>();
    let mut runner = effect::Runner::new(tx)
        .with_request_timeout(opts.request_timeout)
        .with_insecure_storage(opts.insecure_storage);
    // Caught before the terminal changes mode, so that from the first frame
    // on, these signals end the wizard through the loop below (which
    // restores the terminal) instead of killing it in raw mode.
    let mut stop = StopSignals::new()?;
    let (mut term, guard) = terminal::setup()?;
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);

    // The state changes now, so the first frame shows them; the work they
    // start (reading the catalog cache, the TLS client and the catalog's
    // refresh, the OAuth listener) once that frame is out. None of it can
    // reach the first frame (its results come through `rx`, read after the
    // draw), and started before it, it only raced the frame for the CPU and
    // paged in its code first (docs/performance.md, "RSS at the first frame").
    let mut startup = update::startup(&mut app);
    let result: anyhow::Result<()> = async {
        let mut draw = true;
        let mut moves = Moves::EveryTick;
        let mut drawn_at = app.clock.now();
        // Out of the wizard's screen, printing the whole sign-in link (`l`).
        let mut outside = false;
        loop {
            // A panic in an effect's task ran the panic hook, which gave the
            // terminal back; drawing on would scribble over the message.
            if !terminal::is_active() {
                anyhow::bail!("an internal error stopped the wizard (its message is above)");
            }
            match (steps::authorize::printed_link(&app), outside) {
                (Some(link), false) => {
                    terminal::step_out(term.backend_mut(), &link.lines())?;
                    outside = true;
                }
                (None, true) => {
                    terminal::step_back(&mut term)?;
                    outside = false;
                    draw = true;
                }
                _ => {}
            }
            if draw && !outside {
                let mut drawn = steps::Drawn::default();
                term.draw(|f| drawn = ui::render(&app, f))?;
                moves = drawn.moves;
                drawn.keep(&mut app);
                drawn_at = app.clock.now();
            }
            for e in startup.drain(..) {
                runner.run(e, term.backend_mut());
            }
            let action = tokio::select! {
                event = events.next() => match event {
                    Some(Ok(Event::Key(k))) if k.kind != KeyEventKind::Release => Action::Key(k),
                    Some(Ok(Event::Paste(text))) => Action::Paste(text),
                    Some(Ok(Event::Resize(..))) => Action::Resize,
                    Some(Ok(_)) => continue,
                    Some(Err(e)) => return Err(e.into()),
                    // The terminal went away: nothing can be asked any more.
                    None => { app.exit = Some(Exit::Interrupted); break }
                },
                _ = tick.tick() => Action::Tick(Instant::now()),
                Some(action) = rx.recv() => action,
                _ = stop.recv() => { app.exit = Some(Exit::Interrupted); break }
            };
            // After a tick, only a frame that showed time can look different
            // (see `clock`); anything else may change the screen.
            draw = match &action {
                Action::Tick(now) => moves.redraw_at(drawn_at, *now),
                _ => true,
            };
            for effect in update::update(&mut app, action) {
                runner.run(effect, term.backend_mut());
            }
            if app.exit.is_some() {
                break;
            }
        }
        Ok(())
    }
    .await;
    drop(guard);
    runner.shutdown().await;
    result?;
    Ok(WizardOutcome {
        created: app.created,
        saved_files: app.saved_files,
        interrupted: app.exit != Some(Exit::Finished),
    })
}

/// The signals that end the wizard through its loop, which restores the
/// terminal. Ctrl-C is not among them: in raw mode it arrives as a key, on
/// every platform.
struct StopSignals {
    /// `kill`, and the terminal closing.
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hup: tokio::signal::unix::Signal,
    /// Ctrl-Break, which the console sends even in raw mode, and the
    /// console window closing.
    #[cfg(windows)]
    ctrl_break: tokio::signal::windows::CtrlBreak,
    #[cfg(windows)]
    close: tokio::signal::windows::CtrlClose,
}

impl StopSignals {
    fn new() -> std::io::Result<StopSignals> {
        Ok(StopSignals {
            #[cfg(unix)]
            term: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?,
            #[cfg(unix)]
            hup: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?,
            #[cfg(windows)]
            ctrl_break: tokio::signal::windows::ctrl_break()?,
            #[cfg(windows)]
            close: tokio::signal::windows::ctrl_close()?,
        })
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.hup.recv() => {}
        }
        #[cfg(windows)]
        tokio::select! {
            _ = self.ctrl_break.recv() => {}
            _ = self.close.recv() => {}
        }
        #[cfg(not(any(unix, windows)))]
        std::future::pending::<()>().await
    }
}

#[cfg(test)]
mod tests;
