//! "New from this": the Configure step opened on a new form for the
//! instance's element, filled from the instance's stored settings, with
//! its secrets left empty (the platform never gives them back, and a copy
//! of another instance's secret is rarely what a new instance wants) and
//! a fresh name. An element whose form this run does not know yet (one
//! of the platform's catalog) has its configuration metadata fetched
//! first, as the Element step does, while the list stays on screen.

use super::state::FormLoad;
use crate::api::Instance;
use crate::catalog::{form_fields, AuthKind, CatalogEntry, ElementSpec};
use crate::flow::check;
use crate::flow::reauth::{looks_masked, APP_KEY};
use crate::form::DeriveContext;
use crate::tui::app::{App, FormState, Notice};
use crate::tui::effect::Effect;
use crate::tui::report::ErrorReport;
use crate::tui::step::Step;

/// The form of a new instance like `i`: every non-secret field the
/// instance stores a usable value for, its tags, and `name`.
pub fn prefilled(
    element_key: &str,
    fields: Vec<crate::catalog::FieldSpec>,
    i: &Instance,
    name: &str,
    ctx: &DeriveContext,
) -> FormState {
    let mut form = FormState::new(element_key, fields, name, ctx);
    // The stored values come from the platform: cleaned to one line before
    // the form shows them.
    let stored = |key: &str| {
        i.configuration_value(key)
            .filter(|v| !looks_masked(v))
            .map(crate::sanitize::line)
    };
    // Plain fields first, so that values derived from them follow.
    for pass_derived in [false, true] {
        let keys: Vec<String> = form
            .fields
            .iter()
            .filter(|f| !f.is_secret() && f.derive.is_some() == pass_derived)
            // A form from the platform's metadata marks only some secrets
            // as such; a key that names one (`api_key`, `access.token`) is
            // not copied either. The OAuth app's key is its public client
            // id, which a new instance of the same app needs.
            .filter(|f| f.key == APP_KEY || !crate::secret::key_looks_secret(&f.key))
            // The callback address is this run's listener, not the old one.
            .filter(|f| {
                !f.derive
                    .as_deref()
                    .is_some_and(|d| d.contains("{callback_url}"))
            })
            .map(|f| f.key.clone())
            .collect();
        for key in keys {
            let Some(value) = stored(&key) else { continue };
            if form.value(&key) == value.as_str() {
                continue;
            }
            if let Some(input) = form.inputs.get_mut(&key) {
                input.set(&value);
                form.edited.insert(key);
            }
        }
        form.refresh_derived(ctx);
    }
    form.tags.set(&i.tags().join(", "));
    form
}

/// A name for the new instance: the usual default, unless that is the
/// old instance's own.
fn fresh_name(app: &App, i: &Instance) -> String {
    let name = crate::flow::names::default_name(&i.element_key, &app.settings.name_stamp);
    if name == i.name {
        format!("{name}-2")
    } else {
        name
    }
}

/// Ctrl-B in the list: the form at once when this run knows the
/// element's, otherwise after fetching its configuration metadata.
pub fn open(app: &mut App) -> Vec<Effect> {
    let Some(i) = super::selected_instance(app) else {
        return vec![];
    };
    if let Some(spec) = app.known_spec(&i.element_key).cloned() {
        open_form(app, spec, &i);
        return vec![];
    }
    let Some(entry) = entry_for(app, &i) else {
        app.notice = Some(Notice::error(format!(
            "The form of {} cannot be asked for: its element key is not one the platform gives. Create it with `ce-wizard create --element KEY` instead.",
            i.element_key
        )));
        return vec![];
    };
    load(app, i, entry)
}

