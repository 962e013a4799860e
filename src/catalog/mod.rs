//! Element specs: the bundled ones under `assets/elements/`, compiled into the
//! binary, and the settings common to every element (`assets/common.toml`);
//! the live catalog of the platform and its cache; and specs built from an
//! element's configuration metadata when no bundled one exists, or when
//! the platform signs an element in another way than its bundled spec says;
//! and the fuzzy filter that finds an element in it ([`picker`]). The field
//! kinds, and what each kind is, are in `kind`.

mod cache;
mod entry;
pub mod kind;
mod live;
pub mod metadata;
mod model;
pub mod picker;
pub mod signin;
mod spec;

pub use cache::{
    cache_dir, cache_path, load_cached, CachedCatalog, CACHE_DIR_ENV, FRESH_FOR, MAX_AGE,
};
pub use kind::{Entry, FieldKind};
pub use live::{element_spec, fetch, lookup, parse_elements, refresh, Lookup};
pub use metadata::{merge_with_bundled, spec_from_metadata};
pub use model::{
    edit_distance, Catalog, CatalogEntry, Origin, MAX_DESCRIPTION_BYTES, MAX_NAME_CHARS,
};
pub use spec::{AuthKind, ElementSpec, FieldSpec, AUTH_TYPE_KEY};

use include_dir::{include_dir, Dir};
use serde::Deserialize;
use std::sync::OnceLock;

static ELEMENTS_DIR: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/assets/elements");
static COMMON_TOML: &str = include_str!("../../assets/common.toml");

#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
}

/// Parses and checks one spec file; `file` names it in errors.
pub fn parse_spec(file: &str, text: &str) -> Result<ElementSpec, SpecError> {
    let invalid = |message: String| SpecError::Invalid {
        file: file.to_string(),
        message,
    };
    let spec: ElementSpec = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
    check_spec(&spec).map_err(invalid)?;
    Ok(spec)
}

