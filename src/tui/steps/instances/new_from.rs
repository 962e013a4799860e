//! "New from this": the Configure step opened on a new form for the
//! instance's element, filled from the instance's stored settings, with
//! its secrets left empty (the platform never gives them back, and a copy
//! of another instance's secret is rarely what a new instance wants) and
//! a fresh name.

use crate::api::Instance;
use crate::catalog::form_fields;
use crate::flow::reauth::looks_masked;
use crate::form::DeriveContext;
use crate::tui::app::{App, FormState, Notice, Step};

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
    let stored = |key: &str| i.configuration_value(key).filter(|v| !looks_masked(v));
    // Plain fields first, so that values derived from them follow.
    for pass_derived in [false, true] {
        let keys: Vec<String> = form
            .fields
            .iter()
            .filter(|f| !f.is_secret() && f.derive.is_some() == pass_derived)
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
            if form.value(&key) == value {
                continue;
            }
            if let Some(input) = form.inputs.get_mut(&key) {
                input.set(value);
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

/// Ctrl-B in the list.
pub fn open(app: &mut App) {
    let Some(i) = app
        .instances
        .as_ref()
        .and_then(|v| v.selected())
        .and_then(super::Listed::instance)
    else {
        return;
    };
    let Some(spec) = app.known_spec(&i.element_key).cloned() else {
        app.notice = Some(Notice::error(format!(
            "The form of {} is not known yet: choose it once on the Element step, then come back",
            i.element_key
        )));
        return;
    };
    let key = spec.key.clone();
    let name = fresh_name(app, &i);
    let ctx = app.derive_context();
    let form = prefilled(&key, form_fields(&spec), &i, &name, &ctx);
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
