//! Walking an element's fields: which rows a form has, in which order, which
//! of them a `when` condition hides, and moving between them. The wizard
//! draws these rows; `create` asks for and checks the fields in the same
//! order.

use crate::catalog::{self, ElementSpec, FieldSpec};
use crate::form::{self, FormValues};

/// A row of an element's form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum FormItem {
    Field(String),
    /// The fold that shows or hides the advanced settings.
    Advanced,
    Name,
    Tags,
}

/// The fields a form asks for: the element's own, then the common settings
/// every element accepts (advanced) that the element neither declares nor
/// leaves out on purpose.
pub fn form_fields(spec: &ElementSpec) -> Vec<FieldSpec> {
    catalog::form_fields(spec)
}

/// The rows in screen order: the element's own fields, the fold, the
/// advanced fields when unfolded, then name and tags. Fields whose `when`
/// condition is off are left out.
pub fn items(fields: &[FieldSpec], values: &FormValues, advanced_open: bool) -> Vec<FormItem> {
    let active = |f: &&FieldSpec| form::is_active(f, values);
    let mut items: Vec<FormItem> = fields
        .iter()
        .filter(|f| !f.advanced)
        .filter(active)
        .map(|f| FormItem::Field(f.key.clone()))
        .collect();
    if fields.iter().any(|f| f.advanced) {
        items.push(FormItem::Advanced);
        if advanced_open {
            items.extend(
                fields
                    .iter()
                    .filter(|f| f.advanced)
                    .filter(active)
                    .map(|f| FormItem::Field(f.key.clone())),
            );
        }
    }
    items.extend([FormItem::Name, FormItem::Tags]);
    items
}

/// Every field in screen order with the fold open, in force or not: the
/// element's own fields, then the advanced ones.
pub fn in_screen_order(fields: &[FieldSpec]) -> impl Iterator<Item = &FieldSpec> {
    let own = fields.iter().filter(|f| !f.advanced);
    own.chain(fields.iter().filter(|f| f.advanced))
}

/// The fields in force, in screen order with the fold open: the order in
/// which `create` checks and asks for them.
pub fn active_fields<'a>(fields: &'a [FieldSpec], values: &FormValues) -> Vec<&'a FieldSpec> {
    in_screen_order(fields)
        .filter(|f| form::is_active(f, values))
        .collect()
}

/// How many advanced fields are in force (the fold's count).
pub fn advanced_count(fields: &[FieldSpec], values: &FormValues) -> usize {
    fields
        .iter()
        .filter(|f| f.advanced && form::is_active(f, values))
        .count()
}

/// Where focus starts: the first field that is not advanced, else the name.
/// A sign-in choice that holds its default is passed over, to the first
/// field of that default kind: the usual way in starts typing at once, and
/// the choice is one row up.
pub fn first_focus(fields: &[FieldSpec]) -> FormItem {
    let own = || fields.iter().filter(|f| !f.advanced);
    let default_kind = fields
        .iter()
        .find(|f| f.key == catalog::AUTH_TYPE_KEY && f.kind.entry() == catalog::Entry::Pick)
        .and_then(|f| f.default.as_deref());
    let of_default_kind = |f: &&FieldSpec| match default_kind {
        None => true,
        Some(kind) => {
            f.key != catalog::AUTH_TYPE_KEY
                && f.condition().is_none_or(|(k, v)| {
                    k != catalog::AUTH_TYPE_KEY || v.eq_ignore_ascii_case(kind)
                })
        }
    };
    own()
        .find(of_default_kind)
        .or_else(|| own().next())
        .map_or(FormItem::Name, |f| FormItem::Field(f.key.clone()))
}

/// The row after `current`; `None` on the last one. A row no longer shown
/// counts as the first.
pub fn next<'a>(items: &'a [FormItem], current: &FormItem) -> Option<&'a FormItem> {
    items.get(position(items, current) + 1)
}

/// The row before `current`; the first row stays where it is.
pub fn previous<'a>(items: &'a [FormItem], current: &FormItem) -> &'a FormItem {
    &items[position(items, current).saturating_sub(1)]
}

/// Whether `current` is the last row.
pub fn is_last(items: &[FormItem], current: &FormItem) -> bool {
    items.last() == Some(current)
}

/// Where focus goes when its row is no longer shown (a `when` condition hid
/// it): the fold if there is one, else the first row.
pub fn settle(items: &[FormItem], focus: &FormItem) -> FormItem {
    if items.contains(focus) {
        focus.clone()
    } else if items.contains(&FormItem::Advanced) {
        FormItem::Advanced
    } else {
        items[0].clone()
    }
}

fn position(items: &[FormItem], current: &FormItem) -> usize {
    items.iter().position(|i| i == current).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundled_spec;

    fn keys(items: &[FormItem]) -> Vec<String> {
        items
            .iter()
            .map(|i| match i {
                FormItem::Field(k) => k.clone(),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn the_fold_hides_the_common_settings_until_opened() {
        let fields = form_fields(bundled_spec("bigcommerce").unwrap());
        let values = FormValues::new();
        let folded = items(&fields, &values, false);
        assert_eq!(
            keys(&folded),
            [
                "store.url",
                "username",
                "password",
                "Advanced",
                "Name",
                "Tags"
            ]
        );
        let open = items(&fields, &values, true);
        let k = keys(&open);
        assert_eq!(&k[..4], ["store.url", "username", "password", "Advanced"]);
        assert!(
            k.contains(&"event.notification.enabled".to_string()),
            "{k:?}"
        );
        assert_eq!(&k[k.len() - 2..], ["Name", "Tags"]);
    }

    #[test]
    fn fields_hidden_by_a_condition_are_skipped() {
        let fields = form_fields(bundled_spec("bigcommerce").unwrap());
        let mut values = FormValues::new();
        let off = active_fields(&fields, &values);
        assert!(!off
            .iter()
            .any(|f| f.key == "event.notification.callback.url"));
        values.set("event.notification.enabled", "true");
        let on = active_fields(&fields, &values);
        assert!(on
            .iter()
            .any(|f| f.key == "event.notification.callback.url"));
        assert_eq!(
            advanced_count(&fields, &values),
            on.iter().filter(|f| f.advanced).count()
        );
    }

    #[test]
    fn moves_stop_at_the_ends_and_settle_on_the_fold() {
        let fields = form_fields(bundled_spec("bigcommerce").unwrap());
        let rows = items(&fields, &FormValues::new(), false);
        let first = first_focus(&fields);
        assert_eq!(first, FormItem::Field("store.url".into()));
        assert_eq!(previous(&rows, &first), &first);
        assert_eq!(
            next(&rows, &first),
            Some(&FormItem::Field("username".into()))
        );
        assert_eq!(previous(&rows, &FormItem::Name), &FormItem::Advanced);
        assert_eq!(next(&rows, &FormItem::Tags), None);
        assert!(is_last(&rows, &FormItem::Tags));
        let hidden = FormItem::Field("event.vendor.type".into());
        assert_eq!(settle(&rows, &hidden), FormItem::Advanced);
        assert_eq!(settle(&rows, &FormItem::Name), FormItem::Name);
        let no_fold = [FormItem::Name, FormItem::Tags];
        assert_eq!(settle(&no_fold, &hidden), FormItem::Name);
    }
}
