//! `ce-wizard create`: one instance from flags or an `instance.json`,
//! without the wizard. Stdout gets the instance JSON; stderr the rest.
//! Its check of one body ([`prepare`]) is also each row's in
//! `create --batch`.

use super::authorize::OAuthSession;
use super::console::{field_problem, Console, FieldWalk};
use super::inputs::{self, looks_like_placeholder, Draft};
use super::{report, resolve_connection, Connection, CreateArgs, Failure, GlobalArgs};
use crate::api::{create_within, ApiError, Client, CreateInstance, CreateOutcome, CreateStage};
use crate::catalog::{self, bundled_spec, Catalog, ElementSpec, FieldSpec, Lookup};
use crate::exit;
use crate::flow::{self, fields::form_fields};
use crate::form::{self, DeriveContext, FormValues};
use crate::secret::key_looks_secret;
use std::collections::BTreeSet;
use std::io::Write;
use std::time::Duration;
use tokio::sync::watch;

/// The whole of a create, the `POST` and the check of the instance list
/// after a lost answer, takes at most this many `--request-timeout`s: the
/// create gets one, the check what is left, one retry included.
pub const CREATE_BUDGET_TIMEOUTS: f64 = 2.5;

pub async fn run(g: &GlobalArgs, args: &CreateArgs, con: &mut Console) -> Result<i32, Failure> {
    let mut stdin_used = false;
    let mut draft = match args.from.as_deref() {
        Some("-") => {
            stdin_used = true;
            let text = inputs::read_limited(&mut con.input, "standard input")
                .map_err(|e| Failure::invalid(e.0))?;
            inputs::parse_instance_json(&text, "standard input")
        }
        Some(path) => inputs::read_file(path)
            .and_then(|t| inputs::parse_instance_json(&t, path))
            .map_err(|e| inputs::InputError(format!("--from {path}: {}", e.0))),
        None => Ok(Draft::default()),
    }
    .map_err(|e| Failure::invalid(e.0))?;
    if let Some(e) = &args.element {
        draft.element = Some(e.trim().to_string());
        // --element replaces the file's element, however it named it.
        draft.element_id = None;
        draft.verbatim.element = None;
    }
    if let Some(n) = &args.name {
        draft.name = Some(n.clone());
    }
    if !args.tags.is_empty() {
        draft.tags = Some(args.tags.clone());
    }
    if stdin_used && args.sets.iter().any(|s| s.ends_with("=@-")) {
        return Err(Failure::invalid(
            "standard input is already read by --from -, so no --set can use @-",
        ));
    }
    let stdin_used =
        inputs::apply_sets_with(&mut draft, &args.sets, con.input.as_mut(), args.dry_run)
            .map_err(|e| Failure::invalid(e.0))?
            || stdin_used;
    let interactive = !stdin_used && con.input_is_terminal;
    let oauth_params = parse_oauth_params(&args.oauth_params).map_err(Failure::invalid)?;
    let mut specs = Specs::default();
    let (prepared, early_connection) =
        prepare(g, con, draft, interactive, &oauth_params, None, &mut specs).await?;
    let Prepared {
        spec,
        fields,
        mut values,
        name,
        tags,
        given,
        oauth,
        draft,
    } = prepared;
    let spec = &spec;

    let conn = match early_connection {
        Some(conn) => conn,
        None => resolve_connection(g)?,
    };
    if conn.sandbox.is_some() {
        con.say("Using the built-in sandbox: nothing leaves this machine.");
    }
    let client = conn.client()?;
    if args.dry_run {
        let body = request(spec, &fields, &values, &name, tags, &draft);
        return Ok(dry_run(
            con,
            spec,
            &fields,
            &body,
            client.base_url(),
            oauth,
            &draft,
            args.json,
        ));
    }
    let budget = g.request_timeout.mul_f64(CREATE_BUDGET_TIMEOUTS);

    if !oauth {
        let body = request(spec, &fields, &values, &name, tags, &draft);
        return match create_once(con, &client, &body, budget).await {
            Ok(outcome) => Ok(print_created(con, &client, &outcome, !args.no_verify).await),
            Err(e) => Err(Failure {
                code: exit::API_FAILED,
                message: report::create_failed(&e, spec, budget),
            }),
        };
    }

    let mut session = OAuthSession::start(g, con, &values, !stdin_used)?.with_params(oauth_params);
    if let Some(url) = session.listener_callback_url() {
        // The listener's real address replaces the prediction (port 0 picks one).
        if !given.iter().any(|k| k == "oauth.callback.url") {
            values.set("oauth.callback.url", url);
        }
    }
    let mut body = request(spec, &fields, &values, &name, tags, &draft);
    loop {
        body.provider_data = Some(session.authorize(con, &client, spec, &values).await?);
        match create_once(con, &client, &body, budget).await {
            Ok(outcome) => {
                // Waits (bounded) for the browser to fetch the result page.
                let _ = tokio::task::spawn_blocking(move || session.finish()).await;
                return Ok(print_created(con, &client, &outcome, !args.no_verify).await);
            }
            Err(e) => {
                con.say(format!(
                    "error: {}",
                    report::create_failed(&e, spec, budget)
                ));
                // The code (or request token) is spent whatever the
                // platform did with it.
                con.say("An authorization can be used only once.");
                if interactive
                    && session
                        .confirm(con, "Authorize again in the browser?", true)
                        .await
                {
                    continue;
                }
                return Err(Failure {
                    code: exit::API_FAILED,
                    message: String::new(),
                });
            }
        }
    }
}

