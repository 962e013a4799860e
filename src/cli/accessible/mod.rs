//! The accessible mode: the wizard's steps (connection when the secrets are
//! missing, element, configure, authorize for OAuth elements, review,
//! create, done) as a plain transcript a screen reader can follow. Nothing
//! is drawn: no alternate screen, no cursor movement, no redraws, no
//! spinners; each question is one line on stderr and each answer one line
//! on standard input.
//!
//! It is a presenter over the [`Console`] that `create` uses, and shares
//! the rest with it and the wizard: the catalog and its filter, the
//! element's form and its validation ([`crate::form`]), the walk over its
//! fields and the create request ([`crate::flow`]), the yes/no words
//! ([`prompt::yes_no`]), the OAuth wait ([`OAuthSession`], in the
//! transcript's voice), and `create`'s bounded create with its waiting
//! lines. What is its own is the wording and the order of its questions.
//! After a denied or timed-out sign-in it offers a new link and keeps
//! every answer.

mod choice;
mod transcript;

#[cfg(test)]
mod tests_in_process;

use super::authorize::OAuthSession;
use super::console::{field_problem, Console, FieldWalk};
use super::create::create_once;
use super::field_kinds::{self, Ask};
use super::{prompt, report, Connection, Failure, GlobalArgs};
use crate::api::Client;
use crate::catalog::{self, Catalog, ElementSpec, FieldSpec, AUTH_TYPE_KEY};
use crate::config::{ORG_SECRET_ENV, USER_SECRET_ENV};
use crate::exit;
use crate::flow::{self, fields::form_fields};
use crate::form::{self, DeriveContext, FormValues};
use crate::oauth::{self, Listener};
use crate::secret::Secret;
use choice::{Answer, Choice, Pick};
use std::io::Write;
use transcript::Transcript;

/// How many elements a list shows at once; typing part of a name narrows it.
const LIST_LENGTH: usize = 15;

/// Whether the accessible mode is asked for: `--accessible`, `ACCESSIBLE`
/// set to a yes (1, yes, true, on, in any case; empty, a no or anything
/// else is off, as other tools read it), or a terminal that cannot move its
/// cursor (`TERM=dumb`).
pub fn wanted(flag: bool, env: Option<&str>, term: Option<&str>) -> bool {
    let switched_on = env.is_some_and(|v| prompt::yes_no(v, false) == Some(true));
    flag || switched_on || term == Some("dumb")
}

pub async fn run(
    g: &GlobalArgs,
    print_token: bool,
    element: Option<String>,
    con: Console,
) -> Result<i32, Failure> {
    let conn = super::connection::resolve(g, super::connection::UnknownProfile::Allow)?;
    let account = Account {
        conn,
        saved_profiles: &crate::config::saved_profiles,
        catalog_cache: true,
    };
    run_with(g, account, print_token, element, con).await
}

/// Where the run connects: the connection the command line resolved, and
/// the saved profiles it may pick from when that has no secrets (read only
/// then: the keyring can be slow to answer).
struct Account<'a> {
    conn: Connection,
    saved_profiles: &'a (dyn Fn() -> Vec<crate::config::SavedProfile> + Sync),
    /// Whether the platform's catalog is read from and written to the
    /// cache (never for the built-in sandbox, whose address is new on
    /// every run).
    catalog_cache: bool,
}

