//! The request the Review step shows and Creating sends, and going to
//! Review.

use crate::api::{CreateInstance, ElementRef};
use crate::catalog::FieldKind;
use crate::secret::key_looks_secret;
use crate::tui::app::{App, FormState, Step};

/// Whether a configuration key holds a secret: the spec says so, or, for a
/// key it does not know, the name looks like one.
pub fn is_secret_key(form: &FormState, key: &str) -> bool {
    form.field(key)
        .map_or_else(|| key_looks_secret(key), |f| f.kind == FieldKind::Secret)
}

/// The request the Review step shows and Creating sends.
pub fn request(app: &App) -> Option<CreateInstance> {
    let form = app.form()?;
    let values = form.values();
    let provider_data = app
        .authorize
        .grant
        .as_ref()
        .map(|(grant, _)| grant.provider_data());
    Some(CreateInstance {
        element: ElementRef {
            key: form.element_key.clone(),
        },
        configuration: crate::form::configuration(&form.fields, &values),
        tags: form.tag_list(),
        name: form.name.value().trim().to_string(),
        provider_data: if app.is_oauth() { provider_data } else { None },
    })
}

pub fn go_review(app: &mut App) {
    app.step = Step::Review;
    app.review.scroll = 0;
}
