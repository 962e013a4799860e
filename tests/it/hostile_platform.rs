//! The built binary against a hostile platform: escape sequences, C1
//! controls and bidi overrides in every string it answers, odd OAuth URLs,
//! endless bodies and echoed credentials. Nothing of it may reach the
//! terminal, a browser, a child's environment or the log.

use crate::hostile;

use hostile::*;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

fn bigcommerce_create(base_url: &str, dir: &Path) -> Command {
    let mut c = command(base_url, dir);
    c.args([
        "create",
        "--element",
        "bigcommerce",
        "--name",
        "shop",
        "--set",
        "store.url=https://store-abc.mybigcommerce.com/api/v2/",
        "--set",
        "username=u",
        "--set",
        "password=p",
    ]);
    c
}

fn hostile_catalog() -> String {
    json!([
        {"key": "evil", "name": format!("Evil{HOSTILE}"), "hub": format!("crm{HOSTILE}"),
         "description": format!("line one\n{HOSTILE}line two"), "authentication": {"type": "custom"}},
        {"key": format!("bad{HOSTILE}"), "name": "Bad key"},
        {"key": "long", "name": "N".repeat(100_000), "description": "D".repeat(1_000_000)},
        {"key": "typed", "beta": format!("{HOSTILE}")},
    ])
    .to_string()
}

#[test]
fn the_elements_table_json_and_cache_carry_no_escape_sequences() {
    // "typed" has a wrongly typed field, which makes the whole list
    // undecodable: the error must not quote the value either.
    let server = Server::start(|r| match r.path.as_str() {
        p if p == format!("{API}/elements") => Reply::Json(200, hostile_catalog()),
        _ => Reply::Json(404, "{}".into()),
    });
    let dir = tempfile::tempdir().unwrap();
    let out = run({
        let mut c = command(&server.base_url(), dir.path());
        c.args(["elements", "--refresh"]);
        c
    });
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_terminal_safe("elements with an undecodable list", &out.both());

    let catalog = {
        let mut list: Vec<Value> = serde_json::from_str(&hostile_catalog()).unwrap();
        list.pop();
        Value::Array(list).to_string()
    };
    let server = Server::start(move |r| match r.path.as_str() {
        p if p == format!("{API}/elements") => Reply::Json(200, catalog.clone()),
        _ => Reply::Json(404, "{}".into()),
    });
    for args in [
        &["elements", "--refresh"][..],
        &["elements", "--json", "--refresh"],
        &["elements"],
    ] {
        let out = run({
            let mut c = command(&server.base_url(), dir.path());
            c.args(args);
            c
        });
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert_terminal_safe(&format!("{args:?}"), &out.both());
        assert!(out.stdout.contains("Evil"), "{args:?}: {}", out.stdout);
        assert!(
            !out.stdout.contains("Bad key"),
            "a key with escapes is left out: {}",
            out.stdout
        );
        assert!(
            out.stdout.lines().all(|l| l.chars().count() < 20_000),
            "names and descriptions are bounded"
        );
    }
    let cache = std::fs::read_dir(dir.path().join("cache"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    let text = std::fs::read_to_string(cache.path()).unwrap();
    assert!(
        unsafe_chars(&text).is_empty() && !text.contains("\\u001b"),
        "{text:.300}"
    );
    assert!(
        text.len() < 100_000,
        "the cache is bounded too: {} bytes",
        text.len()
    );
}

#[test]
fn create_s_labels_and_descriptions_are_clean() {
    let server = Server::start(|r| {
        match r.path.as_str() {
        p if p == format!("{API}/elements") => Reply::Json(
            200,
            json!([{"key": "evil", "name": format!("Evil{HOSTILE}"), "authentication": {"type": "custom"}}])
                .to_string(),
        ),
        p if p == format!("{API}/elements/evil/configuration") => Reply::Json(
            200,
            json!([
                {"key": "api.key", "name": format!("API key{HOSTILE}"), "description": format!("help{HOSTILE}"),
                 "type": "TEXTFIELD_32", "required": true},
                {"key": format!("k{HOSTILE}"), "name": "escaped key", "type": "TEXTFIELD_32", "required": true},
            ])
            .to_string(),
        ),
        _ => Reply::Json(404, "{}".into()),
    }
    });
    let dir = tempfile::tempdir().unwrap();
    let out = run({
        let mut c = command(&server.base_url(), dir.path());
        c.args(["create", "--element", "evil", "--name", "x"]);
        c
    });
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("API key"), "{}", out.stderr);
    assert_terminal_safe("create's list of missing settings", &out.both());
}

#[test]
fn error_lines_are_clean_and_echoed_secrets_masked_on_stderr_and_in_the_log() {
    let server = Server::start(|r| match (r.method.as_str(), r.path.as_str()) {
        ("POST", p) if p == format!("{API}/instances") => Reply::Json(
            400,
            json!({
                "message": format!("Refused{HOSTILE} for {}", r.authorization),
                "requestId": format!("req{HOSTILE}{}", r.authorization),
                "providerMessage": format!("Authorization: {}{HOSTILE}", r.authorization),
            })
            .to_string(),
        ),
        _ => Reply::Json(404, "{}".into()),
    });
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("run.log");
    let mut c = bigcommerce_create(&server.base_url(), dir.path());
    c.arg("--log-file").arg(&log);
    let out = run(c);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(server.requests.lock().unwrap()[0]
        .authorization
        .contains(USER_SECRET));
    assert!(out.stderr.contains("Refused"), "{}", out.stderr);
    assert_terminal_safe("the error lines", &out.both());
    for secret in [USER_SECRET, ORG_SECRET] {
        assert!(!out.both().contains(secret), "{}", out.stderr);
    }
    let log = std::fs::read_to_string(&log).unwrap();
    assert_terminal_safe("the log", &log);
    assert!(
        !log.contains(USER_SECRET) && !log.contains(ORG_SECRET),
        "{log}"
    );
}

#[test]
fn created_instance_lines_and_json_are_clean() {
    let server = Server::start(|r| {
        match (r.method.as_str(), r.path.as_str()) {
        ("POST", p) if p == format!("{API}/instances") => Reply::Json(
            200,
            json!({
                "id": 41, "name": format!("shop{HOSTILE}"), "token": "tok-abc",
                "element": {"key": "bigcommerce", "name": format!("BigCommerce{HOSTILE}")},
                "createdDate": format!("2026{HOSTILE}"), "notes": format!("n{HOSTILE}"),
            })
            .to_string(),
        ),
        // The check that follows a create reads the instance and one order
        // through it: hostile there too.
        ("GET", p) if p == format!("{API}/instances/41") => Reply::Json(
            200,
            json!({
                "id": 41, "name": format!("shop{HOSTILE}"), "token": "tok-abc",
                "element": {"key": "bigcommerce", "name": format!("BigCommerce{HOSTILE}"), "hub": "ecommerce"},
                "valid": true, "disabled": false,
            })
            .to_string(),
        ),
        ("GET", p) if p == format!("{API}/hubs/ecommerce/orders") => Reply::Json(200, "[]".into()),
        _ => Reply::Json(404, "{}".into()),
    }
    });
    let dir = tempfile::tempdir().unwrap();
    let out = run(bigcommerce_create(&server.base_url(), dir.path()));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_terminal_safe("create's output", &out.both());
    assert!(out.stderr.contains("41"), "{}", out.stderr);
    // The JSON keeps the platform's values, escaped.
    let printed: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(printed["notes"], format!("n{HOSTILE}"));
}

/// A stand-in browser launcher that records that it ran, and its
/// environment.
fn fake_opener(dir: &Path) -> std::path::PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    write_executable(
        &bin.join("xdg-open"),
        &format!(
            "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{0}/opened'\nenv > '{0}/opener-env'\nexit 0\n",
            dir.display()
        ),
    );
    bin
}