async fn run_with(
    g: &GlobalArgs,
    account: Account<'_>,
    print_token: bool,
    element: Option<String>,
    con: Console,
) -> Result<i32, Failure> {
    let mut t = Transcript::new(con);
    t.say("ce-wizard, accessible mode: one question a line. Type the answer and press Enter; Ctrl-C quits.");
    let Account {
        mut conn,
        saved_profiles,
        catalog_cache,
    } = account;
    if conn.sandbox.is_some() {
        t.say("Using the built-in sandbox: nothing leaves this machine.");
    }
    let (client, catalog) = connect(&mut t, g, &mut conn, saved_profiles, catalog_cache).await?;

    let entry = choose_element(&mut t, &catalog, element.as_deref()).await?;
    let spec = catalog::element_spec(&client, &entry)
        .await
        .map_err(|e| Failure {
            code: exit::API_FAILED,
            message: format!(
                "cannot read the settings {} takes: {}",
                entry.name,
                report::api_error(&e, None)
            ),
        })?;
    t.say(element_line(&spec));

    // Bound before the form, so the Callback URL field holds the
    // listener's real address (port 0 picks one); an element with several
    // sign-in kinds may be signed in through the browser.
    let oauth_element = spec.offers_oauth();
    let mut listener = if oauth_element {
        Some(bind_listener(
            &mut t,
            g.callback_port,
            conn.sandbox.is_some(),
        )?)
    } else {
        None
    };
    let ctx = DeriveContext {
        callback_url: listener.as_ref().map(Listener::callback_url),
    };
    let fields = form_fields(&spec);
    let mut form = Form {
        values: FormValues::new(),
        walk: FieldWalk::default(),
        name: flow::names::default_name(&spec.key, &flow::names::stamp_now()),
        tags: Vec::new(),
    };
    let mut session: Option<OAuthSession> = None;
    let budget = g
        .request_timeout
        .mul_f64(super::create::CREATE_BUDGET_TIMEOUTS);
    'form: loop {
        t.say(format!("Settings of {}:", spec.name));
        configure(&mut t, &fields, &mut form, &ctx).await?;
        for f in &fields {
            if f.is_secret() {
                crate::log::add_secret(form.values.get(&f.key));
            }
        }
        // The sign-in kind chosen on the form decides whether to authorize.
        let provider_data = if spec
            .auth_for(Some(form.values.get(AUTH_TYPE_KEY)))
            .is_oauth()
        {
            let callback_url = form.values.get("oauth.callback.url").to_string();
            if let Some(old) = session.take_if(|s| s.callback_url() != callback_url) {
                // The address was changed: the listener cannot serve it.
                let _ = tokio::task::spawn_blocking(move || old.finish()).await;
            }
            let s = session.get_or_insert_with(|| {
                OAuthSession::for_transcript(g, listener.take(), &callback_url, t.lines.clone())
            });
            loop {
                match s.authorize(&mut t.con, &client, &spec, &form.values).await {
                    Ok(provider_data) => break Some(provider_data),
                    // Denied or too slow: a new link, with every answer kept.
                    Err(failed) if failed.retry => {
                        t.say(format!("Error: {}; nothing was created.", failed.reason));
                        if ask_yes_no(&mut t, "Try the sign-in again? [Y/n]: ", true).await? {
                            continue;
                        }
                        if ask_yes_no(&mut t, "Change the settings? [Y/n]: ", true).await? {
                            continue 'form;
                        }
                        return Err(failed.failure);
                    }
                    Err(failed) => return Err(failed.failure),
                }
            }
        } else {
            None
        };
        review(&mut t, &spec, &fields, &form);
        if !ask_yes_no(&mut t, "Create this instance now? [Y/n]: ", true).await? {
            if ask_yes_no(&mut t, "Change the settings? [Y/n]: ", true).await? {
                continue;
            }
            t.say("Nothing was created.");
            return Ok(exit::INTERRUPTED);
        }
        let body = flow::request::create_request(
            &spec.key,
            &fields,
            &form.values,
            &form.name,
            form.tags.clone(),
            provider_data,
        );
        t.say("Creating the instance…");
        let outcome = create_once(&mut t.con, &client, &body, budget).await;
        if let Some(s) = session.take() {
            // Lets the browser fetch its result page, then frees the port.
            let _ = tokio::task::spawn_blocking(move || s.finish()).await;
        }
        let outcome = outcome.map_err(|e| Failure {
            code: exit::API_FAILED,
            message: report::create_failed(&e, &spec, budget),
        })?;
        if let Some(cause) = outcome.recovered_from() {
            t.say(report::recovered(outcome.instance(), cause));
        }
        done(&mut t, &client, outcome.instance(), print_token).await;
        return Ok(exit::CREATED);
    }
}

/// The OAuth listener on `port`. Taken by another program, under the
/// sandbox (where any port works) a free one is used and said; otherwise
/// the run ends saying what to do.
fn bind_listener(t: &mut Transcript, port: u16, sandbox: bool) -> Result<Listener, Failure> {
    let failure = |e: oauth::ListenerError| Failure {
        code: exit::OAUTH_FAILED,
        message: format!("{e}; close the program using it, or pick another --callback-port"),
    };
    match Listener::bind(port) {
        Err(oauth::ListenerError::PortInUse { port }) if sandbox => {
            let l = Listener::bind(0).map_err(failure)?;
            t.say(format!(
                "Port {port} is taken by another program; the sandbox takes any port, so the wizard listens on free port {} instead.",
                l.port()
            ));
            Ok(l)
        }
        other => other.map_err(failure),
    }
}

