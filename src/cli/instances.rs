//! `ce-wizard instances`: find, check (one or many, `check_many.rs`),
//! change, re-authorize, switch on and off (`switch.rs`) and remove the
//! account's instances (many at once by tag, element or status:
//! `cleanup.rs`). An instance is named by its ID or its exact name, a name
//! asked of the platform's search before the whole list;
//! a name that fits several, or none, is refused with the candidates, and
//! so are digits that are one instance's ID and another's name (`--id` and
//! `--name` say which is meant).
//!
//! Everything given on the command line is checked before anything is sent.
//! Stdout gets the results (the list, the instance, the check); stderr the
//! rest.

use super::authorize::OAuthSession;
use super::console::Console;
use super::inputs::{self, Draft};
use super::{prompt, report, resolve_connection, Failure, GlobalArgs};
use crate::api::{ApiError, Client, Instance, InstanceChanges, Paging, Search};
use crate::catalog::{self, bundled_spec, form_fields, FieldSpec, Lookup};
use crate::exit;
use crate::flow::check::{self, Outcome, Remedy};
use crate::flow::delete::{self, Deleted};
use crate::flow::masked;
use crate::flow::reauth;
use crate::flow::selection::status_word;
use crate::form;
use crate::secret::{key_looks_secret, REDACTED};
use clap::{Args, Subcommand};
use std::io::Write;
use std::ops::ControlFlow;

mod check_many;
mod switch;

#[derive(Args, Debug)]
#[command(
    after_help = "An instance is named by its ID or its exact name (`ce-wizard instances list`\nshows both). Digits that are one instance's ID and another's name are\nrefused with both: --id or --name says which is meant.\n\nExamples:\n  ce-wizard instances list --element bigcommerce\n  ce-wizard instances test shop\n  ce-wizard instances test --all --jobs 16\n  ce-wizard instances update 1234 --tag prod --tag eu\n  ce-wizard instances reauth 1234 --set oauth.api.secret=@secret.txt\n  ce-wizard instances delete 1234 --yes\n  ce-wizard instances delete --tag staging"
)]
pub struct InstancesArgs {
    #[command(subcommand)]
    pub command: Option<InstancesCommand>,
}

#[derive(Subcommand, Debug)]
pub enum InstancesCommand {
    /// List the account's instances (every page of them).
    List(ListArgs),
    /// Show one instance; --json prints it whole, token included, secrets masked (--reveal shows them).
    Show(ShowArgs),
    /// Check that an instance works: its state, then the platform's health check through it (GET /hubs/HUB/ping; one read where the element has none); or many at once (--all, --tag, --element, --status). Exit 0 works, 5 broken or disabled.
    Test(TestArgs),
    /// Change an instance's name, tags or settings.
    Update(UpdateArgs),
    /// Sign in again for an OAuth instance whose grant expired or was revoked.
    Reauth(ReauthArgs),
    /// Delete one instance, or every one that --tag, --element or --status takes (the list and its count first).
    Delete(DeleteArgs),
    /// Turn a disabled instance back on (PUT /instances/ID/enabled).
    Enable(TargetArgs),
    /// Turn an instance off: calls through it are refused until it is enabled (DELETE /instances/ID/enabled).
    Disable(TargetArgs),
}

#[derive(Args, Debug, Default)]
pub struct ListArgs {
    /// Print the instances as a JSON array (without their tokens, secret settings masked).
    #[arg(long)]
    pub json: bool,
    /// Only instances of this element (its key, e.g. bigcommerce).
    #[arg(long, value_name = "KEY")]
    pub element: Option<String>,
    /// Only instances with this tag.
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,
}

#[derive(Args, Debug)]
pub struct TargetArgs {
    /// The instance's ID or exact name.
    #[arg(value_name = "ID|NAME")]
    pub instance: String,
    #[command(flatten)]
    pub read_as: ReadAsArgs,
}

/// `--id` and `--name`: how to read an ID|NAME of digits that is one
/// instance's ID and another's name.
#[derive(Args, Debug, Default, Clone, Copy)]
pub struct ReadAsArgs {
    /// Read ID|NAME as an instance ID only.
    #[arg(long = "id", conflicts_with = "by_name")]
    pub by_id: bool,
    /// Read ID|NAME as an exact name only (for a name of digits).
    #[arg(long = "name")]
    pub by_name: bool,
}

impl ReadAsArgs {
    pub fn read_as(self) -> ReadAs {
        match (self.by_id, self.by_name) {
            (true, _) => ReadAs::Id,
            (_, true) => ReadAs::Name,
            _ => ReadAs::Either,
        }
    }
}

#[derive(Args, Debug, Default)]
pub struct TestArgs {
    /// The instance's ID or exact name; or choose many with the options below.
    #[arg(
        value_name = "ID|NAME",
        required_unless_present_any = ["all", "tag", "element", "status"],
        conflicts_with_all = ["all", "tag", "element", "status"]
    )]
    pub instance: Option<String>,
    #[command(flatten)]
    pub read_as: ReadAsArgs,
    /// Check every instance of the account (--tag, --element and --status narrow it).
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub selection: super::cleanup::SelectionArgs,
    /// Checks in flight at once.
    #[arg(long, value_name = "N", default_value_t = crate::flow::fleet::DEFAULT_JOBS, value_parser = check_many::jobs)]
    pub jobs: usize,
    /// One JSON line per instance as each check ends: id, name, element, status (works, broken, disabled, invalid, not checked), reason, fix.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// The instance's ID or exact name.
    #[arg(value_name = "ID|NAME")]
    pub instance: String,
    #[command(flatten)]
    pub read_as: ReadAsArgs,
    /// Print the instance as the platform gives it, token included; secret settings and provider tokens masked.
    #[arg(long)]
    pub json: bool,
    /// With --json: show the secret settings and provider tokens (oauth.user.*) too.
    #[arg(long, requires = "json")]
    pub reveal: bool,
}

