//! The `POST /instances` body, built from a form's values the same way
//! whichever front end filled them.

use crate::api::{CreateInstance, ElementRef};
use crate::catalog::FieldSpec;
use crate::form::{self, FormValues};
use crate::secret::Secret;
use std::collections::BTreeMap;

/// The request for an instance of `element_key`: the configuration the
/// fields in force send, the name without surrounding spaces, the tags, and
/// the grant's `providerData` (OAuth elements only).
pub fn create_request(
    element_key: &str,
    fields: &[FieldSpec],
    values: &FormValues,
    name: &str,
    tags: Vec<String>,
    provider_data: Option<BTreeMap<String, Secret>>,
) -> CreateInstance {
    CreateInstance {
        element: ElementRef {
            key: element_key.to_string(),
        },
        configuration: form::configuration(fields, values),
        tags,
        name: name.trim().to_string(),
        provider_data,
        verbatim: Default::default(),
    }
}

/// Tags typed as one line: comma separated, trimmed, empty ones dropped.
pub fn tag_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundled_spec;
    use crate::flow::fields::form_fields;

    #[test]
    fn the_request_carries_what_the_form_holds() {
        let fields = form_fields(bundled_spec("bigcommerce").unwrap());
        let mut values = FormValues::new();
        values.set("store.url", "https://store-abc.mybigcommerce.com/api/v2/");
        values.set("username", "u");
        values.set("password", "p");
        values.set("not.a.field", "x");
        let code = BTreeMap::from([("code".to_string(), Secret::new("c"))]);
        let body = create_request(
            "bigcommerce",
            &fields,
            &values,
            "  shop ",
            tag_list(" a, ,b "),
            Some(code),
        );
        assert_eq!(body.element.key, "bigcommerce");
        assert_eq!(body.name, "shop");
        assert_eq!(body.tags, ["a", "b"]);
        assert_eq!(body.configuration["username"].expose(), "u");
        // The platform judges keys the spec does not know.
        assert_eq!(body.configuration["not.a.field"].expose(), "x");
        assert_eq!(body.provider_data.unwrap()["code"].expose(), "c");
    }
}
