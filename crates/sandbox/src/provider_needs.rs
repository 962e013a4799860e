//! What some providers need beyond plain OAuth, as the platform's element
//! pages describe them.
//!
//! - Shopify signs a person in to one shop: `GET /elements/shopify/oauth/url`
//!   takes it as `siteAddress`, and the instance names it in
//!   `shopify.site.address` (devportal `docs/elements/shopify/authenticate.md`).
//!   Without it there is no shop to send the browser to, so the request is
//!   refused; a code granted for one shop does not open another.
//! - QuickBooks' redirect names the company (`realmId`) and the data source
//!   (`dataSource`), and the platform needs both in `providerData`
//!   (devportal `docs/elements/quickbooksonline/authenticate.md`).

use crate::http::{random_bytes, Request, Response};

/// One element's needs; none for most.
#[derive(Debug, Clone, Copy, Default)]
pub struct Needs {
    /// The query parameter naming the site the person signs in to, and the
    /// setting of the instance that must name the same site.
    pub site: Option<(&'static str, &'static str)>,
    /// Values the provider adds to its redirect, which `POST /instances`
    /// must carry back in `providerData`.
    pub redirect_values: &'static [&'static str],
}

pub fn of(element_key: &str) -> Needs {
    match element_key {
        "shopify" => Needs {
            site: Some(("siteAddress", "shopify.site.address")),
            ..Needs::default()
        },
        "quickbooks" => Needs {
            redirect_values: &["realmId", "dataSource"],
            ..Needs::default()
        },
        _ => Needs::default(),
    }
}

impl Needs {
    /// The site a request names, or the refusal for a request without one.
    pub fn site_of(&self, key: &str, req: &Request) -> Result<Option<String>, Response> {
        let Some((param, setting)) = self.site else {
            return Ok(None);
        };
        match req.param(param) {
            Some(site) => Ok(Some(site.trim().to_string())),
            None => Err(Response::error(
                400,
                format!(
                    "Missing query parameter(s): {param}. '{key}' signs in to one site: pass its address as {param} (the value of {setting})"
                ),
            )),
        }
    }

    /// Fresh values for one redirect: a company id of digits, and the data
    /// source the platform's page shows.
    pub fn fresh_redirect_values(&self) -> Vec<(String, String)> {
        self.redirect_values
            .iter()
            .map(|name| {
                let value = match *name {
                    "dataSource" => "QBO".to_string(),
                    _ => random_bytes::<8>()
                        .iter()
                        .map(|b| char::from(b'0' + b % 10))
                        .collect(),
                };
                (name.to_string(), value)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_documented_elements_need_more() {
        assert_eq!(
            of("shopify").site,
            Some(("siteAddress", "shopify.site.address"))
        );
        assert!(of("shopify").redirect_values.is_empty());
        assert_eq!(of("quickbooks").redirect_values, ["realmId", "dataSource"]);
        assert!(of("quickbooks").site.is_none());
        let plain = of("kestrelsocial");
        assert!(plain.site.is_none() && plain.redirect_values.is_empty());
        assert!(plain.fresh_redirect_values().is_empty());
    }

    #[test]
    fn each_redirect_names_a_company_of_digits_and_the_data_source() {
        let values = of("quickbooks").fresh_redirect_values();
        assert_eq!(values.len(), 2);
        let (realm, source) = (&values[0], &values[1]);
        assert_eq!(realm.0, "realmId");
        assert!(realm.1.len() == 8 && realm.1.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(source, &("dataSource".to_string(), "QBO".to_string()));
    }
}