/// The chosen element, how it signs in and what to have ready, in plain
/// words ("Have ready: Store URL, Admin username, Admin password").
fn element_line(spec: &ElementSpec) -> String {
    let needs = spec.needs();
    let ready = if needs.is_empty() {
        String::new()
    } else {
        format!(" Have ready: {}.", needs.join(", "))
    };
    let mut kinds: Vec<&str> = spec.kinds().iter().map(|k| k.label()).collect();
    kinds.dedup();
    let notes: String = spec.notes.iter().map(|n| format!(" Note: {n}")).collect();
    format!(
        "Element: {} ({}). Sign-in: {}.{ready}{notes}",
        spec.name,
        spec.key,
        kinds.join(", or ")
    )
}

/// What the configure step gathers.
struct Form {
    values: FormValues,
    /// The walk over the fields, which knows the ones answered: derived
    /// values no longer follow their sources there.
    walk: FieldWalk,
    name: String,
    tags: Vec<String>,
}

/// The client and the catalog. Without secrets, the Connection step: a
/// saved profile to pick when there are some, else both secrets asked
/// without echo, checked as the wizard checks them, then tried by fetching
/// the catalog; typed secrets that work may be remembered under a profile
/// name.
async fn connect(
    t: &mut Transcript,
    g: &GlobalArgs,
    conn: &mut Connection,
    saved_profiles: &(dyn Fn() -> Vec<crate::config::SavedProfile> + Sync),
    catalog_cache: bool,
) -> Result<(Client, Catalog), Failure> {
    let mut asked = false;
    let mut typed = false;
    // The name offered when remembering: the picked profile's, else the
    // one --profile gave.
    let mut save_as = conn.profile.clone().or_else(|| g.profile.clone());
    loop {
        if conn.credentials().is_none() {
            if !asked {
                t.say(format!(
                    "No Cloud Elements secrets yet ({USER_SECRET_ENV} and {ORG_SECRET_ENV}). Find them in the Cloud Elements console: your profile, Settings, Account. To try everything without an account, run ce-wizard --sandbox."
                ));
                if conn.sandbox.is_none() {
                    if let Some(picked) = pick_profile(t, conn, saved_profiles()).await? {
                        save_as = Some(picked);
                    }
                }
            }
            asked = true;
            if conn.credentials().is_none() {
                ask_secrets(t, conn).await?;
                typed = true;
            }
        }
        let client = conn.client()?;
        let base = conn.base_url();
        // The built-in sandbox has a new address on every run: its catalog
        // is neither taken from the cache nor written to it.
        let cache = catalog_cache && conn.sandbox.is_none();
        if let Some(cached) = cache
            .then(|| catalog::load_cached(&base))
            .flatten()
            .filter(|c| !c.is_stale(std::time::SystemTime::now()))
        {
            t.say(format!(
                "Connected to {base}: {} elements (cached).",
                cached.catalog.len()
            ));
            if typed {
                offer_to_remember(t, g, conn, save_as.as_deref()).await?;
            }
            return Ok((client, cached.catalog));
        }
        t.say(format!("Connecting to {base}…"));
        let fetched = if cache {
            catalog::refresh(&client).await
        } else {
            catalog::fetch(&client).await
        };
        match fetched {
            Ok(c) => {
                t.say(format!("Connected: {} elements.", c.len()));
                if typed {
                    offer_to_remember(t, g, conn, save_as.as_deref()).await?;
                }
                return Ok((client, c));
            }
            Err(e) if asked => {
                t.say(format!(
                    "Error: the connection failed: {}",
                    report::api_error(&e, None)
                ));
                conn.user_secret = None;
                conn.org_secret = None;
            }
            Err(e) => {
                let c = Catalog::bundled();
                t.say(format!(
                    "Could not fetch the catalog ({e}); showing the {} bundled elements.",
                    c.len()
                ));
                return Ok((client, c));
            }
        }
    }
}

