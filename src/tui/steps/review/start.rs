//! The request the Review step shows and Creating sends, and going to
//! Review.

use crate::api::CreateInstance;
use crate::flow::request::create_request;
use crate::secret::key_looks_secret;
use crate::tui::app::{App, FormState};
use crate::tui::step::Step;

/// Whether a configuration key holds a secret: the spec says so, or, for a
/// key it does not know, the name looks like one.
pub fn is_secret_key(form: &FormState, key: &str) -> bool {
    form.field(key)
        .map_or_else(|| key_looks_secret(key), |f| f.kind.is_hidden())
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
    Some(create_request(
        &form.element_key,
        &form.fields,
        &values,
        form.name.value(),
        form.tag_list(),
        provider_data.filter(|_| app.is_oauth()),
    ))
}

pub fn go_review(app: &mut App) {
    app.step = Step::Review;
    app.review.scroll = 0;
}
