//! Playing the person's browser against the sandbox's consent page.

/// Loads the consent page, presses `decision` ("allow" or "deny"), and
/// follows the provider's redirect into the wizard's listener. Returns the
/// status of the result page the browser ends on.
pub async fn consent_and_return(authorize_url: &str, decision: &str) -> u16 {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap();
    let page = http.get(authorize_url).send().await.unwrap();
    assert_eq!(page.status(), 200, "the consent page loads");
    let url = url::Url::parse(authorize_url).unwrap();
    let get = |k: &str| {
        url.query_pairs()
            .find(|(a, _)| a == k)
            .map(|(_, b)| b.into_owned())
            .unwrap_or_else(|| panic!("{k} in {authorize_url}"))
    };
    let mut decision_url = url.clone();
    decision_url.set_path("/provider/oauth/decision");
    decision_url
        .query_pairs_mut()
        .clear()
        .append_pair("client_id", &get("client_id"))
        .append_pair("redirect_uri", &get("redirect_uri"))
        .append_pair("state", &get("state"))
        .append_pair("decision", decision);
    let resp = http.get(decision_url).send().await.unwrap();
    assert_eq!(resp.status(), 302, "the provider redirects");
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    // The listener answers with a redirect to its result page; follow it as
    // a browser does.
    let browser = reqwest::Client::builder().no_proxy().build().unwrap();
    browser
        .get(&location)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}