/// The saved profiles, numbered; a number or a name picks one, whose
/// environment and secrets (when it saved them) the connection takes;
/// Enter alone types the secrets instead. Returns the picked name.
async fn pick_profile(
    t: &mut Transcript,
    conn: &mut Connection,
    saved: Vec<crate::config::SavedProfile>,
) -> Result<Option<String>, Failure> {
    if saved.is_empty() {
        return Ok(None);
    }
    t.say(format!("{} saved profiles:", saved.len()));
    let options: Vec<Choice> = saved
        .iter()
        .map(|p| Choice {
            key: p.name.clone(),
            name: p.name.clone(),
        })
        .collect();
    for (n, p) in saved.iter().enumerate() {
        let secrets = match (&p.secrets, &p.problem) {
            (Some(_), _) => "secrets saved".to_string(),
            (None, Some(problem)) => format!("secrets unreadable: {problem}"),
            (None, None) => "no secrets saved".to_string(),
        };
        t.say(format!(
            "{}. {}: {}, {secrets}",
            n + 1,
            p.name,
            crate::sanitize::line(&p.environment.label())
        ));
    }
    loop {
        let line = t
            .ask("Profile (number or name; Enter alone to type the secrets instead): ")
            .await
            .map_err(io_failure)?;
        match choice::parse(&line, &options) {
            Answer::Chosen(i) => {
                let p = &saved[i];
                conn.environment = p.environment.clone();
                conn.profile = Some(p.name.clone());
                if let Some((user, org)) = &p.secrets {
                    conn.user_secret = Some(user.clone());
                    conn.org_secret = Some(org.clone());
                }
                t.say(format!("Profile: {}.", p.name));
                return Ok(Some(p.name.clone()));
            }
            Answer::Empty => return Ok(None),
            Answer::OutOfRange(n) => t.say(format!(
                "Error: Profile: there is no number {n} in the list; type a number from 1 to {}.",
                options.len()
            )),
            Answer::Unknown => t.say(format!(
                "Error: Profile: no saved profile is named \"{}\"; type a number or a name from the list.",
                crate::sanitize::escaped(line.trim())
            )),
        }
    }
}

/// After typed secrets worked: whether to remember them and the
/// environment under a profile name, saved as the wizard saves them.
async fn offer_to_remember(
    t: &mut Transcript,
    g: &GlobalArgs,
    conn: &Connection,
    save_as: Option<&str>,
) -> Result<(), Failure> {
    let Some(creds) = conn.credentials() else {
        return Ok(());
    };
    if conn.sandbox.is_some()
        || !ask_yes_no(
            t,
            "Remember the environment and these secrets under a profile name? [y/N]: ",
            false,
        )
        .await?
    {
        return Ok(());
    }
    let offered = save_as.unwrap_or(crate::config::DEFAULT_PROFILE);
    let name = loop {
        let line = t
            .ask(&format!("Profile name (Enter for {offered}): "))
            .await
            .map_err(io_failure)?;
        let name = match line.trim() {
            "" => offered.to_string(),
            typed => typed.to_string(),
        };
        match crate::config::check_profile_name(&name) {
            Ok(()) => break name,
            Err(e) => t.say(format!("Error: Profile name: {e}.")),
        }
    };
    let environment = conn.environment.clone();
    let insecure = g.insecure_storage;
    let saved = tokio::task::spawn_blocking(move || {
        crate::config::remember(&name, environment, Some((creds.user, creds.org)), insecure)
    })
    .await
    .map_err(|e| Failure {
        code: exit::FAILED,
        message: e.to_string(),
    })?;
    match saved {
        Ok(saved) => t.say(format!("{}.", saved.describe())),
        Err(e) => t.say(format!(
            "Error: could not save the profile: {e}. The connection works for this run."
        )),
    }
    Ok(())
}

/// Both account secrets, without echo, each checked as the wizard's
/// Connection step checks it.
async fn ask_secrets(t: &mut Transcript, conn: &mut Connection) -> Result<(), Failure> {
    let mut typed = Vec::new();
    for label in ["User secret", "Organization secret"] {
        loop {
            let answer = t
                .ask_secret(&format!("{label} (required, not shown as you type): "))
                .await
                .map_err(io_failure)?;
            match crate::config::check_account_secret(label, &answer) {
                Some(problem) => t.say(error_line(label, &problem)),
                None => {
                    typed.push(Secret::new(answer.trim()));
                    break;
                }
            }
        }
    }
    let mut typed = typed.into_iter();
    conn.user_secret = typed.next();
    conn.org_secret = typed.next();
    Ok(())
}