/// The catalog's entry for the instance's element; when the catalog on
/// hand lacks it (`ce-wizard instances` reads no catalog, and the
/// platform's may have moved on), one made of what the instance says of its
/// element: the metadata is asked for by key alone, and the sign-in kind
/// decides the OAuth fields the form adds.
fn entry_for(app: &App, i: &Instance) -> Option<CatalogEntry> {
    if let Some(entry) = app.catalog.catalog.find(&i.element_key) {
        return Some(entry.clone());
    }
    let hub = i
        .raw
        .get("element")
        .and_then(|e| e.get("hub"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    let name = match i.element_name.trim() {
        "" => i.element_key.clone(),
        name => name.to_string(),
    };
    CatalogEntry {
        key: i.element_key.clone(),
        name,
        hub: hub.to_string(),
        description: String::new(),
        auth: check::auth_of(i).unwrap_or(AuthKind::Custom),
        beta: false,
        bundled: false,
    }
    .cleaned()
}

fn load(app: &mut App, instance: Instance, entry: CatalogEntry) -> Vec<Effect> {
    let attempt = app.new_attempt();
    let effect = Effect::LoadSpec {
        attempt,
        platform: app.platform(),
        entry: entry.clone(),
    };
    let Some(view) = app.instances.as_mut() else {
        return vec![];
    };
    view.new_from = Some(FormLoad {
        attempt,
        instance,
        entry,
        failed: None,
    });
    app.notice = None;
    vec![effect]
}

/// Enter after a failed fetch: the same instance, asked again.
pub fn retry(app: &mut App) -> Vec<Effect> {
    let Some(view) = app.instances.as_mut() else {
        return vec![];
    };
    match view.new_from.take() {
        Some(l) if l.failed.is_some() => load(app, l.instance, l.entry),
        other => {
            view.new_from = other;
            vec![]
        }
    }
}

/// Esc while the form loads or after it failed: the list as it is, and an
/// answer still on its way is not waited for.
pub fn cancel(app: &mut App) -> Vec<Effect> {
    let Some(l) = app.instances.as_mut().and_then(|v| v.new_from.take()) else {
        return vec![];
    };
    app.notice = Some(Notice::info(format!(
        "No new instance like \"{}\" was started",
        l.instance.name
    )));
    if l.failed.is_some() {
        return vec![];
    }
    vec![Effect::Cancel { attempt: l.attempt }]
}

/// Whether the element metadata of `attempt` is this view's to take.
pub fn awaits(app: &App, attempt: u64) -> bool {
    app.instances
        .as_ref()
        .and_then(|v| v.new_from.as_ref())
        .is_some_and(|l| l.attempt == attempt)
}

/// The element's metadata arrived, or could not be had. An answer to an
/// attempt given up on (Esc, another try) is dropped.
pub fn spec_loaded(app: &mut App, attempt: u64, result: Result<Box<ElementSpec>, ErrorReport>) {
    if app.step != Step::Instances {
        return;
    }
    let Some(view) = app.instances.as_mut() else {
        return;
    };
    let Some(load) = view.new_from.as_mut().filter(|l| l.attempt == attempt) else {
        return;
    };
    match result {
        Ok(spec) => {
            if let Some(load) = view.new_from.take() {
                open_form(app, *spec, &load.instance);
            }
        }
        Err(report) => load.failed = Some(Box::new(report)),
    }
}

/// Configure on a new form for `spec`'s element, filled from `i`.
fn open_form(app: &mut App, spec: ElementSpec, i: &Instance) {
    let key = spec.key.clone();
    let name = fresh_name(app, i);
    let ctx = app.derive_context();
    let mut form = prefilled(&key, form_fields(&spec), i, &name, &ctx);
    form.back_to = Step::Instances;
    let secrets = form.fields.iter().filter(|f| f.is_secret()).count();
    app.specs.entry(key.clone()).or_insert(spec);
    // A new form replaces one this run had for the element: the person
    // asked for this instance's settings.
    app.forms.insert(key.clone(), form);
    app.element = Some(key);
    app.step = Step::Configure;
    app.notice = Some(Notice::info(if secrets == 0 {
        format!("A new instance like \"{}\"", i.name)
    } else {
        format!(
            "A new instance like \"{}\": its settings are filled in, its secrets left empty",
            i.name
        )
    }));
}