/// Element specs already resolved in this run, by key: a batch resolves
/// each element once, not once a row.
pub(super) type Specs = std::collections::HashMap<String, ElementSpec>;

/// A create checked against its element's form and ready to send: what
/// [`prepare`] makes of a [`Draft`].
pub(super) struct Prepared {
    pub spec: ElementSpec,
    pub fields: Vec<FieldSpec>,
    pub values: FormValues,
    pub name: String,
    pub tags: Vec<String>,
    /// The configuration keys the person gave (not defaults or derived).
    pub given: Vec<String>,
    /// Whether the create signs in through a browser first.
    pub oauth: bool,
    pub draft: Draft,
}

impl Prepared {
    /// The create request, as [`request`] builds it.
    pub fn body(&self) -> CreateInstance {
        request(
            &self.spec,
            &self.fields,
            &self.values,
            &self.name,
            self.tags.clone(),
            &self.draft,
        )
    }

    /// Whether a configuration key holds a secret, for a dry run's
    /// placeholders.
    pub fn is_secret(&self, k: &str) -> bool {
        self.fields.iter().any(|f| f.key == k && f.is_secret()) || key_looks_secret(k)
    }
}

/// A draft met with its element's form: the element resolved (over `open`,
/// a connection already made, when given; returned for reuse), defaults and
/// derived values filled, every problem found (asked for again when
/// `interactive`), secrets registered with the log. Notes go to `con`'s
/// stderr; a draft that cannot be sent is a [`Failure`] listing what to fix.
pub(super) async fn prepare(
    g: &GlobalArgs,
    con: &mut Console,
    draft: Draft,
    interactive: bool,
    oauth_params: &[(String, String)],
    open: Option<Connection>,
    specs: &mut Specs,
) -> Result<(Prepared, Option<Connection>), Failure> {
    let (key, by_id_connection) = match (draft.element.clone(), draft.element_id) {
        (Some(key), _) => (key, open),
        (None, Some(id)) => element_key_by_id(g, id, open).await?,
        (None, None) => return Err(Failure::invalid("which element? Pass --element KEY or put element.key in the instance.json (`ce-wizard elements` lists them)")),
    };
    let (owned_spec, early_connection) = match specs.get(&key) {
        Some(spec) => (spec.clone(), by_id_connection),
        None => {
            let (spec, conn) = resolve_element(g, &key, by_id_connection).await?;
            specs.insert(key.clone(), spec.clone());
            (spec, conn)
        }
    };
    let spec = &owned_spec;
    // Where the form follows the platform rather than the bundled spec.
    for note in &spec.notes {
        con.say(format!("note: {note}"));
    }
    let fields = form_fields(spec);

    let mut values: FormValues = FormValues::new();
    for (k, v) in &draft.configuration {
        values.set(k.clone(), v.expose());
    }
    let given: Vec<String> = draft.configuration.iter().map(|(k, _)| k.clone()).collect();
    warn_about_inputs(con, spec, &draft);

    for label in form::trim_values(&fields, &mut values) {
        con.say(format!("note: removed the spaces around {label}"));
    }
    // The sign-in kind the values choose (`--set authentication.type=...`)
    // decides the flow; the field's default when none is given.
    let auth = spec.auth_for(Some(values.get(catalog::AUTH_TYPE_KEY)));
    if !auth.is_oauth() && !oauth_params.is_empty() {
        return Err(Failure::invalid(format!(
            "--oauth-param is for elements that sign in with OAuth; {} does not ({}), so nothing was sent",
            spec.name,
            auth.label()
        )));
    }
    // Tokens obtained elsewhere (`"externalAuthentication": "initial"`,
    // devportal `docs/elements/quickbooksonline/authenticate.md`): the
    // instance is made from them, with no sign-in in a browser.
    let external = tokens_from_elsewhere(&draft.verbatim);
    if external && auth.is_oauth() {
        con.say(format!(
            "note: externalAuthentication is \"initial\": the {} instance is made from the tokens in the file, without a sign-in in the browser",
            spec.name
        ));
    }
    let oauth = auth.is_oauth() && !external;
    let predicted_callback = oauth.then(|| flow::oauth::predicted_callback_url(g.callback_port));
    let ctx = DeriveContext {
        callback_url: predicted_callback.clone(),
    };
    form::apply_defaults_and_derived(
        &fields,
        &mut values,
        &|k| given.iter().any(|g| g == k),
        &ctx,
    );

    let mut name = draft
        .name
        .clone()
        .unwrap_or_else(|| flow::names::default_name(&spec.key, &flow::names::stamp_now()));
    let tags = draft.tags.clone().unwrap_or_default();
    for key in &draft.trimmed_keys {
        con.say(format!(
            "note: removed the spaces around the setting name \"{key}\""
        ));
    }
    let unknown = unknown_keys(spec, &fields, &draft);
    if !unknown.is_empty() {
        return Err(not_sent(spec, &unknown));
    }
    let mut refused = inputs::wrong_types(&fields, &draft.verbatim.configuration);
    refused.extend(placeholders_beyond_the_form(&fields, &draft));
    refused.extend(dry_run_placeholders(spec, &draft));
    if !refused.is_empty() {
        return Err(not_sent(spec, &refused));
    }
    say_what_is_sent_as_given(con, spec, &fields, &draft);
    let mut problems = check(&fields, &values, &name, &tags);
    if !problems.is_empty() && interactive {
        con.say(format!("{} needs a few more settings:", spec.name));
        fill_interactively(con, &fields, &mut values, &mut name, &given, &ctx)?;
        problems = check(&fields, &values, &name, &tags);
    }
    if !problems.is_empty() {
        return Err(not_sent(spec, &problems));
    }
    // Shapes the element's docs describe: said on stderr, never refused.
    for w in form::shape_warnings(&fields, &values) {
        con.say(format!("warning: {} (--set {}=…)", w.message, w.key));
    }

    for f in &fields {
        if f.is_secret() {
            crate::log::add_secret(values.get(&f.key));
        }
    }
    for (k, v) in &draft.configuration {
        if key_looks_secret(k) {
            crate::log::add_secret(v.expose());
        }
    }
    // A secret inside a value given as JSON (an object) is masked too.
    for (k, v) in &draft.verbatim.configuration {
        let secret = spec
            .field(k)
            .map(FieldSpec::is_secret)
            .unwrap_or_else(|| key_looks_secret(k));
        if secret {
            let mut strings = Vec::new();
            crate::api::verbatim_strings(v, &mut strings);
            strings.iter().for_each(|s| crate::log::add_secret(s));
        }
    }
    crate::log::event(
        "create",
        format!("element {}, instance name \"{}\"", spec.key, name.trim()),
    );
    let prepared = Prepared {
        spec: owned_spec,
        fields,
        values,
        name,
        tags,
        given,
        oauth,
        draft,
    };
    Ok((prepared, early_connection))
}