/// The Element step: a numbered list; a number, a key or a name chooses,
/// other text narrows the list.
async fn choose_element(
    t: &mut Transcript,
    catalog: &Catalog,
    wanted: Option<&str>,
) -> Result<catalog::CatalogEntry, Failure> {
    let entries = catalog.entries();
    if let Some(key) = wanted.map(str::trim).filter(|k| !k.is_empty()) {
        match catalog.find(key) {
            Some(e) => return Ok(e.clone()),
            None => t.say(format!(
                "Error: Element: there is no element with the key \"{}\"; choose one below.",
                key.escape_debug()
            )),
        }
    }
    let all: Vec<Choice> = entries
        .iter()
        .map(|e| Choice {
            key: e.key.clone(),
            name: e.name.clone(),
        })
        .collect();
    // The list in the wizard's order: the bundled elements first, then
    // the rest of the catalog by name.
    let whole = || crate::catalog::picker::filter(entries, "");
    let mut shown: Vec<usize> = whole();
    let mut list = true;
    loop {
        if list {
            say_list(t, catalog, &shown);
        }
        list = false;
        let line = t
            .ask("Element (number, key or part of a name): ")
            .await
            .map_err(io_failure)?;
        match choice::pick(&line, &shown[..shown.len().min(LIST_LENGTH)], &all, |q| {
            crate::catalog::picker::filter(entries, q)
        }) {
            Pick::Chosen(i) => return Ok(entries[i].clone()),
            Pick::Narrowed(matches) => {
                shown = matches;
                list = true;
            }
            Pick::OutOfRange(n) => t.say(format!(
                "Error: Element: there is no number {n} in the list; type a number from 1 to {}.",
                shown.len().min(LIST_LENGTH)
            )),
            Pick::NoMatch => t.say(format!(
                "Error: Element: no element matches \"{}\"; type part of another name.",
                line.trim().escape_debug()
            )),
            Pick::Empty => {
                t.say("Error: Element: type a number, a key or part of a name.");
                shown = whole();
                list = true;
            }
        }
    }
}

fn say_list(t: &mut Transcript, catalog: &Catalog, shown: &[usize]) {
    let entries = catalog.entries();
    t.say(format!("{} elements:", shown.len()));
    for (n, &i) in shown.iter().take(LIST_LENGTH).enumerate() {
        let e = &entries[i];
        t.say(format!(
            "{}. {} ({}), sign-in: {}",
            n + 1,
            e.name,
            e.key,
            e.auth.label()
        ));
    }
    if shown.len() > LIST_LENGTH {
        t.say(format!(
            "and {} more: type part of a name to narrow the list.",
            shown.len() - LIST_LENGTH
        ));
    }
}

/// The Configure step: the element's fields in the wizard's order (the
/// advanced ones only when asked for), then the name and the tags, each
/// checked by the same validation as the wizard's form.
async fn configure(
    t: &mut Transcript,
    fields: &[FieldSpec],
    form: &mut Form,
    ctx: &DeriveContext,
) -> Result<(), Failure> {
    let own: Vec<&FieldSpec> = fields.iter().filter(|f| !f.advanced).collect();
    for f in own {
        ask_field(t, fields, f, form, ctx).await?;
    }
    let advanced: Vec<&FieldSpec> = fields.iter().filter(|f| f.advanced).collect();
    if !advanced.is_empty() {
        let names: Vec<&str> = advanced
            .iter()
            .filter(|f| f.when.is_none())
            .map(|f| f.label.as_str())
            .collect();
        t.say(format!("Advanced settings: {}.", names.join(", ")));
        if ask_yes_no(t, "Change the advanced settings? [y/N]: ", false).await? {
            for f in advanced {
                ask_field(t, fields, f, form, ctx).await?;
            }
        }
    }
    loop {
        let line = t
            .ask(&format!(
                "Instance name (Enter keeps {}): ",
                form.name.trim()
            ))
            .await
            .map_err(io_failure)?;
        let candidate = if line.trim().is_empty() {
            form.name.clone()
        } else {
            line.trim().to_string()
        };
        match form::validate_name(&candidate) {
            Some(problem) => t.say(error_line("Instance name", &problem)),
            None => {
                form.name = candidate;
                break;
            }
        }
    }
    loop {
        let shown = if form.tags.is_empty() {
            "optional".to_string()
        } else {
            format!("Enter keeps {}", form.tags.join(", "))
        };
        let line = t
            .ask(&format!("Tags, separated by commas ({shown}): "))
            .await
            .map_err(io_failure)?;
        let tags = if line.trim().is_empty() {
            form.tags.clone()
        } else {
            flow::request::tag_list(&line)
        };
        match form::validate_tags(&tags) {
            Some(problem) => t.say(error_line("Tags", &problem)),
            None => {
                form.tags = tags;
                break;
            }
        }
    }
    Ok(())
}