#[derive(Args, Debug)]
pub struct UpdateArgs {
    /// The instance's ID or exact name.
    #[arg(value_name = "ID|NAME")]
    pub instance: String,
    /// Read ID|NAME as an instance ID only (here --name is the new name: an
    /// instance named with digits is given by its own ID).
    #[arg(long = "id")]
    pub by_id: bool,
    /// The new name.
    #[arg(long)]
    pub name: Option<String>,
    /// The new tags, all of them (the platform replaces the list whole); repeat for more.
    #[arg(long = "tag", value_name = "TAG", conflicts_with = "no_tags")]
    pub tags: Vec<String>,
    /// Remove every tag.
    #[arg(long)]
    pub no_tags: bool,
    /// A setting: key=value, key=@file, key=@- (standard input) or key=env:NAME. Repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
}

#[derive(Args, Debug)]
pub struct ReauthArgs {
    /// The instance's ID or exact name.
    #[arg(value_name = "ID|NAME")]
    pub instance: String,
    #[command(flatten)]
    pub read_as: ReadAsArgs,
    /// The app's credentials with the provider: oauth.api.key=ID, oauth.api.secret=@FILE, oauth.callback.url=URL (only these; sent only where they changed).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
}

#[derive(Args, Debug)]
pub struct DeleteArgs {
    /// The instance's ID or exact name; or, instead, --tag, --element or --status for every instance they take.
    #[arg(
        value_name = "ID|NAME",
        required_unless_present = "selection",
        conflicts_with = "selection"
    )]
    pub instance: Option<String>,
    #[command(flatten)]
    pub read_as: ReadAsArgs,
    #[command(flatten)]
    pub selection: super::cleanup::SelectionArgs,
    /// Delete without asking for the instance's name (or ID), or the count of those selected, to be typed.
    #[arg(long)]
    pub yes: bool,
}

pub async fn run(
    g: &GlobalArgs,
    args: InstancesArgs,
    full_screen: &dyn super::wizard::FullScreen,
) -> Result<i32, Failure> {
    match args.command {
        // On a terminal, the list to browse and act on; elsewhere, printed.
        None if super::prompt::on_terminal() && complete_connection(g) => {
            super::wizard::run_instances(full_screen, g).await
        }
        None => list(g, &ListArgs::default()).await,
        Some(InstancesCommand::List(a)) => list(g, &a).await,
        Some(InstancesCommand::Show(a)) => show(g, &a).await,
        Some(InstancesCommand::Test(a)) => match &a.instance {
            Some(one) if !a.json => test(g, one, a.read_as.read_as()).await,
            _ => check_many::run(g, &a).await,
        },
        Some(InstancesCommand::Update(a)) => update(g, &a).await,
        Some(InstancesCommand::Reauth(a)) => reauth(g, &a).await,
        Some(InstancesCommand::Delete(a)) => delete(g, &a).await,
        Some(InstancesCommand::Enable(a)) => switch::run(g, &a, switch::Switch::Enable).await,
        Some(InstancesCommand::Disable(a)) => switch::run(g, &a, switch::Switch::Disable).await,
    }
}

/// Whether the secrets are known without asking: the Instances view has no
/// Connection step to ask for them (the printed list names what is missing).
fn complete_connection(g: &GlobalArgs) -> bool {
    g.sandbox
        || resolve_connection(g).is_ok_and(|c| c.user_secret.is_some() && c.org_secret.is_some())
}

/// How a person named an instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Id(i64),
    Name(String),
    /// Digits, neither `--id` nor `--name` given: the instance with this
    /// ID, unless another is named so (`name` is the digits as typed, so
    /// "0042" is looked for as a name too), which is refused with both.
    IdOrName {
        id: i64,
        name: String,
    },
}

/// What `--id` or `--name` said ID|NAME is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReadAs {
    #[default]
    Either,
    Id,
    Name,
}

/// An ID (digits) or a name (one line of visible text); anything else is
/// refused before anything is sent.
pub fn parse_target(text: &str) -> Result<Target, String> {
    parse_target_as(text, ReadAs::Either)
}

/// [`parse_target`], as `--id` or `--name` says to read it.
pub fn parse_target_as(text: &str, read_as: ReadAs) -> Result<Target, String> {
    let t = text.trim();
    let digits = !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if t.is_empty() {
        return Err("ID|NAME is empty: give the instance's ID or exact name (`ce-wizard instances list` shows both)".into());
    }
    if read_as == ReadAs::Id && !digits {
        return Err(format!(
            "--id: \"{}\" is not an instance ID (IDs are digits; `ce-wizard instances list` shows them)",
            printable(t)
        ));
    }
    if digits && read_as != ReadAs::Name {
        let or_name = match read_as {
            ReadAs::Either => format!(" (for an instance named \"{t}\", give --name)"),
            _ => String::new(),
        };
        return match t.parse::<i64>() {
            Ok(0) => Err(format!(
                "instance ID 0 does not exist: IDs start at 1{or_name}"
            )),
            Ok(id) if read_as == ReadAs::Id => Ok(Target::Id(id)),
            Ok(id) => Ok(Target::IdOrName {
                id,
                name: t.to_string(),
            }),
            Err(_) => Err(format!("instance ID {t} is too large to be an ID{or_name}")),
        };
    }
    // A name looked for may be one a new instance could not be given
    // (digits, named in the console): it only has to be one usable line.
    match form::validate_found_name(t) {
        Some(problem) => Err(format!(
            "ID|NAME is neither an ID (digits) nor a usable name: {}",
            problem.replacen("Instance name", "the name", 1)
        )),
        None => Ok(Target::Name(t.to_string())),
    }
}

/// A tag as `--tag` may give it: one line, no commas (the console and the
/// wizard separate tags with them).
pub fn check_tag(tag: &str) -> Result<(), String> {
    if tag.trim().is_empty() {
        return Err("--tag: a tag cannot be empty".into());
    }
    if tag.contains(',') {
        return Err(format!(
            "--tag \"{}\" contains a comma: give each tag its own --tag",
            tag.escape_debug()
        ));
    }
    match form::validate_tags(&[tag.to_string()]) {
        Some(problem) => Err(format!("--tag: {problem}")),
        None => Ok(()),
    }
}

pub use crate::sanitize::printable;

fn api_failed(what: &str, e: &ApiError) -> Failure {
    Failure {
        code: exit::API_FAILED,
        message: format!("{what}: {}", report::api_error(e, None)),
    }
}

