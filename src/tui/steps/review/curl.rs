//! The curl command copied from Review, made to work when pasted: secret
//! values become shell variables (as the account secrets are), unless the
//! person revealed them.

use crate::api::CreateInstance;
use crate::flow::curl;

/// What the copy holds, and the variables to set before running it.
pub struct CopiedCurl {
    pub text: String,
    pub variables: Vec<String>,
}

/// Hidden, the copy is `create --dry-run`'s curl: every secret a variable.
pub fn copied_curl(
    req: &CreateInstance,
    base_url: &str,
    reveal: bool,
    is_secret: &dyn Fn(&str) -> bool,
) -> CopiedCurl {
    if reveal {
        return CopiedCurl {
            text: req.curl_command(base_url, true, is_secret),
            variables: vec![],
        };
    }
    let plan = curl::plan(req, base_url, is_secret);
    CopiedCurl {
        text: plan.curl,
        variables: plan.variables,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ElementRef;
    use crate::secret::Secret;
    use std::collections::BTreeMap;

    fn req() -> CreateInstance {
        let mut configuration = BTreeMap::new();
        configuration.insert("oauth.api.key".to_string(), Secret::new("ck_1"));
        configuration.insert("oauth.api.secret".to_string(), Secret::new("cs_it's"));
        CreateInstance {
            element: ElementRef {
                key: "woocommerce".into(),
            },
            configuration,
            tags: vec![],
            name: "shop".into(),
            provider_data: None,
            verbatim: Default::default(),
        }
    }

    #[test]
    fn secrets_become_variables_that_the_shell_fills_in() {
        let secret = |k: &str| k == "oauth.api.secret";
        let c = copied_curl(&req(), "https://x.example/elements/api-v2", false, &secret);
        assert!(!c.text.contains("cs_it"), "{}", c.text);
        assert!(!c.text.contains('•'), "{}", c.text);
        assert_eq!(
            c.variables,
            [
                "CE_USER_SECRET",
                "CE_ORG_SECRET",
                "CE_VALUE_OAUTH_API_SECRET"
            ]
        );
        let body = crate::flow::curl::body_through_sh(
            &c.text,
            &[("CE_VALUE_OAUTH_API_SECRET", "from-the-env")],
        );
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["configuration"]["oauth.api.secret"], "from-the-env");
        assert_eq!(v["configuration"]["oauth.api.key"], "ck_1");
    }

    #[test]
    fn revealed_the_copy_holds_the_real_values() {
        let secret = |k: &str| k == "oauth.api.secret";
        let c = copied_curl(&req(), "https://x.example/elements/api-v2", true, &secret);
        assert!(c.variables.is_empty());
        let v: serde_json::Value =
            serde_json::from_str(&crate::flow::curl::body_through_sh(&c.text, &[])).unwrap();
        assert_eq!(v["configuration"]["oauth.api.secret"], "cs_it's");
    }
}