/// Rules a spec must follow beyond its shape, so a broken asset fails a test
/// instead of a person's form.
pub fn check_spec(spec: &ElementSpec) -> Result<(), String> {
    if spec.key.trim().is_empty() {
        return Err("the element key is empty".into());
    }
    // Ctrl-O opens it: a spec names nothing the browser check would refuse.
    if let Some(url) = &spec.docs_url {
        crate::oauth::check_authorization_url(url)
            .map_err(|refused| format!("docs_url: {}", refused.why))?;
    }
    let mut seen = std::collections::HashSet::new();
    for f in &spec.fields {
        if !seen.insert(f.key.as_str()) {
            return Err(format!("field `{}` is declared twice", f.key));
        }
        if f.kind.entry() == Entry::Pick && f.choices.is_empty() {
            return Err(format!("choice field `{}` lists no choices", f.key));
        }
        if let Some(d) = &f.default {
            if f.kind.entry() == Entry::Toggle && d != "true" && d != "false" {
                return Err(format!("boolean field `{}` has default `{d}`", f.key));
            }
        }
    }
    // The sign-in choice decides the flow: every choice must be a kind the
    // wizard runs, and the spec's own kind (the default) one of them.
    if let Some(f) = spec.field(AUTH_TYPE_KEY) {
        let kinds: Option<Vec<AuthKind>> = f.choices.iter().map(|c| AuthKind::known(c)).collect();
        let fits = f.kind.entry() == Entry::Pick
            && kinds.is_some_and(|k| k.contains(&spec.auth))
            && f.default.as_deref().and_then(AuthKind::known) == Some(spec.auth);
        if !fits {
            return Err(format!(
                "`{AUTH_TYPE_KEY}` must be a choice of sign-in kinds (oauth2, oauth1, basic, custom) whose default is the spec's auth `{}`",
                spec.auth.platform_name()
            ));
        }
    }
    for (name, key) in &spec.oauth_params {
        crate::oauth::params::check_param(name, "").map_err(|e| format!("oauth_params: {e}"))?;
        match spec.field(key) {
            None => {
                return Err(format!(
                    "oauth_params: {name} takes the value of `{key}`, which is not a field"
                ))
            }
            // The OAuth calls' query ends up in URLs and logs.
            Some(f) if f.is_secret() => {
                return Err(format!(
                    "oauth_params: {name} would put the secret `{key}` in a URL"
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// The specs bundled with the binary, sorted by name.
pub fn bundled() -> &'static [ElementSpec] {
    static SPECS: OnceLock<Vec<ElementSpec>> = OnceLock::new();
    SPECS.get_or_init(|| {
        let mut specs: Vec<ElementSpec> = ELEMENTS_DIR
            .files()
            .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
            .filter_map(|f| {
                let name = f.path().display().to_string();
                let text = f.contents_utf8().unwrap_or_default();
                // A bundled spec that does not parse is a build defect that the
                // unit tests catch; at run time it is left out rather than
                // taking the whole wizard down.
                parse_spec(&name, text).ok().map(|mut s| {
                    s.bundled = true;
                    s
                })
            })
            .collect();
        specs.sort_by_key(|s| s.name.to_lowercase());
        specs
    })
}

pub fn bundled_spec(key: &str) -> Option<&'static ElementSpec> {
    bundled().iter().find(|s| s.key.eq_ignore_ascii_case(key))
}

/// The optional settings every element accepts, marked advanced.
pub fn common_fields() -> &'static [FieldSpec] {
    static FIELDS: OnceLock<Vec<FieldSpec>> = OnceLock::new();
    FIELDS.get_or_init(|| {
        #[derive(Deserialize)]
        struct Common {
            fields: Vec<FieldSpec>,
        }
        let common: Common = toml::from_str(COMMON_TOML).unwrap_or(Common { fields: vec![] });
        common
            .fields
            .into_iter()
            .map(|mut f| {
                f.advanced = true;
                f
            })
            .collect()
    })
}

/// Every field of a form for this element: its own, then the common ones it
/// neither declares itself nor leaves to the platform.
pub fn form_fields(spec: &ElementSpec) -> Vec<FieldSpec> {
    let mut fields = spec.fields.clone();
    for c in common_fields() {
        if spec.field(&c.key).is_none() && !spec.unasked.contains(&c.key) {
            fields.push(c.clone());
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_file_parses() {
        let files: Vec<_> = ELEMENTS_DIR.files().collect();
        assert_eq!(files.len(), bundled().len(), "a spec file failed to parse");
        for f in files {
            let name = f.path().display().to_string();
            parse_spec(&name, f.contents_utf8().unwrap()).unwrap();
        }
    }

    #[test]
    fn common_settings_load_and_are_advanced() {
        let keys: Vec<_> = common_fields().iter().map(|f| f.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "event.notification.enabled",
                "event.vendor.type",
                "event.notification.callback.url",
                "event.poller.refresh_interval",
                "filter.response.nulls"
            ]
        );
        assert!(common_fields().iter().all(|f| f.advanced && !f.required));
    }

    #[test]
    fn broken_specs_are_refused_with_the_file_named() {
        let params = "key = 'x'\nname = 'X'\nauth = 'oauth2'\n\
                      [[fields]]\nkey = 'k'\nlabel = 'K'\nkind = 'secret'\n\
                      [oauth_params]\n";
        for (table, says) in [
            ("siteAddress = 'nope'", "not a field"),
            ("secretThing = 'k'", "secret"),
            ("state = 'k'", "set by ce-wizard"),
        ] {
            let err = parse_spec("p.toml", &format!("{params}{table}\n"))
                .unwrap_err()
                .to_string();
            assert!(err.contains(says), "{table}: {err}");
        }
        let err = parse_spec("x.toml", "key = 'x'\nname = 'X'\nauth = 'magic'").unwrap_err();
        assert!(err.to_string().starts_with("x.toml:"), "{err}");
        let dup = "key='x'\nname='X'\nauth='basic'\n[[fields]]\nkey='a'\nlabel='A'\nkind='text'\n[[fields]]\nkey='a'\nlabel='A'\nkind='text'";
        assert!(parse_spec("d.toml", dup)
            .unwrap_err()
            .to_string()
            .contains("twice"));
        let choice =
            "key='x'\nname='X'\nauth='basic'\n[[fields]]\nkey='a'\nlabel='A'\nkind='choice'";
        assert!(parse_spec("c.toml", choice).is_err());
        for kinds in [
            "kind='text'\ndefault='custom'",
            "kind='choice'\nchoices=['custom','magic']\ndefault='custom'",
            "kind='choice'\nchoices=['custom','oauth2']\ndefault='oauth2'",
            "kind='choice'\nchoices=['oauth2']\ndefault='oauth2'",
        ] {
            let spec = format!(
                "key='x'\nname='X'\nauth='custom'\n[[fields]]\nkey='authentication.type'\nlabel='K'\n{kinds}"
            );
            let err = parse_spec("k.toml", &spec).unwrap_err().to_string();
            assert!(err.contains("sign-in kinds"), "{kinds}: {err}");
        }
        for docs in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,x",
            "https://docs.example/\\u001b[2J",
        ] {
            let spec = format!("key='x'\nname='X'\nauth='basic'\ndocs_url=\"{docs}\"");
            let err = parse_spec("u.toml", &spec).unwrap_err().to_string();
            assert!(err.contains("docs_url"), "{docs}: {err}");
            assert!(!crate::sanitize::has_unsafe(&err), "{err:?}");
        }
    }

    #[test]
    fn lookup_is_case_insensitive() {
        assert_eq!(bundled_spec("BigCommerce").unwrap().key, "bigcommerce");
        assert!(bundled_spec("nope").is_none());
    }
}
