//! The Configure step's form for one element: its inputs, focus, the
//! advanced fold, derived values and errors.

use super::control::control;
use crate::catalog::FieldSpec;
use crate::flow::{fields, request};
use crate::form::{self, DeriveContext, FormValues};
use crate::tui::step::Step;
use crate::tui::widgets::{EditOp, TextField};
use std::collections::{BTreeMap, BTreeSet};

pub use crate::flow::fields::FormItem;

#[derive(Debug, Clone, PartialEq)]
pub struct FormState {
    pub element_key: String,
    pub fields: Vec<FieldSpec>,
    /// One input per field, whatever its kind: booleans hold "true"/"false"
    /// and choices one of their values.
    pub inputs: BTreeMap<String, TextField>,
    pub name: TextField,
    pub tags: TextField,
    /// Keys the person typed into; derived values stop following then.
    pub edited: BTreeSet<String>,
    pub advanced_open: bool,
    pub focus: FormItem,
    pub errors: BTreeMap<FormItem, String>,
    /// Values that pass but are not of the shape the element's docs
    /// describe: shown beside the field, never blocking. Found when the
    /// person leaves a field, cleared when they edit it.
    pub warnings: BTreeMap<FormItem, String>,
    /// Keys the platform said were missing on the last attempt.
    pub platform_missing: BTreeSet<String>,
    /// Secret fields shown in clear.
    pub revealed: BTreeSet<String>,
    /// Where Esc on the form's first field goes: the Element step, or the
    /// Instances view for a form started there ("new from this").
    pub back_to: Step,
}

impl FormState {
    pub fn new(element_key: &str, fields: Vec<FieldSpec>, name: &str, ctx: &DeriveContext) -> Self {
        // Defaults are filled once, here: re-filling them on every change
        // would put a cleared default back while the person edits it.
        let inputs = fields
            .iter()
            .map(|f| {
                (
                    f.key.clone(),
                    TextField::new(f.default.as_deref().unwrap_or("")),
                )
            })
            .collect();
        let first = fields::first_focus(&fields);
        let mut s = FormState {
            element_key: element_key.to_string(),
            fields,
            inputs,
            name: TextField::new(name),
            tags: TextField::default(),
            edited: BTreeSet::new(),
            advanced_open: false,
            focus: first,
            errors: BTreeMap::new(),
            warnings: BTreeMap::new(),
            platform_missing: BTreeSet::new(),
            revealed: BTreeSet::new(),
            back_to: Step::Element,
        };
        s.refresh_derived(ctx);
        s
    }