/// The create request: what the form sends, and what the `instance.json`
/// gave as it came ([`crate::api::Verbatim`]). A setting the file gives
/// explicitly is sent even where an untouched form would leave it out
/// (an advanced setting at its default): the body is sent as written.
fn request(
    spec: &ElementSpec,
    fields: &[FieldSpec],
    values: &FormValues,
    name: &str,
    tags: Vec<String>,
    draft: &Draft,
) -> CreateInstance {
    let mut body = flow::request::create_request(&spec.key, fields, values, name, tags, None);
    for k in &draft.file_keys {
        let v = values.get(k);
        if !v.is_empty() && !body.configuration.contains_key(k) {
            body.configuration
                .insert(k.clone(), crate::secret::Secret::new(v));
        }
    }
    body.verbatim = draft.verbatim.clone();
    // A value the person changed since (asked again after a problem)
    // goes as typed, not as the file gave it.
    body.verbatim
        .configuration
        .retain(|k, given| values.get(k) == inputs::as_text(given));
    body
}

/// `--dry-run`: the request on stdout, secrets as variables, and nothing
/// sent. An OAuth element's sign-in is where a real create starts acting
/// (a listener, a browser, a spent code), so the dry run stops before it.
/// With `--json`, stdout holds the body alone, for `jq`.
#[allow(clippy::too_many_arguments)]
fn dry_run(
    con: &mut Console,
    spec: &ElementSpec,
    fields: &[FieldSpec],
    body: &CreateInstance,
    base_url: &str,
    oauth: bool,
    draft: &Draft,
    json: bool,
) -> i32 {
    let is_secret =
        |k: &str| fields.iter().any(|f| f.key == k && f.is_secret()) || key_looks_secret(k);
    let planned = flow::curl::plan_named(body, base_url, &is_secret, &draft.env_names);
    let _ = if json {
        writeln!(con.output, "{}", planned.body)
    } else {
        writeln!(
            con.output,
            "{} {}\n{}\n\n{}",
            planned.method, planned.url, planned.body, planned.curl
        )
    };
    let _ = con.output.flush();
    if oauth {
        con.say(format!(
            "Dry run: {} signs in with OAuth, and the dry run stops before the sign-in; a real create adds the grant (providerData) from it.",
            spec.name
        ));
    }
    for key in &draft.env_unset {
        con.say(format!(
            "note: {} is not set; the dry run needs no value, the command reads it",
            draft.env_names[key]
        ));
    }
    let reads = planned
        .variables
        .iter()
        .map(|v| format!("${v}"))
        .collect::<Vec<_>>()
        .join(", ");
    let tool = if planned.curl.starts_with("jq ") {
        "jq and curl"
    } else {
        "curl"
    };
    con.say(format!(
        "Dry run: nothing was sent. The command (it needs {tool}) reads {reads} from the environment."
    ));
    exit::CREATED
}

