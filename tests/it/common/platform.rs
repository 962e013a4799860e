//! Talking to the sandbox over plain HTTP, as any client of the platform
//! would: for the tests of the sandbox's own API.

use ce_wizard::sandbox::{Sandbox, SandboxOptions};
use reqwest::{Client, Response};
use std::time::Duration;

pub fn start() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).expect("the sandbox starts")
}

/// Redirects are not followed: the tests read the provider's `Location`.
/// The timeout only keeps a broken sandbox from hanging the suite.
pub fn client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .no_proxy()
        .build()
        .unwrap()
}

/// The platform's `Authorization` header for the sandbox's secrets.
pub fn auth(sb: &Sandbox) -> String {
    format!(
        "User {}, Organization {}",
        sb.user_secret(),
        sb.org_secret()
    )
}

/// `GET` below the API base, authorized.
pub async fn get(sb: &Sandbox, path: &str) -> Response {
    client()
        .get(format!("{}{path}", sb.base_url()))
        .header("Authorization", auth(sb))
        .send()
        .await
        .unwrap()
}