/// One field, asked until its value passes; a field that a `when`
/// condition switches off is skipped. Enter keeps the value it has.
async fn ask_field(
    t: &mut Transcript,
    fields: &[FieldSpec],
    f: &FieldSpec,
    form: &mut Form,
    ctx: &DeriveContext,
) -> Result<(), Failure> {
    let mut first = true;
    // The address offered for a URL typed without its scheme: Enter at
    // the next question takes it.
    let mut offered: Option<String> = None;
    loop {
        if !form.walk.in_force(fields, &mut form.values, ctx, f) {
            return Ok(());
        }
        if first && !f.help.is_empty() {
            t.say(format!("{}: {}", f.label, f.help));
        }
        first = false;
        let current = form.values.get(&f.key).to_string();
        let prompt = match &offered {
            Some(s) => format!(
                "{}: {}, or type the value again: ",
                f.label,
                crate::form::url_offer(s)
            ),
            None => field_prompt(f, &current),
        };
        let line = if f.is_secret() {
            t.ask_secret(&prompt).await
        } else {
            t.ask(&prompt).await
        }
        .map_err(io_failure)?;
        let typed = line.trim();
        let accepted = offered.take().filter(|_| typed.is_empty());
        let value = match &accepted {
            Some(s) => Ok(s.clone()),
            None if typed.is_empty() => Ok(current.trim().to_string()),
            None => typed_value(f, typed),
        };
        let problem = match &value {
            Err(problem) => Some(problem.clone()),
            Ok(v) => field_problem(f, v),
        };
        match (problem, value) {
            (Some(problem), value) => {
                offered = value.ok().and_then(|v| form::suggested_url(f, &v));
                t.say(error_line(&f.label, &problem));
            }
            (None, Ok(v)) => {
                // A shape the docs do not describe is said, never refused.
                if let Some(w) = form::shape_warning(f, &v) {
                    t.say(format!("Warning: {w}."));
                }
                if !typed.is_empty() || accepted.is_some() {
                    form.walk.answer(f, &mut form.values, v);
                } else {
                    // Enter kept the value: a derived one still follows.
                    form.values.set(f.key.clone(), v);
                }
                return Ok(());
            }
            (None, Err(_)) => unreachable!("an unreadable answer is a problem"),
        }
    }
}

/// The question for a field, on one line: its label, whether it is
/// required, an example or the choices, and what Enter keeps.
fn field_prompt(f: &FieldSpec, current: &str) -> String {
    let mut parts: Vec<String> = vec![if f.required { "required" } else { "optional" }.into()];
    parts.extend(field_kinds::answer_hint(f));
    if !current.trim().is_empty() {
        parts.push(field_kinds::enter_keeps(f, current));
    }
    format!("{} ({}): ", f.label, parts.join("; "))
}

/// The value a typed answer stands for: yes/no for a checkbox, a number or
/// a name for a choice, the text itself otherwise.
fn typed_value(f: &FieldSpec, typed: &str) -> Result<String, String> {
    match field_kinds::ask(f.kind) {
        Ask::YesNo => prompt::yes_no(typed, false)
            .map(|b| b.to_string())
            .ok_or_else(|| format!("{} takes y (yes) or n (no)", f.label)),
        Ask::Numbered => {
            let options: Vec<Choice> = f
                .choices
                .iter()
                .map(|c| Choice {
                    key: c.clone(),
                    name: c.clone(),
                })
                .collect();
            match choice::parse(typed, &options) {
                Answer::Chosen(i) => Ok(f.choices[i].clone()),
                _ => Err(format!(
                    "{} must be one of: {} (or its number)",
                    f.label,
                    f.choices.join(", ")
                )),
            }
        }
        Ask::Text | Ask::Hidden => Ok(typed.to_string()),
    }
}