/// Secrets whose value is exactly what a dry run writes in its place
/// (`$PASSWORD`, `${BC_TOKEN}`): a body saved from `--dry-run` would
/// otherwise send the placeholder as the password.
fn dry_run_placeholders(spec: &ElementSpec, draft: &Draft) -> Vec<String> {
    draft
        .configuration
        .iter()
        .filter(|(k, v)| {
            let secret = spec
                .field(k)
                .map(FieldSpec::is_secret)
                .unwrap_or_else(|| key_looks_secret(k));
            secret
                && !draft.env_names.contains_key(k)
                && flow::curl::is_variable_placeholder(v.expose())
        })
        .map(|(k, v)| {
            let shown = v.expose().trim();
            let name = shown.trim_start_matches("${").trim_start_matches('$').trim_end_matches('}');
            format!(
                "\"{}\" is {shown}, the placeholder a dry run prints; put the real value, or --set {}=env:{name} to read it from the environment",
                k.escape_debug(),
                k.escape_debug()
            )
        })
        .collect()
}

/// Nothing was sent: every problem, one per line.
/// The `--oauth-param NAME=VALUE`s, each checked as the platform's OAuth
/// calls will carry it; a name given twice is refused.
fn parse_oauth_params(given: &[String]) -> Result<Vec<(String, String)>, String> {
    let mut params: Vec<(String, String)> = Vec::new();
    for one in given {
        let Some((name, value)) = one.split_once('=') else {
            return Err(format!(
                "--oauth-param takes NAME=VALUE (e.g. siteAddress=my-shop), not \"{}\"",
                crate::sanitize::line(one)
            ));
        };
        let (name, value) = (name.trim(), value.trim());
        flow::oauth::check_param(name, value).map_err(|e| format!("--oauth-param: {e}"))?;
        // A value on the command line is seen by every process of the
        // machine; a secret has no place there.
        if key_looks_secret(name) {
            return Err(format!(
                "--oauth-param {name} looks like a secret, and secrets do not go on the command line; the app's key and secret go in --set oauth.api.key=… and --set oauth.api.secret=env:NAME"
            ));
        }
        if params.iter().any(|(n, _)| n == name) {
            return Err(format!("--oauth-param {name} is given twice"));
        }
        params.push((name.to_string(), value.to_string()));
    }
    Ok(params)
}

fn not_sent(spec: &ElementSpec, problems: &[String]) -> Failure {
    let list: Vec<String> = problems.iter().map(|p| format!("  - {p}")).collect();
    Failure::invalid(format!(
        "cannot create the {} instance; nothing was sent. Fix these and run again:\n{}",
        spec.name,
        list.join("\n")
    ))
}

/// The create and, after a lost answer, the check, within `budget`. On a
/// terminal, a wait longer than [`Console::quiet_wait`] is explained, and
/// so is each later stage.
pub(super) async fn create_once(
    con: &mut Console,
    client: &Client,
    body: &CreateInstance,
    budget: Duration,
) -> Result<CreateOutcome, ApiError> {
    let (stage_tx, mut stage_rx) = watch::channel(CreateStage::Sending);
    let work = create_within(client, body, Some(budget), move |s| {
        stage_tx.send_replace(s);
    });
    tokio::pin!(work);
    let quiet = tokio::time::sleep(con.quiet_wait);
    tokio::pin!(quiet);
    let started = tokio::time::Instant::now();
    let mut telling = false;
    let mut stages_open = true;
    loop {
        tokio::select! {
            result = &mut work => return result,
            _ = &mut quiet, if con.errors_is_terminal && !telling => {
                telling = true;
                let stage = *stage_rx.borrow_and_update();
                con.say(waiting_line(stage, budget.saturating_sub(started.elapsed())));
            }
            changed = stage_rx.changed(), if telling && stages_open => match changed {
                Ok(()) => {
                    let stage = *stage_rx.borrow_and_update();
                    con.say(waiting_line(stage, budget.saturating_sub(started.elapsed())));
                }
                Err(_) => stages_open = false,
            },
        }
    }
}

/// What a create is waiting for, said once it has taken a while.
fn waiting_line(stage: CreateStage, left: Duration) -> String {
    let left = humantime::format_duration(Duration::from_secs(left.as_secs().max(1)));
    match stage {
        CreateStage::Sending => format!(
            "Waiting for the platform to answer the create (giving up in {left} at most)…"
        ),
        CreateStage::Checking => format!(
            "The platform has not answered the create; looking in its instance list for whether it made the instance (giving up in {left} at most)…"
        ),
    }
}