/// A 404 on an ID is the person's mistake (exit 2); the rest, the platform's.
fn read_failed(what: &str, e: &ApiError) -> Failure {
    match e {
        ApiError::NoSuchInstance { .. } => Failure::invalid(format!("{e}. {}", e.advice())),
        _ => api_failed(what, e),
    }
}

async fn connect(g: &GlobalArgs) -> Result<(super::Connection, Client), Failure> {
    let conn = resolve_connection(g)?;
    let client = conn.client()?;
    Ok((conn, client))
}

/// The instance a person named: by ID, read directly; by name, found by
/// the platform's search or in the whole list, exactly one; digits, both, and refused when they are one
/// instance's ID and another's name.
pub async fn resolve(client: &Client, target: &Target) -> Result<Instance, Failure> {
    resolve_with(client, target, NameFlag::Offered).await
}

/// Whether the command has `--name` to choose a name with (`update` uses
/// `--name` for the new name), for the advice when digits are both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameFlag {
    Offered,
    NewName,
}

/// [`resolve`], its advice fitted to the command's flags.
pub async fn resolve_with(
    client: &Client,
    target: &Target,
    flag: NameFlag,
) -> Result<Instance, Failure> {
    let read = |id: i64| async move {
        client
            .get_instance(id)
            .await
            .map_err(|e| read_failed(&format!("cannot read instance {id}"), &e))
    };
    match target {
        Target::Id(id) => read(*id).await,
        Target::Name(name) => {
            let all = named_candidates(client, name)
                .await
                .map_err(|e| api_failed("cannot list the instances to find it by name", &e))?;
            read(pick_by_name(&all, name)?).await
        }
        Target::IdOrName { id, name } => {
            // Both are looked for: an instance named "1000" must never be
            // taken for instance 1000, nor the other way round.
            let all = named_candidates(client, name).await.map_err(|e| {
                api_failed(
                    &format!(
                        "cannot list the instances to check that none is named \"{name}\" (give --id {name} to read it as an ID only)"
                    ),
                    &e,
                )
            })?;
            let by_id = match client.get_instance(*id).await {
                Ok(i) => Some(i),
                Err(ApiError::NoSuchInstance { .. })
                    if all.iter().any(|i| i.name.trim() == name) =>
                {
                    None
                }
                Err(e) => return Err(read_failed(&format!("cannot read instance {id}"), &e)),
            };
            match by_id {
                None => read(pick_by_name(&all, name)?).await,
                Some(i) => {
                    let named: Vec<&Instance> = all
                        .iter()
                        .filter(|n| n.name.trim() == name && n.id != i.id)
                        .collect();
                    if named.is_empty() {
                        Ok(i)
                    } else {
                        Err(both_id_and_name(&i, &named, name, flag))
                    }
                }
            }
        }
    }
}

/// The instances that may be named `name`: those the platform's search
/// for it answers (`searchText`: on a large account one page, where the
/// whole list is dozens), when one of them is named exactly so; otherwise
/// the whole list. The platform's search is loose and its rules are not
/// known (it may miss a name it splits differently, or be ignored by an
/// older platform or a proxy), so only an exact name counts, and finding
/// none there proves nothing: the whole list settles it, and gives the
/// close names to suggest.
async fn named_candidates(client: &Client, name: &str) -> Result<Vec<Instance>, ApiError> {
    let found = client.search_instances(&Search::text(name)).await?;
    if found.iter().any(|i| i.name.trim() == name) {
        return Ok(found);
    }
    drop(found);
    client.list_instances().await
}

/// Digits that are one instance's ID and the name of others: nothing is
/// done, and each candidate is listed with the flags that choose it.
fn both_id_and_name(by_id: &Instance, named: &[&Instance], name: &str, flag: NameFlag) -> Failure {
    let about = |i: &Instance| {
        format!(
            "instance {} \"{}\", {}, created {}",
            i.id,
            printable(&i.name),
            printable(&i.element_key),
            printable(i.created_date.as_deref().unwrap_or("?"))
        )
    };
    let mut lines = vec![(format!("--id {}", by_id.id), about(by_id))];
    match (named, flag) {
        ([one], NameFlag::Offered) => lines.push((format!("--name {name}"), about(one))),
        _ => lines.extend(named.iter().map(|i| (format!("--id {}", i.id), about(i)))),
    }
    let width = lines.iter().map(|(f, _)| f.len()).max().unwrap_or(0);
    let what = if named.len() == 1 {
        "the name of another".to_string()
    } else {
        format!("the name of {} others", named.len())
    };
    Failure::invalid(format!(
        "\"{name}\" is the ID of one instance and {what}; nothing was done. Say which you mean:\n{}",
        lines
            .iter()
            .map(|(f, about)| format!("  {f:width$}  {about}"))
            .collect::<Vec<_>>()
            .join("\n")
    ))
}

/// The ID of the one instance named exactly `name`; exit 2 with the
/// candidates otherwise.
pub fn pick_by_name(all: &[Instance], name: &str) -> Result<i64, Failure> {
    let exact: Vec<&Instance> = all.iter().filter(|i| i.name.trim() == name).collect();
    match exact.as_slice() {
        [one] => Ok(one.id),
        [] => {
            let close = closest_names(all, name);
            let shown = printable(name);
            Err(Failure::invalid(if close.is_empty() {
                format!(
                    "no instance is named \"{shown}\" (`ce-wizard instances list` shows them all)"
                )
            } else {
                format!(
                    "no instance is named \"{shown}\"; did you mean {}?",
                    close
                        .iter()
                        .map(|i| format!("\"{}\" ({})", printable(&i.name), i.id))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }))
        }
        several => {
            let lines: Vec<String> = several
                .iter()
                .map(|i| {
                    format!(
                        "  {}  {}  created {}",
                        i.id,
                        printable(&i.element_key),
                        printable(i.created_date.as_deref().unwrap_or("?"))
                    )
                })
                .collect();
            Err(Failure::invalid(format!(
                "{} instances are named \"{}\"; give the ID of the one you mean:\n{}",
                several.len(),
                printable(name),
                lines.join("\n")
            )))
        }
    }
}

/// Up to five names close to `wanted`: the same but for case or spaces,
/// then containing it, then within a few typos.
fn closest_names<'a>(all: &'a [Instance], wanted: &str) -> Vec<&'a Instance> {
    let w = wanted.trim().to_lowercase();
    let budget = (w.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, &Instance)> = all
        .iter()
        .filter_map(|i| {
            let n = i.name.trim().to_lowercase();
            if n == w {
                Some((0, i))
            } else if n.contains(&w) || (!n.is_empty() && w.contains(&n)) {
                Some((1 + n.len().abs_diff(w.len()).min(budget), i))
            } else {
                let d = crate::catalog::edit_distance(&n, &w);
                (d <= budget).then_some((budget + 1 + d, i))
            }
        })
        .collect();
    scored.sort_by_key(|(score, i)| (*score, i.id));
    scored.into_iter().take(5).map(|(_, i)| i).collect()
}