/// An error as one line that names the field.
fn error_line(label: &str, problem: &str) -> String {
    if problem.starts_with(label) {
        format!("Error: {problem}.")
    } else {
        format!("Error: {label}: {problem}.")
    }
    .replace("..", ".")
}

async fn ask_yes_no(t: &mut Transcript, prompt: &str, default: bool) -> Result<bool, Failure> {
    loop {
        let line = t.ask(prompt).await.map_err(io_failure)?;
        match prompt::yes_no(&line, default) {
            Some(answer) => return Ok(answer),
            None => t.say("Error: answer y (yes) or n (no)."),
        }
    }
}

/// The Review step: what will be sent, secrets hidden.
fn review(t: &mut Transcript, spec: &ElementSpec, fields: &[FieldSpec], form: &Form) {
    t.say(format!(
        "Review: a new {} instance named \"{}\".",
        spec.name,
        form.name.trim()
    ));
    for f in flow::fields::active_fields(fields, &form.values) {
        let v = form.values.get(&f.key);
        if v.trim().is_empty() || (f.advanced && f.default.as_deref() == Some(v)) {
            continue;
        }
        let shown = field_kinds::shown(f, v);
        t.say(format!("  {}: {shown}", f.label));
    }
    if !form.tags.is_empty() {
        t.say(format!("  Tags: {}", form.tags.join(", ")));
    }
}

/// The Done step: the instance, its token (on stdout with
/// `--print-token`), and the offer to copy it.
async fn done(
    t: &mut Transcript,
    client: &Client,
    instance: &crate::api::Instance,
    print_token: bool,
) {
    t.say(format!(
        "Created instance {} \"{}\" of {}.",
        instance.id,
        instance.name,
        if instance.element_name.is_empty() {
            &instance.element_key
        } else {
            &instance.element_name
        }
    ));
    // "Created" is not yet "works": the same check as the wizard's Done,
    // one line (and what to do) instead of a status that changes.
    t.say("Checking that it works, with one read through it…");
    match crate::flow::check::check_instance(client, instance.id).await {
        Ok(checked) => {
            for line in super::instances::tell(&checked.outcome, &checked.instance).lines() {
                t.say(line.trim_start());
            }
        }
        Err(e) => t.say(format!(
            "Checking it failed: {}. Check it later with: ce-wizard instances test {}",
            report::api_error(&e, None),
            instance.id
        )),
    }
    let token = match instance.printable_token() {
        Ok(token) => token.to_string(),
        Err(why) => {
            t.say(&why);
            return;
        }
    };
    let printed = print_token.then(|| {
        let out = &mut t.con.output;
        out.write_all(format!("{token}\n").as_bytes())
            .and_then(|()| out.flush())
    });
    if let Some(Ok(())) = printed {
        t.say("Its token is on standard output.");
    } else if let Some(Err(e)) = printed {
        // The transcript is the one place left that can still hand it over.
        t.say(format!(
            "The token could not be written to standard output ({e}); here it is, on the next line:"
        ));
        t.say(&token);
    } else {
        t.say("Its token, on the next line:");
        t.say(&token);
    }
    let copy = matches!(
        ask_yes_no(t, "Copy the token to the clipboard? [y/N]: ", false).await,
        Ok(true)
    );
    if copy {
        let native = {
            let token = token.clone();
            tokio::task::spawn_blocking(move || crate::clipboard::copy_native(&token))
                .await
                .unwrap_or_else(|e| Err(e.to_string()))
        };
        match native {
            Ok(_) => t.say("Copied to the clipboard."),
            // A terminal that cannot take an escape sequence (TERM=dumb)
            // would print it raw: the token above is the way there.
            Err(why) if !crate::clipboard::terminal_takes_escapes() => t.say(format!(
                "Not copied ({why}), and this terminal cannot be asked to; copy the token from the line above."
            )),
            Err(_) => {
                let tmux = crate::clipboard::inside_tmux();
                let seq = crate::clipboard::osc52_sequence(&token, tmux);
                let _ = t.con.errors.write_all(seq.as_bytes());
                let _ = t.con.errors.flush();
                t.say(format!(
                    "{}; if nothing pastes, copy the token from the line above.",
                    crate::clipboard::sent_to_terminal(tmux)
                ));
            }
        }
    }
    t.say("Done.");
}