/// The instance JSON on stdout, the summary on stderr; a recovered instance
/// is said to be one, so nobody goes looking for a duplicate. Then, unless
/// `verify` is off, the check that it works: exit 5 when it does not.
async fn print_created(
    con: &mut Console,
    client: &Client,
    outcome: &CreateOutcome,
    verify: bool,
) -> i32 {
    let instance = outcome.instance();
    let _ = writeln!(con.output, "{}", instance.to_pretty_json());
    let _ = con.output.flush();
    if let Some(cause) = outcome.recovered_from() {
        con.say(report::recovered(instance, cause));
    }
    con.say(report::created(instance));
    if !verify {
        return exit::CREATED;
    }
    match flow::check::check_instance(client, instance.id).await {
        Ok(checked) => {
            con.say(super::instances::tell(&checked.outcome, &checked.instance));
            if checked.outcome.is_failure() {
                exit::CHECK_FAILED
            } else {
                exit::CREATED
            }
        }
        Err(e) => {
            con.say(format!(
                "The instance was created, but checking that it works failed: {}\n  Check it later with: ce-wizard instances test {}",
                report::api_error(&e, None),
                instance.id
            ));
            exit::CHECK_FAILED
        }
    }
}

/// Every problem with the request, in form order, as sentences.
fn check(fields: &[FieldSpec], values: &FormValues, name: &str, tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let errors = form::validate(fields, values);
    for f in flow::fields::active_fields(fields, values) {
        if looks_like_placeholder(values.get(&f.key)) {
            out.push(format!(
                "{} ({}) still holds a placeholder from the docs; put your real value",
                f.label, f.key
            ));
        } else if let Some(e) = errors.iter().find(|e| e.key == f.key) {
            // A URL without its scheme is refused, not repaired: a script
            // should send what it says. The fix is spelled out in full.
            let fix = form::suggested_url(f, values.get(&f.key)).unwrap_or_else(|| "…".into());
            out.push(format!("{} (--set {}={fix})", e.message, f.key));
        }
    }
    if let Some(m) = form::validate_name(name) {
        out.push(format!("{m} (--name)"));
    } else if looks_like_placeholder(name) {
        out.push("Instance name still holds a placeholder from the docs (--name)".into());
    }
    if let Some(m) = form::validate_tags(tags) {
        out.push(m);
    } else if tags.iter().any(|t| looks_like_placeholder(t)) {
        out.push("a tag still holds a placeholder from the docs (--tag)".into());
    }
    out
}

fn fill_interactively(
    con: &mut Console,
    fields: &[FieldSpec],
    values: &mut FormValues,
    name: &mut String,
    given: &[String],
    ctx: &DeriveContext,
) -> Result<(), Failure> {
    let io_fail = |e: std::io::Error| {
        Failure::invalid(format!("cannot read the answer: {e}; nothing was sent"))
    };
    // Derived fields follow their sources until the person types into them.
    let mut walk = FieldWalk::given(given);
    // Whether a field is in force is asked again after every answer: an
    // answer can switch a condition on.
    for f in flow::fields::in_screen_order(fields) {
        // After an answer, what is wrong with it is said even when it is
        // empty: a blank answer to a required field is not asked again in
        // silence.
        let mut answered = false;
        loop {
            if !walk.in_force(fields, values, ctx, f) {
                break;
            }
            let v = values.get(&f.key).to_string();
            let Some(problem) = field_problem(f, &v) else {
                break;
            };
            // A URL without its scheme: one key takes the address it most
            // likely means, as in the wizard.
            if let Some(s) = form::suggested_url(f, &v) {
                if con
                    .prompter
                    .confirm(&format!("  {}: use {s}?", f.label), true)
                {
                    walk.answer(f, values, s);
                    continue;
                }
            }
            let shown = (answered || !v.trim().is_empty()).then_some(problem.as_str());
            let answer = con.prompter.ask_field(f, shown).map_err(io_fail)?;
            answered = true;
            walk.answer(f, values, answer.trim());
        }
    }
    while let Some(m) = form::validate_name(name).or_else(|| {
        looks_like_placeholder(name).then(|| "Instance name still holds a placeholder".to_string())
    }) {
        con.say(format!("  {m}"));
        *name = con
            .prompter
            .ask_line("Instance name: ")
            .map_err(io_fail)?
            .trim()
            .to_string();
    }
    Ok(())
}