fn target(text: &str, read_as: ReadAs) -> Result<Target, Failure> {
    parse_target_as(text, read_as).map_err(Failure::invalid)
}

// ---- list ----

/// The account's tags for a `--tag` that matched none: the first 20, as
/// an account may have thousands. Tags match exactly, case included.
fn tags_named(tags: &std::collections::BTreeSet<String>) -> String {
    const SHOWN: usize = 20;
    if tags.is_empty() {
        return "no instance has tags".into();
    }
    let mut named: Vec<String> = tags.iter().take(SHOWN).map(|t| printable(t)).collect();
    if tags.len() > SHOWN {
        named.push(format!("and {} more", tags.len() - SHOWN));
    }
    format!(
        "the account's tags are {} (exact, case included)",
        named.join(", ")
    )
}

fn matches_filters(i: &Instance, args: &ListArgs) -> bool {
    args.element
        .as_deref()
        .is_none_or(|k| i.element_key.eq_ignore_ascii_case(k.trim()))
        && args
            .tag
            .as_deref()
            .is_none_or(|t| i.tags().iter().any(|have| have == t.trim()))
}

/// Cuts to `width` characters, marking the cut.
fn fit(s: &str, width: usize) -> String {
    let s = printable(s);
    if s.chars().count() <= width {
        format!("{s:width$}")
    } else {
        let cut: String = s.chars().take(width - 1).collect();
        format!("{cut}…")
    }
}

fn row(i: &Instance) -> String {
    let created = i
        .created_date
        .as_deref()
        .map(|d| d.chars().take(16).collect::<String>().replace('T', " "))
        .unwrap_or_default();
    format!(
        "{:>8}  {}  {}  {}  {}",
        i.id,
        fit(&i.name, 32),
        fit(&i.element_key, 22),
        fit(&created, 16),
        status_word(i)
    )
}

