//! The sandbox defines the seed elements the way the platform does, not
//! from the client's specs, so a spec made wrong on purpose is caught: the
//! client lets the form through, and the sandbox's 400 names the key the
//! client forgot to ask for.

use ce_wizard::api::{ApiError, Client, CreateInstance, Credentials, ElementRef};
use ce_wizard::catalog::{bundled_spec, form_fields, ElementSpec, FieldSpec};
use ce_wizard::form::{self, DeriveContext, FormValues};
use ce_wizard::sandbox::{Sandbox, SandboxOptions, MISSING_CONFIG_PREFIX};
use ce_wizard::secret::Secret;

/// What a person fills in for BigCommerce when the form does not insist on
/// the API token.
fn filled(spec: &ElementSpec, password: Option<&str>) -> (Vec<FieldSpec>, FormValues) {
    let fields = form_fields(spec);
    let mut values = FormValues::new();
    values.set(
        "store.url",
        "https://store-abc123.mybigcommerce.com/api/v2/",
    );
    values.set("username", "integration");
    if let Some(p) = password {
        values.set("password", p);
    }
    form::apply_defaults_and_derived(&fields, &mut values, &|_| false, &DeriveContext::default());
    (fields, values)
}

/// The body as the client builds it from the form.
fn body(spec: &ElementSpec, fields: &[FieldSpec], values: &FormValues) -> CreateInstance {
    CreateInstance {
        element: ElementRef {
            key: spec.key.clone(),
        },
        configuration: form::configuration(fields, values),
        tags: vec![],
        name: "judged".into(),
        provider_data: None,
        verbatim: Default::default(),
    }
}

fn client(sb: &Sandbox) -> Client {
    Client::new(
        &sb.base_url(),
        Credentials {
            user: Secret::new(sb.user_secret()),
            org: Secret::new(sb.org_secret()),
        },
    )
    .unwrap()
}

#[tokio::test]
async fn a_required_key_marked_optional_is_caught_by_the_sandbox() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    let mut wrong = bundled_spec("bigcommerce").unwrap().clone();
    let password = wrong
        .fields
        .iter_mut()
        .find(|f| f.key == "password")
        .expect("BigCommerce's spec asks for the API token");
    assert!(password.required, "the real spec marks the token required");
    password.required = false;

    // The wrong spec lets the form through without the token...
    let (fields, values) = filled(&wrong, None);
    assert!(form::validate(&fields, &values).is_empty());
    let sent = body(&wrong, &fields, &values);
    assert!(!sent.configuration.contains_key("password"));

    // ...and the sandbox refuses it, naming the key.
    match client(&sb).create_instance(&sent).await {
        Err(ApiError::Status {
            status,
            message,
            missing_keys,
            ..
        }) => {
            assert_eq!(status, 400);
            assert_eq!(message, format!("{MISSING_CONFIG_PREFIX}password"));
            assert_eq!(missing_keys, ["password"]);
        }
        other => panic!("expected the sandbox's 400, got {other:?}"),
    }
    assert!(sb.instances().is_empty());
}

/// The control: with the real spec the client itself stops the empty token,
/// and a filled form is accepted, so the 400 above comes from the flag.
#[tokio::test]
async fn the_real_spec_agrees_with_the_sandbox() {
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    let spec = bundled_spec("bigcommerce").unwrap();
    let (fields, values) = filled(spec, None);
    let errors = form::validate(&fields, &values);
    assert!(errors.iter().any(|e| e.key == "password"), "{errors:?}");

    let (fields, values) = filled(spec, Some("bc-api-token"));
    assert!(form::validate(&fields, &values).is_empty());
    let instance = client(&sb)
        .create_instance(&body(spec, &fields, &values))
        .await
        .expect("the sandbox accepts a complete BigCommerce form");
    assert_eq!(sb.instances().len(), 1);
    assert_eq!(instance.name, "judged");
}