/// Settings the element does not have: most likely a typo, which the
/// platform would silently ignore (an optional setting) or report as missing
/// (a required one), so they are refused with the closest known name. From
/// an `instance.json`, only those within two characters of a known setting
/// are: a documented body holds settings no spec lists.
fn unknown_keys(spec: &ElementSpec, fields: &[FieldSpec], draft: &Draft) -> Vec<String> {
    let mut out = Vec::new();
    let mut listed: BTreeSet<&str> = BTreeSet::new();
    for (k, _) in &draft.configuration {
        if fields.iter().any(|f| &f.key == k) || !listed.insert(k) {
            continue;
        }
        let shown = k.escape_debug().to_string();
        let closest = fields
            .iter()
            .map(|f| {
                (
                    catalog::edit_distance(&f.key.to_lowercase(), &k.to_lowercase()),
                    &f.key,
                )
            })
            .filter(|(d, _)| *d <= 3)
            .min_by_key(|(d, _)| *d);
        // A documented body may hold settings no spec lists: sent, and
        // judged by the platform ([`say_what_is_sent_as_given`]). Only one
        // a character or two from a known setting is taken for a typo.
        if draft.file_keys.contains(k) && closest.is_none_or(|(d, _)| d > 2) {
            continue;
        }
        out.push(match closest {
            Some((_, known)) => format!(
                "\"{shown}\" is not a setting of {}; did you mean \"{known}\"?",
                spec.name
            ),
            None => format!(
                "\"{shown}\" is not a setting of {}; its settings are {}",
                spec.name,
                fields
                    .iter()
                    .map(|f| f.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    out
}

/// `<INSERT_…>` placeholders where the form's own check does not look: in
/// settings of the `instance.json` that are not fields of the form (and
/// inside values given as JSON), and in its other top-level fields.
fn placeholders_beyond_the_form(fields: &[FieldSpec], draft: &Draft) -> Vec<String> {
    let mut out = Vec::new();
    let holds = |v: &serde_json::Value| {
        let mut strings = Vec::new();
        crate::api::verbatim_strings(v, &mut strings);
        strings.iter().any(|s| looks_like_placeholder(s))
    };
    for (k, v) in &draft.configuration {
        if fields.iter().any(|f| &f.key == k) && !draft.verbatim.configuration.contains_key(k) {
            continue;
        }
        let placeholder = match draft.verbatim.configuration.get(k) {
            Some(given) => holds(given),
            None => looks_like_placeholder(v.expose()),
        };
        if placeholder {
            out.push(format!(
                "\"{}\" still holds a placeholder from the docs; put your real value",
                k.escape_debug()
            ));
        }
    }
    for (k, v) in draft.verbatim.extra_fields() {
        if holds(v) {
            out.push(format!(
                "the field \"{}\" still holds a placeholder from the docs; put your real value",
                k.escape_debug()
            ));
        }
    }
    out
}

/// Says on stderr what of an `instance.json` goes to the platform as it
/// came without the wizard knowing it, and what is left out.
fn say_what_is_sent_as_given(
    con: &mut Console,
    spec: &ElementSpec,
    fields: &[FieldSpec],
    draft: &Draft,
) {
    let unknown: Vec<String> = draft
        .file_keys
        .iter()
        .filter(|k| !fields.iter().any(|f| &f.key == *k))
        .map(|k| k.escape_debug().to_string())
        .collect();
    if !unknown.is_empty() {
        con.say(format!(
            "note: {} {} not among the settings ce-wizard knows for {}; sent as given, for the platform to judge",
            unknown.join(", "),
            if unknown.len() == 1 { "is" } else { "are" },
            spec.name
        ));
    }
    let extra: Vec<String> = draft
        .verbatim
        .extra_fields()
        .map(|(k, _)| k.escape_debug().to_string())
        .collect();
    if !extra.is_empty() {
        con.say(format!("note: sending {} as given", extra.join(", ")));
    }
    if draft.provider_data_given {
        con.say(if tokens_from_elsewhere(&draft.verbatim) {
            "note: the file's providerData is left out: the instance is made from the tokens in its configuration"
        } else if spec.auth.is_oauth() {
            "note: the file's providerData is left out: an authorization code works once, so ce-wizard gets a fresh one through your browser"
        } else {
            "note: the file's providerData is left out: this element signs in without a provider's grant"
        });
    }
}

/// `"externalAuthentication": "initial"`: the body creates the instance
/// from OAuth tokens obtained elsewhere, so there is no sign-in to run.
fn tokens_from_elsewhere(verbatim: &crate::api::Verbatim) -> bool {
    verbatim
        .fields
        .get("externalAuthentication")
        .and_then(serde_json::Value::as_str)
        == Some("initial")
}

/// The key of the element an `instance.json` names by id only, read from
/// the platform, over `open` when given, with the connection for reuse.
async fn element_key_by_id(
    g: &GlobalArgs,
    id: i64,
    open: Option<Connection>,
) -> Result<(String, Option<Connection>), Failure> {
    let conn = match open {
        Some(conn) => conn,
        None => resolve_connection(g)?,
    };
    if conn.credentials().is_none() {
        return Err(Failure::invalid(format!(
            "the instance.json names its element by id ({id}); to look that id up, set {} and {} (or put element.key instead)",
            crate::config::USER_SECRET_ENV,
            crate::config::ORG_SECRET_ENV
        )));
    }
    let client = conn.client()?;
    match client.element_key_by_id(id).await {
        Ok(key) => Ok((key, Some(conn))),
        Err(e) if e.status() == Some(404) => Err(Failure::invalid(format!(
            "the catalog at {} has no element with id {id} (`ce-wizard elements` lists them)",
            client.base_url()
        ))),
        Err(e) => Err(Failure {
            code: exit::API_FAILED,
            message: format!(
                "cannot look up element {id} in the platform's catalog: {}",
                report::api_error(&e, None)
            ),
        }),
    }
}

fn warn_about_inputs(con: &mut Console, spec: &ElementSpec, draft: &Draft) {
    for k in &draft.literal_keys {
        let secret = spec
            .field(k)
            .map(FieldSpec::is_secret)
            .unwrap_or_else(|| key_looks_secret(k));
        if secret {
            con.say(format!(
                "note: {k} was given on the command line, where other users of this machine can see it; next time use --set {k}=@FILE or --set {k}=env:NAME"
            ));
        }
    }
}

/// The element's spec. A bundled one needs nothing from the network,
/// unless the cached catalog says the platform signs it in a way the
/// bundled form does not offer: then the platform's form is read (the
/// platform is the judge). Any other key is looked up in the platform's
/// catalog (cached, else fetched) and its form built from its configuration
/// metadata, over the connection returned for reuse (`--sandbox` must not
/// start a second sandbox); `open` is one already made, reused.
async fn resolve_element(
    g: &GlobalArgs,
    key: &str,
    open: Option<Connection>,
) -> Result<(ElementSpec, Option<Connection>), Failure> {
    if let Some(spec) = bundled_spec(key) {
        return Ok(follow_cached_kind(g, spec, open).await);
    }
    let conn = match open {
        Some(conn) => conn,
        None => resolve_connection(g)?,
    };
    if conn.credentials().is_none() {
        return Err(Failure::invalid(format!(
            "{}. To use an element ce-wizard does not bundle, set {} and {} so it can look the element up in your Cloud Elements catalog",
            unknown_element(key, &Catalog::bundled()),
            crate::config::USER_SECRET_ENV,
            crate::config::ORG_SECRET_ENV
        )));
    }
    let client = conn.client()?;
    let api_failed = |what: String, e: &crate::api::ApiError| Failure {
        code: exit::API_FAILED,
        message: format!("{what}: {}", report::api_error(e, None)),
    };
    let entry = match catalog::lookup(&client, key).await {
        Ok(Lookup::Found(entry)) => entry,
        Ok(Lookup::Unknown { suggestions }) => {
            return Err(Failure::invalid(unknown_live_element(
                key,
                &suggestions,
                client.base_url(),
            )))
        }
        Err(e) => {
            return Err(api_failed(
                format!(
                    "cannot look up element '{}' in the platform's catalog",
                    key.escape_debug()
                ),
                &e,
            ))
        }
    };
    let spec = catalog::element_spec(&client, &entry)
        .await
        .map_err(|e| api_failed(format!("cannot read the settings {} takes", entry.name), &e))?;
    Ok((spec, Some(conn)))
}

/// A bundled element's form, or the platform's when the cached catalog
/// names a sign-in kind the bundled form lacks. Without a connection, or
/// a cache, the bundled form: problems with the connection are reported
/// where it is needed.
async fn follow_cached_kind(
    g: &GlobalArgs,
    spec: &ElementSpec,
    open: Option<Connection>,
) -> (ElementSpec, Option<Connection>) {
    let conn = match open {
        Some(conn) => conn,
        None => match resolve_connection(g) {
            Ok(conn) => conn,
            Err(_) => return (spec.clone(), None),
        },
    };
    let base_url = conn.base_url();
    let cached = match conn.credentials() {
        Some(_) => tokio::task::spawn_blocking(move || catalog::load_cached(&base_url))
            .await
            .ok()
            .flatten(),
        None => None,
    };
    let entry = cached.and_then(|c| c.catalog.find(&spec.key).cloned());
    match (entry, conn.client()) {
        (Some(entry), Ok(client)) if catalog::signin::disagrees(spec, entry.auth) => {
            // For a bundled element this never fails: an unreadable form
            // keeps the bundled one, with a note.
            let followed = catalog::element_spec(&client, &entry)
                .await
                .unwrap_or_else(|_| spec.clone());
            (followed, Some(conn))
        }
        _ => (spec.clone(), Some(conn)),
    }
}

/// Offline: the element is not among the bundled ones.
fn unknown_element(key: &str, bundled: &Catalog) -> String {
    let close = bundled.suggestions(key);
    let known: Vec<&str> = bundled.entries().iter().map(|e| e.key.as_str()).collect();
    let mut msg = format!("unknown element '{}'", key.escape_debug());
    if !close.is_empty() {
        msg.push_str(&format!("; did you mean {}?", close.join(" or ")));
    }
    msg.push_str(&format!(
        " Known elements: {} (see `ce-wizard elements`)",
        known.join(", ")
    ));
    msg
}

/// Online: the platform's catalog has no such element either.
fn unknown_live_element(key: &str, suggestions: &[String], base_url: &str) -> String {
    let mut msg = format!(
        "unknown element '{}': the catalog at {base_url} has no element with that key",
        key.escape_debug()
    );
    if suggestions.is_empty() {
        msg.push_str(". `ce-wizard elements` lists them all");
    } else {
        msg.push_str(&format!(
            "; did you mean {}? (`ce-wizard elements` lists them all)",
            suggestions.join(" or ")
        ));
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the file gave goes as given (a number stays a number, a
    /// default-valued advanced setting is still sent); what the person
    /// typed again since goes as typed.
    #[test]
    fn the_request_keeps_the_files_values_until_they_are_retyped() {
        let spec = bundled_spec("bigcommerce").unwrap();
        let fields = form_fields(spec);
        let draft = inputs::parse_instance_json(
            r#"{"element": {"key": "bigcommerce"}, "configuration": {
                "filter.response.nulls": true, "event.poller.refresh_interval": 5000,
                "event.poller.configuration": {"orders": {}}}}"#,
            "f",
        )
        .unwrap();
        let mut values = FormValues::new();
        for (k, v) in &draft.configuration {
            values.set(k.clone(), v.expose());
        }
        let wire = |values: &FormValues| {
            let body = request(spec, &fields, values, "n", vec![], &draft);
            serde_json::to_value(&body).unwrap()["configuration"].clone()
        };
        let sent = wire(&values);
        assert_eq!(sent["filter.response.nulls"], true);
        assert_eq!(sent["event.poller.refresh_interval"], 5000);
        assert_eq!(
            sent["event.poller.configuration"],
            serde_json::json!({"orders": {}})
        );
        values.set("event.poller.refresh_interval", "30");
        assert_eq!(wire(&values)["event.poller.refresh_interval"], "30");
    }

    #[test]
    fn unknown_elements_suggest_close_ones() {
        let m = unknown_element("commerce", &Catalog::bundled());
        assert!(m.contains("did you mean"), "{m}");
        assert!(m.contains("bigcommerce"));
        assert!(unknown_element("zzz", &Catalog::bundled()).contains("Known elements: "));
        let m = unknown_live_element("shopifyy", &["shopify".into()], "http://h/api");
        assert_eq!(
            m,
            "unknown element 'shopifyy': the catalog at http://h/api has no element with that key; did you mean shopify? (`ce-wizard elements` lists them all)"
        );
        assert!(!unknown_live_element("q", &[], "http://h").contains("did you mean"));
    }

    #[test]
    fn typos_in_setting_names_get_the_closest_one() {
        assert_eq!(catalog::edit_distance("store.url", "store.url"), 0);
        assert_eq!(catalog::edit_distance("store.ur", "store.url"), 1);
        assert_eq!(catalog::edit_distance("", "abc"), 3);
        let spec = bundled_spec("bigcommerce").unwrap();
        let fields = form_fields(spec);
        let draft = Draft {
            configuration: vec![
                ("store.ur".into(), "x".into()),
                ("zzzzzzzzzzzz".into(), "y".into()),
            ],
            ..Draft::default()
        };
        let p = unknown_keys(spec, &fields, &draft);
        assert!(p[0].contains("did you mean \"store.url\""), "{p:?}");
        assert!(p[1].contains("its settings are"), "{p:?}");
    }

    #[test]
    fn every_unknown_setting_is_listed_even_when_an_earlier_message_mentions_it() {
        let spec = bundled_spec("bigcommerce").unwrap();
        let fields = form_fields(spec);
        let draft = Draft {
            configuration: vec![("usr".into(), "a".into()), ("u".into(), "b".into())],
            ..Draft::default()
        };
        let p = unknown_keys(spec, &fields, &draft);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].starts_with("\"usr\""), "{p:?}");
        assert!(p[1].starts_with("\"u\""), "{p:?}");
        // A key given twice (surrounding spaces trimmed away) is listed once.
        let twice = Draft {
            configuration: vec![("usr".into(), "a".into()), ("usr".into(), "b".into())],
            ..Draft::default()
        };
        assert_eq!(unknown_keys(spec, &fields, &twice).len(), 1);
    }

    #[test]
    fn problems_name_the_flag_to_fix() {
        let spec = bundled_spec("bigcommerce").unwrap();
        let fields = form_fields(spec);
        let mut v = FormValues::new();
        v.set(
            "store.url",
            "https://store-{INSERT_STORE_HASH}.mybigcommerce.com/api/v2/",
        );
        let p = check(&fields, &v, "<INSERT_INSTANCE_NAME>", &[]);
        assert_eq!(p.len(), 4, "{p:?}");
        assert!(p[0].contains("placeholder"));
        assert!(p[1].contains("--set username="));
        assert!(p[3].contains("Instance name"));
    }
}