async fn list(g: &GlobalArgs, args: &ListArgs) -> Result<i32, Failure> {
    if let Some(t) = &args.tag {
        check_tag(t).map_err(Failure::invalid)?;
    }
    if let Some(k) = &args.element {
        if k.trim().is_empty() || k.chars().any(char::is_control) {
            return Err(Failure::invalid(
                "--element needs an element key, e.g. bigcommerce",
            ));
        }
    }
    let (_conn, client) = connect(g).await?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut shown = 0usize;
    let mut closed = false;
    // The elements the account's instances are of, to say so when
    // `--element` names none of them.
    let mut keys = std::collections::BTreeSet::new();
    // The account's tags, to name when `--tag` matches none.
    let mut tags = std::collections::BTreeSet::new();
    let result = if args.json {
        // Whole or nothing: a script never reads half a list as the list.
        // Each page is written into the buffer as it arrives, one instance
        // a line, so the pages' instances need not be kept.
        let mut buffer: Vec<u8> = b"[".to_vec();
        let mut unwritable: Option<serde_json::Error> = None;
        let r = client
            .for_each_instance_page(Paging::default(), |page| {
                keys.extend(page.instances.iter().map(|i| i.element_key.clone()));
                tags.extend(page.instances.iter().flat_map(|i| i.tags()));
                for i in page.instances.iter().filter(|i| matches_filters(i, args)) {
                    buffer.extend_from_slice(if shown == 0 { b"\n" } else { b",\n" });
                    shown += 1;
                    if let Err(e) =
                        crate::sanitize::write_json(&mut buffer, &masked::listed(i), false)
                    {
                        unwritable = Some(e);
                        return ControlFlow::Break(());
                    }
                }
                ControlFlow::Continue(())
            })
            .await;
        buffer.extend_from_slice(if shown == 0 { b"]\n" } else { b"\n]\n" });
        if r.is_ok() {
            if let Some(e) = unwritable {
                return Err(Failure {
                    code: exit::API_FAILED,
                    message: format!("cannot write the list as JSON: {e}"),
                });
            }
            closed = out.write_all(&buffer).is_err();
        }
        r
    } else {
        closed = writeln!(
            out,
            "{:>8}  {:32}  {:22}  {:16}  STATUS",
            "ID", "NAME", "ELEMENT", "CREATED"
        )
        .is_err();
        // Rows appear page by page, as the platform sends them.
        client
            .for_each_instance_page(Paging::default(), |page| {
                keys.extend(page.instances.iter().map(|i| i.element_key.clone()));
                tags.extend(page.instances.iter().flat_map(|i| i.tags()));
                for i in page.instances.iter().filter(|i| matches_filters(i, args)) {
                    shown += 1;
                    if !closed && writeln!(out, "{}", row(i)).is_err() {
                        closed = true;
                    }
                }
                if !closed && out.flush().is_err() {
                    closed = true;
                }
                if closed {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
            .await
    };
    let _ = out.flush();
    drop(out);
    let listed = result.map_err(|e| api_failed("cannot list the instances", &e))?;
    if closed {
        // The reader went away (`| head`): not a failure.
        return Ok(exit::CREATED);
    }
    let filtered = args.element.is_some() || args.tag.is_some();
    if filtered {
        let mut said = format!("{shown} of {} instances match.", listed.instances);
        if let Some(k) = args.element.as_deref().map(str::trim) {
            if shown == 0 && !keys.contains(k) && !keys.is_empty() {
                let known: Vec<String> = keys.iter().map(|k| printable(k)).collect();
                said = format!(
                    "0 of {} instances match: none is of the element \"{}\"; the account's are of {}.",
                    listed.instances,
                    printable(k),
                    known.join(", ")
                );
            }
        }
        if let Some(t) = args.tag.as_deref().map(str::trim) {
            if shown == 0 && !tags.contains(t) {
                said = format!(
                    "0 of {} instances match: none is tagged \"{}\"; {}.",
                    listed.instances,
                    printable(t),
                    tags_named(&tags)
                );
            }
        }
        eprintln!("{said}");
    } else if listed.instances == 0 {
        // An empty account may answer 404 "No instances found"; the
        // client has read it as the empty list it is.
        eprintln!("0 instances: this account has none yet.");
    } else {
        eprintln!(
            "{} instance{}.",
            listed.instances,
            if listed.instances == 1 { "" } else { "s" }
        );
    }
    Ok(exit::CREATED)
}

// ---- show ----

async fn show(g: &GlobalArgs, args: &ShowArgs) -> Result<i32, Failure> {
    let t = target(&args.instance, args.read_as.read_as())?;
    let (_conn, client) = connect(g).await?;
    let i = resolve(&client, &t).await?;
    let text = if args.json {
        crate::sanitize::json_text(&masked::one(&i, args.reveal), true)
    } else {
        describe(&i)
    };
    Ok(super::output::printed(
        super::output::print_out(&format!("{text}\n")),
        "instance",
    ))
}

/// The instance for people, its token left out.
fn describe(i: &Instance) -> String {
    let element = if i.element_name.is_empty() {
        printable(&i.element_key)
    } else {
        format!(
            "{} ({})",
            printable(&i.element_name),
            printable(&i.element_key)
        )
    };
    let mut lines = vec![
        format!("Instance {} \"{}\"", i.id, printable(&i.name)),
        format!("  element:  {element}"),
        format!(
            "  created:  {}",
            printable(i.created_date.as_deref().unwrap_or("unknown"))
        ),
        format!("  status:   {}", status_word(i)),
    ];
    let tags = i.tags();
    if !tags.is_empty() {
        lines.push(format!(
            "  tags:     {}",
            tags.iter()
                .map(|t| printable(t))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(config) = i.raw.get("configuration").and_then(|c| c.as_object()) {
        if !config.is_empty() {
            lines.push("  settings:".into());
        }
        // The values in one column, as the fields above are.
        let width = config
            .keys()
            .map(|k| printable(k).chars().count())
            .max()
            .unwrap_or(0);
        for (k, v) in config {
            let secret = masked::is_secret_setting(&i.element_key, k);
            let value = match v {
                serde_json::Value::String(s) if secret && !s.is_empty() => REDACTED.to_string(),
                serde_json::Value::String(s) => printable(s),
                other => printable(&other.to_string()),
            };
            lines.push(format!("    {:<width$}  {value}", printable(k)));
        }
    }
    lines.push(format!(
        "  token:    not shown here; `ce-wizard instances show {} --json` prints it",
        i.id
    ));
    lines.join("\n")
}

// ---- test ----

/// What to do about an outcome, in commands.
pub fn what_to_do(outcome: &Outcome, id: i64) -> Option<String> {
    let delete =
        format!("or, if it is no longer needed, delete it: ce-wizard instances delete {id}");
    match outcome {
        Outcome::Broken {
            remedy: Remedy::Reauthorize,
            ..
        } => Some(format!(
            "sign in again: ce-wizard instances reauth {id}\n  {delete}"
        )),
        Outcome::Broken {
            remedy: Remedy::Update,
            ..
        } => Some(format!(
            "give it working credentials: ce-wizard instances update {id} --set KEY=VALUE\n  {delete}"
        )),
        Outcome::Disabled => Some(format!("enable it again: ce-wizard instances enable {id}\n  {delete}")),
        Outcome::Works { .. } | Outcome::NotChecked { .. } => None,
    }
}

/// The outcome for people: one line, the request ID and what to do.
pub fn tell(outcome: &Outcome, instance: &Instance) -> String {
    let mut s = format!(
        "Instance {} \"{}\": {}",
        instance.id,
        printable(&instance.name),
        printable(&outcome.summary())
    );
    if let Outcome::Broken {
        request_id: Some(r),
        ..
    } = outcome
    {
        s.push_str(&format!(
            "\n  request ID: {} (quote it to Cloud Elements support)",
            printable(r)
        ));
    }
    if let Some(todo) = what_to_do(outcome, instance.id) {
        s.push_str(&format!("\n  what to do: {todo}"));
    }
    s
}

fn exit_for(outcome: &Outcome) -> i32 {
    if outcome.is_failure() {
        exit::CHECK_FAILED
    } else {
        exit::CREATED
    }
}

async fn test(g: &GlobalArgs, instance: &str, read_as: ReadAs) -> Result<i32, Failure> {
    let t = target(instance, read_as)?;
    let (_conn, client) = connect(g).await?;
    let found = resolve(&client, &t).await?;
    let outcome = check::check_fetched(&client, &found)
        .await
        .map_err(|e| api_failed(&format!("cannot check instance {}", found.id), &e))?;
    let code = super::output::printed(
        super::output::print_out(&format!("{}\n", tell(&outcome, &found))),
        "check result",
    );
    Ok(if code == 0 { exit_for(&outcome) } else { code })
}

// ---- update ----

async fn update(g: &GlobalArgs, args: &UpdateArgs) -> Result<i32, Failure> {
    let t = if args.by_id {
        parse_target_as(&args.instance, ReadAs::Id)
    } else {
        parse_target(&args.instance)
    }
    .map_err(Failure::invalid)?;
    let mut changes = InstanceChanges::default();
    if let Some(n) = &args.name {
        if let Some(problem) = form::validate_name(n) {
            return Err(Failure::invalid(format!(
                "--name: {problem}; nothing was sent"
            )));
        }
        changes.name = Some(n.trim().to_string());
    }
    if args.no_tags {
        changes.tags = Some(vec![]);
    } else if !args.tags.is_empty() {
        for tag in &args.tags {
            check_tag(tag).map_err(|m| Failure::invalid(format!("{m}; nothing was sent")))?;
        }
        changes.tags = Some(args.tags.iter().map(|t| t.trim().to_string()).collect());
    }
    let mut draft = Draft::default();
    inputs::apply_sets(&mut draft, &args.sets, &mut std::io::stdin())
        .map_err(|e| Failure::invalid(format!("{}; nothing was sent", e.0)))?;
    for (k, v) in &draft.configuration {
        if k.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(Failure::invalid(format!(
                "--set \"{}\": a setting name is one word; nothing was sent",
                k.escape_debug()
            )));
        }
        if key_looks_secret(k) {
            crate::log::add_secret(v.expose());
        }
        changes.configuration.insert(k.clone(), v.clone());
    }
    for k in &draft.literal_keys {
        if key_looks_secret(k) {
            eprintln!("note: {k} was given on the command line, where other users of this machine can see it; next time use --set {k}=@FILE or --set {k}=env:NAME");
        }
    }
    if changes.is_empty() {
        return Err(Failure::invalid(
            "nothing to change: give --name, --tag (or --no-tags) or --set",
        ));
    }
    let (_conn, client) = connect(g).await?;
    let found = resolve_with(&client, &t, NameFlag::NewName).await?;
    if !changes.configuration.is_empty() {
        check_settings(&client, &found, &changes).await?;
    }
    let updated = client
        .update_instance(found.id, &changes)
        .await
        .map_err(|e| read_failed(&format!("cannot update instance {}", found.id), &e))?;
    let mut what = vec![];
    if changes.name.is_some() {
        what.push(format!("name \"{}\"", printable(&updated.name)));
    }
    if changes.tags.is_some() {
        let tags = updated.tags();
        what.push(if tags.is_empty() {
            "no tags".to_string()
        } else {
            format!(
                "tags {}",
                tags.iter()
                    .map(|t| printable(t))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
    }
    if !changes.configuration.is_empty() {
        what.push(format!(
            "settings {}",
            changes
                .configuration
                .keys()
                .map(|k| printable(k))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    eprintln!("Updated instance {}: {}.", updated.id, what.join("; "));
    Ok(exit::CREATED)
}

/// The element's form, for checking the settings an update sends: the
/// bundled spec, else the platform's as `create` builds it from the
/// element's configuration metadata. `Err` says why it cannot be had.
async fn settings_form(client: &Client, key: &str) -> Result<(String, Vec<FieldSpec>), String> {
    if let Some(spec) = bundled_spec(key) {
        return Ok((spec.name.clone(), form_fields(spec)));
    }
    let entry = match catalog::lookup(client, key).await {
        Ok(Lookup::Found(entry)) => entry,
        Ok(Lookup::Unknown { .. }) => {
            return Err(format!(
                "the element \"{}\" is not in the platform's catalog",
                printable(key)
            ))
        }
        Err(e) => {
            return Err(format!(
                "cannot read the platform's catalog: {}",
                report::api_error(&e, None)
            ))
        }
    };
    match catalog::element_spec(client, &entry).await {
        Ok(spec) => Ok((spec.name.clone(), form_fields(&spec))),
        Err(e) => Err(format!(
            "cannot read the settings {} takes: {}",
            printable(&entry.name),
            report::api_error(&e, None)
        )),
    }
}

/// The settings an update sends, checked as `create` checks them, for
/// bundled and catalog elements alike: every key one of the element's
/// settings, every value valid for its kind (one line of visible text
/// unless the field takes several lines), never a placeholder. Where the
/// form cannot be read, control characters are still refused.
async fn check_settings(
    client: &Client,
    found: &Instance,
    changes: &InstanceChanges,
) -> Result<(), Failure> {
    let (element, fields) = match settings_form(client, &found.element_key).await {
        Ok(form) => form,
        Err(why) => {
            let unsafe_value = changes.configuration.iter().find(|(_, v)| {
                // Line breaks and tabs pass: the field may take several
                // lines, which cannot be known here.
                v.expose().chars().any(|c| {
                    (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
                        || matches!(c, '\u{2028}' | '\u{2029}')
                        || crate::sanitize::is_invisible_format(c)
                })
            });
            if let Some((k, _)) = unsafe_value {
                return Err(Failure::invalid(format!(
                    "--set {}: the value contains control or invisible characters (an escape sequence was probably pasted); retype it. Nothing was sent",
                    printable(k)
                )));
            }
            eprintln!("note: {why}; the values were checked for control characters only");
            return Ok(());
        }
    };
    let unknown: Vec<&String> = changes
        .configuration
        .keys()
        .filter(|k| !fields.iter().any(|f| &f.key == *k))
        .collect();
    if !unknown.is_empty() {
        let known: Vec<String> = fields.iter().map(|f| printable(&f.key)).collect();
        return Err(Failure::invalid(format!(
            "{} is not a setting of {}; its settings are {}. Nothing was sent",
            unknown
                .iter()
                .map(|k| format!("\"{}\"", k.escape_debug()))
                .collect::<Vec<_>>()
                .join(", "),
            printable(&element),
            known.join(", ")
        )));
    }
    // A script sends what it says, never a placeholder or a URL without
    // its scheme.
    let mut problems = vec![];
    for f in &fields {
        let Some(v) = changes.configuration.get(&f.key) else {
            continue;
        };
        let v = v.expose();
        if inputs::looks_like_placeholder(v) {
            problems.push(format!(
                "{} ({}) still holds a placeholder from the docs; put your real value",
                f.label, f.key
            ));
        } else if let Some(m) = form::validate_field(f, v) {
            let fix = form::suggested_url(f, v).unwrap_or_else(|| "…".into());
            problems.push(format!("{m} (--set {}={fix})", f.key));
        } else if let Some(w) = form::shape_warning(f, v) {
            eprintln!("warning: {w} (--set {}=…)", f.key);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::invalid(format!(
            "cannot update instance {}; nothing was sent. Fix these and run again:\n  - {}",
            found.id,
            problems.join("\n  - ")
        )))
    }
}

// ---- reauth ----

async fn reauth(g: &GlobalArgs, args: &ReauthArgs) -> Result<i32, Failure> {
    let t = target(&args.instance, args.read_as.read_as())?;
    let mut draft = Draft::default();
    let stdin_used = inputs::apply_sets(&mut draft, &args.sets, &mut std::io::stdin())
        .map_err(|e| Failure::invalid(format!("{}; nothing was sent", e.0)))?;
    // A re-authorization sends the grant and the app's settings only: any
    // other key would be used for the sign-in and then silently not kept.
    if let Some((other, _)) = draft
        .configuration
        .iter()
        .find(|(k, _)| !reauth::APP_SETTINGS.contains(&k.as_str()))
    {
        return Err(Failure::invalid(format!(
            "reauth --set takes the app's {} only, not {}: change other settings with `ce-wizard instances update {} --set KEY=VALUE`; nothing was sent",
            reauth::APP_SETTINGS.join(", "),
            printable(other),
            printable(&args.instance)
        )));
    }
    let (_conn, client) = connect(g).await?;
    let found = resolve(&client, &t).await?;
    let auth = reauth::oauth_kind(&found)
        .map_err(|m| Failure::invalid(format!("{m}; nothing was sent")))?;
    let spec = reauth::spec_for(&found, auth);
    let callback = reauth::callback_url(
        &found,
        draft
            .configuration
            .iter()
            .rev()
            .find(|(k, _)| k == reauth::CALLBACK)
            .map(|(_, v)| v.expose()),
        g.callback_port,
        g.callback_port_given,
    )
    .map_err(Failure::invalid)?;
    // The stored settings, as far as they can be sent back, then the new ones.
    let mut values = reauth::stored_values(&found);
    for (k, v) in &draft.configuration {
        values.set(k.clone(), v.expose());
    }
    values.set(reauth::CALLBACK, callback);
    let interactive = !stdin_used && std::io::IsTerminal::is_terminal(&std::io::stdin());
    for key in ["oauth.api.key", "oauth.api.secret"] {
        if values.get(key).trim().is_empty() {
            let field = spec.field(key).cloned().unwrap_or_else(|| {
                crate::catalog::FieldSpec::new(
                    key,
                    key,
                    if key.ends_with("secret") {
                        crate::catalog::FieldKind::Secret
                    } else {
                        crate::catalog::FieldKind::Text
                    },
                )
            });
            if !interactive {
                return Err(Failure::invalid(format!(
                    "re-authorizing needs the app's {} ({key}): pass --set {key}=@FILE (or env:NAME); nothing was sent",
                    field.label
                )));
            }
            let answer = prompt::ask_field(&field, None).map_err(|e| {
                Failure::invalid(format!("cannot read the answer: {e}; nothing was sent"))
            })?;
            values.set(key, answer.trim());
        }
    }
    crate::log::add_secret(values.get("oauth.api.secret"));
    let mut con = Console::system();
    let mut session = OAuthSession::start(g, &mut con, &values, !stdin_used)?.for_existing();
    if let Some(url) = session.listener_callback_url() {
        values.set("oauth.callback.url", url);
    }
    let provider_data = session.authorize(&mut con, &client, &spec, &values).await?;
    let body = reauth::body(&found, &values, provider_data);
    let result = reauth::reauthorize(&client, found.id, &body).await;
    let _ = tokio::task::spawn_blocking(move || session.finish()).await;
    let reauth::Reauthorized {
        instance: updated,
        check,
    } = result.map_err(|e| Failure {
        code: exit::API_FAILED,
        message: format!(
            "cannot re-authorize instance {}: {}\n  An authorization can be used only once: run the command again to sign in anew.",
            found.id,
            report::api_error(&e, Some(&spec))
        ),
    })?;
    eprintln!(
        "Re-authorized instance {} \"{}\".",
        updated.id,
        printable(&updated.name)
    );
    let outcome = check.map_err(|e| {
        api_failed(
            &format!("re-authorized, but cannot check instance {}", updated.id),
            &e,
        )
    })?;
    let code = super::output::printed(
        super::output::print_out(&format!("{}\n", tell(&outcome, &updated))),
        "check result",
    );
    Ok(if code == 0 { exit_for(&outcome) } else { code })
}

// ---- delete ----

async fn delete(g: &GlobalArgs, args: &DeleteArgs) -> Result<i32, Failure> {
    let Some(instance) = &args.instance else {
        if args.read_as.by_id || args.read_as.by_name {
            return Err(Failure::invalid(
                "--id and --name say how to read an ID|NAME; with --tag, --element or --status there is none",
            ));
        }
        let selection = args.selection.selection()?;
        let (_conn, client) = connect(g).await?;
        return super::cleanup::run(&mut Console::system(), &client, &selection, args.yes).await;
    };
    let t = target(instance, args.read_as.read_as())?;
    let interactive = std::io::IsTerminal::is_terminal(&std::io::stdin());
    if !args.yes && !interactive {
        return Err(Failure::invalid(
            "deleting needs a confirmation: pass --yes (standard input is not a terminal to ask on); nothing was deleted",
        ));
    }
    let (_conn, client) = connect(g).await?;
    let found = resolve(&client, &t).await?;
    if !args.yes {
        eprintln!(
            "This deletes instance {} \"{}\" of {} for good.",
            found.id,
            printable(&found.name),
            printable(&found.element_key)
        );
        // The name is typed, or the ID where the name cannot be (empty,
        // spaces at an end, unseen characters). A typo is asked again; an
        // empty answer keeps the instance.
        let confirm = delete::Confirmation::for_instance(found.id, &found.name);
        let ask = match &confirm {
            delete::Confirmation::Name(_) => "Type its name".to_string(),
            delete::Confirmation::Id { id, why } => {
                format!("Its name cannot be typed ({why}), so type its ID, {id},")
            }
        };
        const TRIES: usize = 3;
        for tried in 1..=TRIES {
            eprint!("{ask} to delete it, or press Enter to keep it: ");
            let _ = std::io::stderr().flush();
            let typed = prompt::read_line().map_err(|e| {
                Failure::invalid(format!("cannot read the answer: {e}; nothing was deleted"))
            })?;
            if typed.trim().is_empty() {
                eprintln!("Kept instance {}; nothing was deleted.", found.id);
                return Ok(exit::INTERRUPTED);
            }
            if confirm.confirmed_by(&typed) {
                break;
            }
            let what = confirm.asks_for();
            if tried == TRIES {
                return Err(Failure::invalid(format!(
                    "that is not the instance's {what}; nothing was deleted"
                )));
            }
            eprintln!(
                "That is not its {what}: type {} exactly.",
                printable(&confirm.expected())
            );
        }
    }
    match delete::delete(&client, found.id).await {
        Ok(Deleted::Yes) => {
            eprintln!(
                "Deleted instance {} \"{}\".",
                found.id,
                printable(&found.name)
            );
            Ok(exit::CREATED)
        }
        Ok(Deleted::AnswerLostButGone { cause }) => {
            eprintln!(
                "The answer to the delete was lost ({cause}), but instance {} is gone: it was deleted.",
                found.id
            );
            Ok(exit::CREATED)
        }
        Ok(Deleted::AnswerLostStillThere { cause }) => Err(Failure {
            code: exit::API_FAILED,
            message: format!(
                "the answer to the delete was lost ({cause}), and instance {} \"{}\" still exists: it was not deleted. Run the command again.",
                found.id,
                printable(&found.name)
            ),
        }),
        Ok(Deleted::Unknown { cause, reread }) => Err(Failure {
            code: exit::API_FAILED,
            message: format!(
                "the answer to the delete was lost ({cause}), and reading instance {} again failed too ({reread}): it may or may not be deleted. Check first with `ce-wizard instances show {}`.",
                found.id, found.id
            ),
        }),
        Err(e) => Err(read_failed(
            &format!("cannot delete instance {}", found.id),
            &e,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn inst(id: i64, name: &str) -> Instance {
        Instance::from_value(
            json!({"id": id, "name": name, "token": "t", "element": {"key": "ecwid"}}),
        )
        .unwrap()
    }

    #[test]
    fn targets_are_ids_or_usable_names() {
        assert_eq!(
            parse_target(" 42 "),
            Ok(Target::IdOrName {
                id: 42,
                name: "42".into()
            })
        );
        assert_eq!(
            parse_target("0042"),
            Ok(Target::IdOrName {
                id: 42,
                name: "0042".into()
            })
        );
        assert_eq!(parse_target_as("0042", ReadAs::Id), Ok(Target::Id(42)));
        assert_eq!(
            parse_target_as("0042", ReadAs::Name),
            Ok(Target::Name("0042".into()))
        );
        assert_eq!(
            parse_target_as("0", ReadAs::Name),
            Ok(Target::Name("0".into()))
        );
        let e = parse_target_as("shop", ReadAs::Id).unwrap_err();
        assert!(e.starts_with("--id"), "{e}");
        let e = parse_target("0").unwrap_err();
        assert!(e.contains("give --name"), "{e}");
        assert_eq!(parse_target("my shop"), Ok(Target::Name("my shop".into())));
        assert_eq!(parse_target("12abc"), Ok(Target::Name("12abc".into())));
        for bad in [
            "",
            "  ",
            "0",
            "99999999999999999999",
            "a\u{1b}[2Jb",
            "x\ny",
            "a\u{202e}b",
        ] {
            let e = parse_target(bad).unwrap_err();
            assert!(e.contains("ID"), "{bad:?}: {e}");
        }
    }

    #[test]
    fn tags_are_one_line_without_commas() {
        assert!(check_tag("prod").is_ok());
        for bad in ["a,b", "", "a\tb", "x\u{7}"] {
            let e = check_tag(bad).unwrap_err();
            assert!(e.starts_with("--tag"), "{bad:?}: {e}");
        }
    }

    #[test]
    fn names_pick_exactly_one() {
        let all = vec![
            inst(1, "shop"),
            inst(2, "Shop EU"),
            inst(3, "dup"),
            inst(4, "dup"),
        ];
        assert_eq!(pick_by_name(&all, "shop").unwrap(), 1);
        let e = pick_by_name(&all, "dup").unwrap_err();
        assert_eq!(e.code, exit::INVALID_INPUT);
        assert!(
            e.message.contains("2 instances are named \"dup\""),
            "{}",
            e.message
        );
        assert!(e.message.contains("  3  ecwid") && e.message.contains("  4  ecwid"));
        let e = pick_by_name(&all, "shopp").unwrap_err();
        assert_eq!(e.code, exit::INVALID_INPUT);
        assert!(
            e.message.contains("did you mean \"shop\" (1)"),
            "{}",
            e.message
        );
        let e = pick_by_name(&all, "zzzzzzzzzz").unwrap_err();
        assert!(e.message.contains("instances list"), "{}", e.message);
    }

    #[test]
    fn platform_strings_cannot_rewrite_the_terminal() {
        assert_eq!(printable("a\u{1b}[2Jb\u{202e}c"), "a\u{FFFD}[2Jb\u{FFFD}c");
        let i = inst(5, "evil\u{1b}]52;c;AAAA\u{7}");
        assert!(!row(&i).contains('\u{1b}'));
        assert!(!describe(&i).contains('\u{1b}'));
    }

    #[test]
    fn settings_values_line_up_in_one_column() {
        let i = Instance::from_value(json!({"id": 7, "name": "n", "token": "t",
            "element": {"key": "infusionsoftecommerce"},
            "configuration": {"oauth.api.key": "client", "oauth.api.secret": "s",
                "oauth.callback.url": "http://127.0.0.1:1/callback"}}))
        .unwrap();
        let text = describe(&i);
        let columns: Vec<usize> = text
            .lines()
            .filter(|l| l.starts_with("    oauth."))
            .map(|l| l.len() - l[4..].split_once(' ').unwrap().1.trim_start().len())
            .collect();
        assert_eq!(columns.len(), 3, "{text}");
        assert!(columns.iter().all(|c| *c == columns[0]), "{text}");
        assert!(text.contains("oauth.api.secret    ••••••"), "{text}");
    }

    #[test]
    fn masked_values_are_not_sent_back() {
        use crate::flow::reauth::looks_masked;
        assert!(looks_masked("********"));
        assert!(looks_masked("••••"));
        assert!(!looks_masked("abc"));
        assert!(!looks_masked(""));
    }
}