    pub fn field(&self, key: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.key == key)
    }

    pub fn values(&self) -> FormValues {
        self.inputs
            .iter()
            .map(|(k, v)| (k.clone(), v.value().to_string()))
            .collect()
    }

    pub fn value(&self, key: &str) -> &str {
        self.inputs.get(key).map_or("", TextField::value)
    }

    /// Tags as sent: comma separated, trimmed, empty ones dropped.
    pub fn tag_list(&self) -> Vec<String> {
        request::tag_list(self.tags.value())
    }

    /// Re-applies derived values after any change (every key is present in
    /// `values()`, so defaults are not re-applied).
    pub fn refresh_derived(&mut self, ctx: &DeriveContext) {
        let mut values = self.values();
        let edited = self.edited.clone();
        form::apply_defaults_and_derived(&self.fields, &mut values, &|k| edited.contains(k), ctx);
        for f in &self.fields {
            let wanted = values.get(&f.key);
            let input = self.inputs.entry(f.key.clone()).or_default();
            if input.value() != wanted {
                input.set(wanted);
            }
        }
    }

    pub fn advanced_count(&self) -> usize {
        fields::advanced_count(&self.fields, &self.values())
    }

    /// Focusable rows in screen order (see [`fields::items`]).
    pub fn items(&self) -> Vec<FormItem> {
        fields::items(&self.fields, &self.values(), self.advanced_open)
    }

    pub fn focused_field(&self) -> Option<&FieldSpec> {
        match &self.focus {
            FormItem::Field(k) => self.field(k),
            _ => None,
        }
    }

    /// Whether the focused row takes typed text.
    pub fn focus_is_text(&self) -> bool {
        match &self.focus {
            FormItem::Field(k) => self.field(k).is_some_and(|f| control(f.kind).is_text()),
            FormItem::Advanced => false,
            FormItem::Name | FormItem::Tags => true,
        }
    }

    pub fn input(&self, item: &FormItem) -> Option<&TextField> {
        match item {
            FormItem::Field(k) => self.inputs.get(k),
            FormItem::Name => Some(&self.name),
            FormItem::Tags => Some(&self.tags),
            FormItem::Advanced => None,
        }
    }

    /// Applies an edit to the focused text input.
    pub fn edit(&mut self, op: &EditOp, ctx: &DeriveContext) -> bool {
        let focus = self.focus.clone();
        let changed = match &focus {
            FormItem::Field(k) => self.inputs.get_mut(k).is_some_and(|i| i.apply(op)),
            FormItem::Name => self.name.apply(op),
            FormItem::Tags => self.tags.apply(op),
            FormItem::Advanced => false,
        };
        if changed {
            self.after_change(&focus, ctx);
        }
        changed
    }

    pub fn paste(&mut self, text: &str, ctx: &DeriveContext) -> bool {
        if !self.focus_is_text() {
            return false;
        }
        let focus = self.focus.clone();
        match &focus {
            FormItem::Field(k) => self.inputs.entry(k.clone()).or_default().insert_str(text),
            FormItem::Name => self.name.insert_str(text),
            FormItem::Tags => self.tags.insert_str(text),
            FormItem::Advanced => return false,
        }
        self.after_change(&focus, ctx);
        true
    }

    /// Sets a boolean or choice value from a toggle or selector key.
    pub fn set_choice(&mut self, key: &str, value: &str, ctx: &DeriveContext) {
        if let Some(i) = self.inputs.get_mut(key) {
            i.set(value);
        }
        self.after_change(&FormItem::Field(key.to_string()), ctx);
    }

    fn after_change(&mut self, item: &FormItem, ctx: &DeriveContext) {
        self.errors.remove(item);
        self.warnings.remove(item);
        if let FormItem::Field(k) = item {
            self.platform_missing.remove(k);
            // Clearing a derived field hands it back to its template.
            if self.inputs.get(k).is_some_and(TextField::is_empty) {
                self.edited.remove(k);
            } else {
                self.edited.insert(k.clone());
            }
        }
        self.refresh_derived(ctx);
    }

    /// The error of one row, if its value is not acceptable.
    pub fn check_item(&self, item: &FormItem) -> Option<String> {
        match item {
            FormItem::Field(k) => {
                let f = self.field(k)?;
                let values = self.values();
                if !form::is_active(f, &values) {
                    return None;
                }
                form::validate_field(f, values.get(k))
            }
            FormItem::Name => form::validate_name(self.name.value()),
            FormItem::Tags => form::validate_tags(&self.tag_list()),
            FormItem::Advanced => None,
        }
    }

    /// The address the focused URL field most likely means when it was
    /// typed without its scheme (`https://shop.example.com`).
    pub fn suggestion(&self) -> Option<String> {
        let f = self.focused_field()?;
        form::suggested_url(f, self.value(&f.key))
    }

    /// Takes the focused field's suggestion as its value; whether there
    /// was one.
    pub fn accept_suggestion(&mut self, ctx: &DeriveContext) -> bool {
        let (Some(s), FormItem::Field(k)) = (self.suggestion(), self.focus.clone()) else {
            return false;
        };
        if let Some(i) = self.inputs.get_mut(&k) {
            i.set(&s);
        }
        self.after_change(&FormItem::Field(k), ctx);
        true
    }

    /// Notes (or forgets) the shape warning of one row, as it is left.
    pub fn note_warning(&mut self, item: &FormItem) {
        let warning = match item {
            FormItem::Field(k) => self.field(k).and_then(|f| {
                let values = self.values();
                form::is_active(f, &values)
                    .then(|| form::shape_warning(f, values.get(k)))
                    .flatten()
            }),
            _ => None,
        };
        match warning {
            Some(w) => self.warnings.insert(item.clone(), w),
            None => self.warnings.remove(item),
        };
    }

    /// Every shape warning of the form, noted beside its field; returned in
    /// screen order.
    pub fn note_all_warnings(&mut self) -> Vec<String> {
        let found = form::shape_warnings(&self.fields, &self.values());
        self.warnings = found
            .iter()
            .map(|w| (FormItem::Field(w.key.clone()), w.message.clone()))
            .collect();
        found.into_iter().map(|w| w.message).collect()
    }

    /// Every error, in screen order (advanced ones included even when folded).
    pub fn check_all(&self) -> Vec<(FormItem, String)> {
        let values = self.values();
        let mut out: Vec<(FormItem, String)> = form::validate(&self.fields, &values)
            .into_iter()
            .map(|e| (FormItem::Field(e.key), e.message))
            .collect();
        // validate() follows spec order, where advanced fields come last
        // already; name and tags follow them on screen too.
        for item in [FormItem::Name, FormItem::Tags] {
            if let Some(e) = self.check_item(&item) {
                out.push((item, e));
            }
        }
        out
    }

    /// Trims surrounding spaces everywhere; returns the labels changed.
    pub fn trim(&mut self) -> Vec<String> {
        let mut values = self.values();
        let mut changed = form::trim_values(&self.fields, &mut values);
        for (k, input) in self.inputs.iter_mut() {
            let v = values.get(k);
            if input.value() != v {
                input.set(v);
            }
        }
        let name = self.name.value().trim().to_string();
        if name != self.name.value() {
            self.name.set(&name);
            changed.push("Instance name".into());
        }
        changed
    }

    /// Marks fields the platform reported missing, unfolding the advanced
    /// group if one of them is there, and focuses the first.
    pub fn mark_missing(&mut self, keys: &[String]) {
        for k in keys {
            if self.field(k).is_some_and(|f| f.advanced) {
                self.advanced_open = true;
            }
            let label = self
                .field(k)
                .map_or(k.as_str(), |f| f.label.as_str())
                .to_string();
            self.platform_missing.insert(k.clone());
            if self.field(k).is_some() {
                self.errors.insert(
                    FormItem::Field(k.clone()),
                    format!("The platform says {label} ({k}) is missing"),
                );
            }
        }
        if let Some(first) = keys.iter().find(|k| self.field(k).is_some()) {
            self.focus_item(FormItem::Field(first.clone()));
        }
    }

    /// Moves focus to a row, unfolding the advanced group when needed.
    pub fn focus_item(&mut self, item: FormItem) {
        if let FormItem::Field(k) = &item {
            if self.field(k).is_some_and(|f| f.advanced) {
                self.advanced_open = true;
            }
        }
        self.focus = item;
    }

    /// Keeps focus on a row that still exists (a `when` condition may have
    /// hidden the focused one).
    pub fn settle_focus(&mut self) {
        self.focus = fields::settle(&self.items(), &self.focus);
    }

    pub fn is_last(&self, item: &FormItem) -> bool {
        fields::is_last(&self.items(), item)
    }
}
