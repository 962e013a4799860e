//! The curl command copied from Review, made to work when pasted: secret
//! values become shell variables (as the account secrets are), unless the
//! person revealed them.

use crate::api::CreateInstance;
use crate::secret::Secret;

/// The shell variable for one secret value of `element`'s form.
pub fn variable(element: &str, key: &str) -> String {
    format!("{element}_{key}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// What the copy holds, and the variables to set before running it.
pub struct CopiedCurl {
    pub text: String,
    pub variables: Vec<String>,
}

/// Marks a value's place in the single-quoted body; `curl_command` quotes
/// the body whole, and each mark is then swapped for the variable, outside
/// the single quotes so the shell expands it.
fn mark(name: &str) -> String {
    format!("@@ce-wizard-variable:{name}@@")
}

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
    let element = &req.element.key;
    let mut req = req.clone();
    let mut variables = vec![];
    for (key, value) in req.configuration.iter_mut() {
        if is_secret(key) {
            let name = variable(element, key);
            *value = Secret::new(mark(&name));
            variables.push(name);
        }
    }
    if let Some(pd) = req.provider_data.as_mut() {
        for (key, value) in pd.iter_mut() {
            let name = variable(element, key);
            *value = Secret::new(mark(&name));
            variables.push(name);
        }
    }
    let mut text = req.curl_command(base_url, true, &|_| false);
    for name in &variables {
        text = text.replace(&mark(name), &format!("'\"${name}\"'"));
    }
    let mut all = vec!["CE_USER_SECRET".to_string(), "CE_ORG_SECRET".to_string()];
    all.extend(variables);
    CopiedCurl {
        text,
        variables: all,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ElementRef;
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
        }
    }

    /// Runs the copied command's body through a real shell, with the
    /// variables set, and returns what curl would have been given as -d.
    fn body_through_sh(text: &str, vars: &[(&str, &str)]) -> String {
        let script = format!(
            "curl() {{ while [ $# -gt 0 ]; do [ \"$1\" = -d ] && printf %s \"$2\"; shift; done; }}\n{text}"
        );
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .env_clear()
            .envs(vars.iter().copied())
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
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
                "WOOCOMMERCE_OAUTH_API_SECRET"
            ]
        );
        let body = body_through_sh(&c.text, &[("WOOCOMMERCE_OAUTH_API_SECRET", "from-the-env")]);
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["configuration"]["oauth.api.secret"], "from-the-env");
        assert_eq!(v["configuration"]["oauth.api.key"], "ck_1");
    }

    #[test]
    fn revealed_the_copy_holds_the_real_values() {
        let secret = |k: &str| k == "oauth.api.secret";
        let c = copied_curl(&req(), "https://x.example/elements/api-v2", true, &secret);
        assert!(c.variables.is_empty());
        let v: serde_json::Value = serde_json::from_str(&body_through_sh(&c.text, &[])).unwrap();
        assert_eq!(v["configuration"]["oauth.api.secret"], "cs_it's");
    }
}