fn oauth_create(base_url: &str, dir: &Path, bin: &Path) -> Command {
    let mut c = command(base_url, dir);
    c.env(
        "PATH",
        format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        ),
    )
    .env("APP_SECRET_FROM_ENV", "app-secret-from-env-77")
    .args([
        "--callback-port",
        "0",
        "--oauth-timeout",
        "2s",
        "create",
        "--element",
        "infusionsoftecommerce",
        "--name",
        "keap",
        "--set",
        "oauth.api.key=app-key",
        "--set",
        "oauth.api.secret=env:APP_SECRET_FROM_ENV",
    ]);
    c
}

fn oauth_platform(url: String) -> Server {
    Server::start(move |r| match r.path.as_str() {
        p if p.ends_with("/oauth/url") => Reply::Json(200, json!({ "oauthUrl": url }).to_string()),
        _ => Reply::Json(404, "{}".into()),
    })
}

#[test]
fn oauth_urls_other_than_https_or_loopback_are_refused_and_never_opened() {
    for url in [
        "javascript:alert(document.cookie)".to_string(),
        "file:///etc/passwd".into(),
        "ssh://attacker.example/".into(),
        "smb://attacker.example/share".into(),
        "http://10.0.0.7/authorize".into(),
        "".into(),
        format!("https://provider.example/authorize{HOSTILE}"),
    ] {
        let server = oauth_platform(url.clone());
        let dir = tempfile::tempdir().unwrap();
        let bin = fake_opener(dir.path());
        let out = run(oauth_create(&server.base_url(), dir.path(), &bin));
        assert_eq!(out.code, 4, "{url:?}: {}", out.stderr);
        assert!(out.stderr.contains("refused"), "{url:?}: {}", out.stderr);
        assert_terminal_safe(&format!("{url:?}"), &out.both());
        assert!(!dir.path().join("opened").exists(), "{url:?} was opened");
    }
}