fn io_failure(e: std::io::Error) -> Failure {
    Failure {
        code: exit::INTERRUPTED,
        message: format!("cannot read the answer ({e}); nothing was created"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{bundled_spec, FieldKind};

    #[test]
    fn the_mode_is_on_by_flag_or_for_a_dumb_terminal() {
        assert!(wanted(true, None, Some("xterm-256color")));
        assert!(wanted(false, None, Some("dumb")));
        assert!(!wanted(false, None, Some("xterm")));
        assert!(!wanted(false, None, None));
    }

    /// `ACCESSIBLE` is read as other tools read it: a yes switches the mode
    /// on; empty, a no, or a word that is neither leaves it off.
    #[test]
    fn the_environment_switch_takes_the_usual_yes_and_no_words() {
        for on in ["1", "yes", "YES", "true", "True", "y", "on"] {
            assert!(wanted(false, Some(on), Some("xterm")), "{on}");
        }
        for off in ["", "0", "no", "No", "false", "FALSE", "n", "off", "maybe"] {
            assert!(!wanted(false, Some(off), Some("xterm")), "{off:?}");
        }
    }

    #[test]
    fn prompts_are_one_line_and_say_what_enter_keeps() {
        let fields = form_fields(bundled_spec("ecwid").unwrap());
        let store = fields.iter().find(|f| f.key == "ecwid.store.id").unwrap();
        let p = field_prompt(store, "");
        assert!(p.starts_with("Store ID (required"), "{p}");
        assert!(!p.contains('\n'));
        let secret = fields.iter().find(|f| f.is_secret()).unwrap();
        let p = field_prompt(secret, "s3cret");
        assert!(p.contains("not shown") && p.contains("Enter keeps the one given"));
        assert!(!p.contains("s3cret"), "{p}");
    }

    #[test]
    fn checkboxes_and_choices_take_words_or_numbers() {
        let mut choice = FieldSpec::new("event.vendor.type", "Event source", FieldKind::Choice);
        choice.choices = vec!["polling".into(), "webhook".into()];
        assert_eq!(typed_value(&choice, "2").unwrap(), "webhook");
        assert_eq!(typed_value(&choice, "Polling").unwrap(), "polling");
        assert!(typed_value(&choice, "push").unwrap_err().contains("one of"));
        let check = FieldSpec::new("x", "Receive events", FieldKind::Boolean);
        assert_eq!(typed_value(&check, "y").unwrap(), "true");
        assert_eq!(typed_value(&check, "no").unwrap(), "false");
        assert!(typed_value(&check, "maybe").is_err());
    }

    #[test]
    fn the_element_says_how_it_signs_in_in_plain_words() {
        let magento = element_line(bundled_spec("magentov20").unwrap());
        assert_eq!(
            magento,
            "Element: Magento 2.0 (magentov20). Sign-in: keys or a password. Have ready: Store URL, Admin username, Admin password."
        );
        let bc = element_line(bundled_spec("bigcommerce").unwrap());
        assert!(
            bc.contains("Sign-in: a username and a password or key."),
            "{bc}"
        );
        let keap = element_line(bundled_spec("infusionsoftecommerce").unwrap());
        assert!(
            keap.contains("Sign-in: you allow access in your browser."),
            "{keap}"
        );
        for line in [magento, bc, keap] {
            for jargon in ["API keys", "basic", "custom", "OAuth"] {
                assert!(!line.contains(jargon), "{line}");
            }
        }
    }

    #[test]
    fn errors_name_the_field_once() {
        assert_eq!(
            error_line("Store ID", "Store ID must be digits only"),
            "Error: Store ID must be digits only."
        );
        assert_eq!(
            error_line("Tags", "a tag may not be empty."),
            "Error: Tags: a tag may not be empty."
        );
    }
}
