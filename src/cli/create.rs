//! `ce-wizard create`: one instance from flags or an `instance.json`,
//! without the wizard. Stdout gets the instance JSON; stderr the rest.

use super::inputs::{self, looks_like_placeholder, Draft};
use super::oauth_flow::{self, OAuthSession};
use super::{prompt, report, resolve_connection, Connection, CreateArgs, Failure, GlobalArgs};
use crate::api::{CreateInstance, CreateOutcome, ElementRef};
use crate::catalog::{self, bundled_spec, form_fields, Catalog, ElementSpec, FieldSpec, Lookup};
use crate::exit;
use crate::form::{self, DeriveContext, FormValues};
use crate::secret::key_looks_secret;
use std::collections::BTreeMap;

pub async fn run(g: &GlobalArgs, args: &CreateArgs) -> Result<i32, Failure> {
    let mut stdin_used = false;
    let mut draft = match args.from.as_deref() {
        Some("-") => {
            stdin_used = true;
            let text = inputs::read_limited(std::io::stdin(), "standard input")
                .map_err(|e| Failure::invalid(e.0))?;
            inputs::parse_instance_json(&text, "standard input")
        }
        Some(path) => inputs::read_file(path).and_then(|t| inputs::parse_instance_json(&t, path)),
        None => Ok(Draft::default()),
    }
    .map_err(|e| Failure::invalid(e.0))?;
    if let Some(e) = &args.element {
        draft.element = Some(e.trim().to_string());
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
    let stdin_used = inputs::apply_sets(&mut draft, &args.sets, &mut std::io::stdin())
        .map_err(|e| Failure::invalid(e.0))?
        || stdin_used;
    let interactive = !stdin_used && prompt::stdin_is_terminal();

    let key = draft.element.clone().ok_or_else(|| {
        Failure::invalid("which element? Pass --element KEY or put element.key in the instance.json (`ce-wizard elements` lists them)")
    })?;
    let (spec, early_connection) = resolve_element(g, &key).await?;
    let spec = &spec;
    let fields = form_fields(spec);

    let mut values: FormValues = FormValues::new();
    for (k, v) in &draft.configuration {
        values.set(k.clone(), v.expose());
    }
    let given: Vec<String> = draft.configuration.iter().map(|(k, _)| k.clone()).collect();
    warn_about_inputs(spec, &draft);

    for label in form::trim_values(&fields, &mut values) {
        eprintln!("note: removed the spaces around {label}");
    }
    let oauth = spec.auth.is_oauth();
    let predicted_callback = oauth.then(|| oauth_flow::predicted_callback_url(g.callback_port));
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
        .unwrap_or_else(|| default_name(&spec.key));
    let tags = draft.tags.clone().unwrap_or_default();
    for key in &draft.trimmed_keys {
        eprintln!("note: removed the spaces around the setting name \"{key}\"");
    }
    let unknown = unknown_keys(spec, &fields, &draft);
    if !unknown.is_empty() {
        let list: Vec<String> = unknown.iter().map(|p| format!("  - {p}")).collect();
        return Err(Failure::invalid(format!(
            "cannot create the {} instance; nothing was sent. Fix these and run again:\n{}",
            spec.name,
            list.join("\n")
        )));
    }
    let mut problems = check(&fields, &values, &name, &tags);
    if !problems.is_empty() && interactive {
        eprintln!("{} needs a few more settings:", spec.name);
        fill_interactively(&fields, &mut values, &mut name, &given, &ctx)?;
        problems = check(&fields, &values, &name, &tags);
    }
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().map(|p| format!("  - {p}")).collect();
        return Err(Failure::invalid(format!(
            "cannot create the {} instance; nothing was sent. Fix these and run again:\n{}",
            spec.name,
            list.join("\n")
        )));
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
    crate::log::event(
        "create",
        format!("element {}, instance name \"{}\"", spec.key, name.trim()),
    );

    let conn = match early_connection {
        Some(conn) => conn,
        None => resolve_connection(g)?,
    };
    if conn.sandbox.is_some() {
        eprintln!("Using the built-in sandbox: nothing leaves this machine.");
    }
    let client = conn.client()?;

    let mut body = CreateInstance {
        element: ElementRef {
            key: spec.key.clone(),
        },
        configuration: BTreeMap::new(),
        tags,
        name: name.trim().to_string(),
        provider_data: None,
    };

    if !oauth {
        body.configuration = form::configuration(&fields, &values);
        return create_once(&client, &body, spec, !args.no_verify).await;
    }

    let mut session = OAuthSession::start(g, &values, !stdin_used)?;
    if let Some(url) = session.listener_callback_url() {
        // The listener's real address replaces the prediction (port 0 picks one).
        if !given.iter().any(|k| k == "oauth.callback.url") {
            values.set("oauth.callback.url", url);
        }
    }
    body.configuration = form::configuration(&fields, &values);
    loop {
        body.provider_data = Some(session.authorize(&client, spec, &values).await?);
        match client.create_instance_safely(&body).await {
            Ok(outcome) => {
                // Waits (bounded) for the browser to fetch the result page.
                let _ = tokio::task::spawn_blocking(move || session.finish()).await;
                return Ok(print_created(&client, &outcome, !args.no_verify).await);
            }
            Err(e) => {
                eprintln!("error: {}", report::api_error(&e, Some(spec)));
                // The code (or request token) is spent whatever the
                // platform did with it.
                eprintln!("An authorization can be used only once.");
                if interactive && prompt::confirm("Authorize again in the browser?", true) {
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

async fn create_once(
    client: &crate::api::Client,
    body: &CreateInstance,
    spec: &ElementSpec,
    verify: bool,
) -> Result<i32, Failure> {
    match client.create_instance_safely(body).await {
        Ok(outcome) => Ok(print_created(client, &outcome, verify).await),
        Err(e) => Err(Failure {
            code: exit::API_FAILED,
            message: report::api_error(&e, Some(spec)),
        }),
    }
}

/// The instance JSON on stdout, the summary on stderr; a recovered instance
/// is said to be one, so nobody goes looking for a duplicate. Then, unless
/// `verify` is off, the check that it works: exit 5 when it does not.
async fn print_created(client: &crate::api::Client, outcome: &CreateOutcome, verify: bool) -> i32 {
    let instance = outcome.instance();
    println!("{}", instance.to_pretty_json());
    if let Some(cause) = outcome.recovered_from() {
        eprintln!("{}", report::recovered(instance, cause));
    }
    eprintln!("{}", report::created(instance));
    if !verify {
        return exit::CREATED;
    }
    match crate::flow::check::check_instance(client, instance.id).await {
        Ok(checked) => {
            eprintln!(
                "{}",
                super::instances::tell(&checked.outcome, &checked.instance)
            );
            if checked.outcome.is_failure() {
                exit::CHECK_FAILED
            } else {
                exit::CREATED
            }
        }
        Err(e) => {
            eprintln!(
                "The instance was created, but checking that it works failed: {}\n  Check it later with: ce-wizard instances test {}",
                report::api_error(&e, None),
                instance.id
            );
            exit::CHECK_FAILED
        }
    }
}

/// Every problem with the request, in form order, as sentences.
fn check(fields: &[FieldSpec], values: &FormValues, name: &str, tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let errors = form::validate(fields, values);
    for f in fields.iter().filter(|f| form::is_active(f, values)) {
        if looks_like_placeholder(values.get(&f.key)) {
            out.push(format!(
                "{} ({}) still holds a placeholder from the docs; put your real value",
                f.label, f.key
            ));
        } else if let Some(e) = errors.iter().find(|e| e.key == f.key) {
            out.push(format!("{} (--set {}=…)", e.message, f.key));
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
    let mut edited: Vec<String> = given.to_vec();
    for f in fields {
        loop {
            form::apply_defaults_and_derived(
                fields,
                values,
                &|k| edited.iter().any(|g| g == k),
                ctx,
            );
            if !form::is_active(f, values) {
                break;
            }
            let v = values.get(&f.key).to_string();
            let problem = if looks_like_placeholder(&v) {
                Some(format!(
                    "{} still holds a placeholder from the docs",
                    f.label
                ))
            } else {
                form::validate_field(f, &v)
            };
            let Some(problem) = problem else { break };
            let answer = prompt::ask_field(
                f,
                if v.trim().is_empty() {
                    None
                } else {
                    Some(&problem)
                },
            )
            .map_err(io_fail)?;
            values.set(f.key.clone(), answer.trim());
            edited.push(f.key.clone());
        }
    }
    while let Some(m) = form::validate_name(name).or_else(|| {
        looks_like_placeholder(name).then(|| "Instance name still holds a placeholder".to_string())
    }) {
        eprintln!("  {m}");
        eprint!("Instance name: ");
        *name = prompt::read_line().map_err(io_fail)?.trim().to_string();
    }
    Ok(())
}

/// Settings the element does not have: most likely a typo, which the
/// platform would silently ignore (an optional setting) or report as missing
/// (a required one), so they are refused with the closest known name.
fn unknown_keys(spec: &ElementSpec, fields: &[FieldSpec], draft: &Draft) -> Vec<String> {
    let mut out = Vec::new();
    for (k, _) in &draft.configuration {
        if fields.iter().any(|f| &f.key == k) || out.iter().any(|o: &String| o.contains(k)) {
            continue;
        }
        let shown = k.escape_debug().to_string();
        let closest = fields
            .iter()
            .map(|f| {
                (
                    edit_distance(&f.key.to_lowercase(), &k.to_lowercase()),
                    &f.key,
                )
            })
            .filter(|(d, _)| *d <= 3)
            .min_by_key(|(d, _)| *d);
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

/// Levenshtein distance, in characters.
pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

fn warn_about_inputs(spec: &ElementSpec, draft: &Draft) {
    for k in &draft.literal_keys {
        let secret = spec
            .field(k)
            .map(FieldSpec::is_secret)
            .unwrap_or_else(|| key_looks_secret(k));
        if secret {
            eprintln!(
                "note: {k} was given on the command line, where other users of this machine can see it; next time use --set {k}=@FILE or --set {k}=env:NAME"
            );
        }
    }
}

/// The element's spec. A bundled one needs nothing from the network; any
/// other key is looked up in the platform's catalog (cached, else fetched)
/// and its form built from its configuration metadata, over the connection
/// returned for reuse (`--sandbox` must not start a second sandbox).
async fn resolve_element(
    g: &GlobalArgs,
    key: &str,
) -> Result<(ElementSpec, Option<Connection>), Failure> {
    if let Some(spec) = bundled_spec(key) {
        return Ok((spec.clone(), None));
    }
    let conn = resolve_connection(g)?;
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

/// `<element key>-<yyyymmdd-hhmm>` in UTC: unique enough to find later.
pub fn default_name(key: &str) -> String {
    let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    // 2026-11-23T18:13:56Z
    let digits: String = now.chars().filter(char::is_ascii_digit).collect();
    format!("{key}-{}-{}", &digits[..8], &digits[8..12])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names_carry_the_key_and_time() {
        let n = default_name("ecwid");
        assert!(n.starts_with("ecwid-"), "{n}");
        assert_eq!(n.len(), "ecwid-20261123-1813".len());
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
        assert_eq!(edit_distance("store.url", "store.url"), 0);
        assert_eq!(edit_distance("store.ur", "store.url"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
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