#[test]
fn the_browser_launcher_inherits_no_secret() {
    let server = oauth_platform("http://127.0.0.1:9/authorize?state=s".into());
    let dir = tempfile::tempdir().unwrap();
    let bin = fake_opener(dir.path());
    let out = run(oauth_create(&server.base_url(), dir.path(), &bin));
    assert_eq!(out.code, 4, "no callback arrives: {}", out.stderr);
    let opened = std::fs::read_to_string(dir.path().join("opened")).unwrap();
    assert_eq!(opened, "http://127.0.0.1:9/authorize?state=s\n");
    let env = std::fs::read_to_string(dir.path().join("opener-env")).unwrap();
    assert!(env.contains("PATH="), "the environment was dumped: {env}");
    for leaked in [
        USER_SECRET,
        ORG_SECRET,
        "app-secret-from-env-77",
        "CE_USER_SECRET",
        "CE_ORG_SECRET",
        "APP_SECRET_FROM_ENV",
    ] {
        assert!(
            !env.contains(leaked),
            "{leaked} reached the browser:\n{env}"
        );
    }
}

#[test]
fn endless_bodies_stop_at_their_cap_with_a_clear_message() {
    let server = Server::start(|r| match (r.method.as_str(), r.path.as_str()) {
        (_, p) if p == format!("{API}/elements") => Reply::Endless,
        ("POST", p) if p == format!("{API}/instances") => Reply::Endless,
        ("GET", p) if p == format!("{API}/instances") => Reply::Json(200, "[]".into()),
        _ => Reply::Json(404, "{}".into()),
    });
    let dir = tempfile::tempdir().unwrap();
    let out = run({
        let mut c = command(&server.base_url(), dir.path());
        c.args(["elements", "--refresh"]);
        c
    });
    assert!(out.stderr.contains("larger than 32 MiB"), "{}", out.stderr);
    let out = run(bigcommerce_create(&server.base_url(), dir.path()));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("larger than 4 MiB"), "{}", out.stderr);
    assert!(out.stderr.contains("nothing was created"), "{}", out.stderr);
}

/// The accessible mode's last words: a created instance whose token holds
/// escape sequences is neither printed nor offered for the clipboard.
#[test]
fn the_accessible_mode_never_prints_a_token_with_escape_sequences() {
    use crate::common::pty::keys;
    use crate::common::wizard::{Home, Wizard};
    let instance = json!({
        "id": 41, "name": "shop", "token": format!("tok{HOSTILE}"),
        "element": {"key": "bigcommerce", "name": "BigCommerce", "hub": "ecommerce"},
        "valid": true, "disabled": false,
    })
    .to_string();
    let server = Server::start(move |r| match (r.method.as_str(), r.path.as_str()) {
        ("GET", p) if p == format!("{API}/elements") => Reply::Json(
            200,
            json!([{"key": "bigcommerce", "name": "BigCommerce", "hub": "ecommerce",
                    "authentication": {"type": "basic"}}])
            .to_string(),
        ),
        ("POST", p) if p == format!("{API}/instances") => Reply::Json(200, instance.clone()),
        ("GET", p) if p == format!("{API}/instances/41") => Reply::Json(200, instance.clone()),
        ("GET", p) if p.starts_with(&format!("{API}/hubs/")) => Reply::Json(200, "[]".into()),
        _ => Reply::Json(404, "{}".into()),
    });
    let sb = ce_wizard::sandbox::Sandbox::start(Default::default()).unwrap();
    let home = Home::new();
    let mut pty = Wizard::new(&sb, &home)
        .base_url(&server.base_url())
        .args(&["--accessible", "--element", "bigcommerce"])
        .size(400, 200)
        .spawn();
    let answer = |pty: &mut crate::common::pty::Pty, prompt: &str, text: &str| {
        pty.wait_for(prompt);
        pty.type_text(text);
        pty.send(keys::ENTER);
    };
    answer(
        &mut pty,
        "Store API URL",
        "https://store-abc.mybigcommerce.com/api/v2/",
    );
    // The questions themselves: "API username" alone is on screen
    // before them, and lines typed ahead of a question are a paste.
    answer(&mut pty, "API username (required", "u");
    answer(&mut pty, "API token (required", "p");
    answer(&mut pty, "Change the advanced settings? [y/N]:", "");
    answer(&mut pty, "Instance name (Enter keeps", "shop");
    answer(&mut pty, "Tags, separated by commas", "");
    answer(&mut pty, "Create this instance now? [Y/n]:", "y");
    let screen = pty.wait_for("so it is not printed");
    assert!(!screen.contains("Copy the token"), "{screen}");
    pty.finish();
    let raw = String::from_utf8_lossy(&pty.raw_output()).into_owned();
    assert!(
        !raw.contains("\u{1b}]52"),
        "the token's OSC 52 reached the terminal"
    );
    assert!(
        !raw.contains("\u{202e}"),
        "the token's bidi override reached the terminal"
    );
}
