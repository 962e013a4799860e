//! Bad input to `ce-wizard create`: what a person pastes or points it at by
//! mistake. Each must end in exit 2 with a message that names the problem,
//! no panic, nothing sent to the platform, and no raw control character
//! echoed to the terminal. Some odd but valid input (right-to-left and wide
//! characters, spaces around values) must go through, saying what was fixed.

use crate::common;

use ce_wizard::sandbox::Sandbox;
use common::cli::*;
use std::path::Path;

/// What a case gives `create` besides the element's other settings.
enum Given {
    /// Extra `--set` arguments (given after the valid defaults, so they win).
    Sets(Vec<String>),
    /// A value for `password`, read from a file with these bytes.
    PasswordFile(Vec<u8>),
    /// `--from FILE` with these bytes, and no other flag.
    InstanceFile(Vec<u8>),
    /// `--from -` with this text on standard input.
    InstanceStdin(String),
    /// Arguments in place of everything after `create`.
    Args(Vec<String>),
}

struct Case {
    what: &'static str,
    given: Given,
    /// What the error message must say.
    says: &'static str,
}

fn set(kv: &str) -> Given {
    Given::Sets(vec!["--set".into(), kv.into()])
}

fn valid_bigcommerce() -> Vec<String> {
    [
        "--element",
        "bigcommerce",
        "--name",
        "shop",
        "--set",
        "store.url=https://store-abc.mybigcommerce.com/api/v2/",
        "--set",
        "username=admin",
        "--set",
        "password=pw",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn run_case(sb: &Sandbox, dir: &Path, given: &Given) -> Output {
    let mut cmd = command(sb, dir);
    cmd.arg("create");
    let mut stdin = String::new();
    match given {
        Given::Sets(extra) => {
            cmd.args(valid_bigcommerce()).args(extra);
        }
        Given::PasswordFile(bytes) => {
            let f = dir.join("password.txt");
            std::fs::write(&f, bytes).unwrap();
            cmd.args(valid_bigcommerce())
                .arg("--set")
                .arg(format!("password=@{}", f.display()));
        }
        Given::InstanceFile(bytes) => {
            let f = dir.join("instance.json");
            std::fs::write(&f, bytes).unwrap();
            cmd.arg("--from").arg(&f);
        }
        Given::InstanceStdin(text) => {
            cmd.args(["--from", "-"]);
            stdin = text.clone();
        }
        Given::Args(args) => {
            cmd.args(args);
        }
    }
    run(cmd, &stdin)
}

fn instance_json(configuration: &str) -> Vec<u8> {
    format!(r#"{{"element": {{"key": "bigcommerce"}}, "name": "shop", "configuration": {configuration}}}"#)
        .into_bytes()
}

const GOOD_CONFIG: &str = r#"{"store.url": "https://store-abc.mybigcommerce.com/api/v2/", "username": "admin", "password": "pw"}"#;

fn cases() -> Vec<Case> {
    let big = "x".repeat(100 * 1024);
    vec![
        Case {
            what: "a line break pasted into a value",
            given: set("username=ad\nmin"),
            says: "API username must be on one line",
        },
        Case {
            what: "a Windows line break",
            given: set("username=admin\r\nroot"),
            says: "must be on one line",
        },
        Case {
            what: "a tab",
            given: set("username=ad\tmin"),
            says: "must not contain tabs",
        },
        Case {
            what: "an escape sequence",
            given: set("username=\u{1b}[31madmin"),
            says: "contains control characters",
        },
        Case {
            what: "a bell",
            given: set("username=admin\u{7}"),
            says: "contains control characters",
        },
        Case {
            what: "a right-to-left override",
            given: set("username=admin\u{202e}toor"),
            says: "invisible formatting characters",
        },
        Case {
            what: "a zero-width space in a URL",
            given: set("store.url=https://store\u{200b}-abc.mybigcommerce.com/api/v2/"),
            says: "invisible formatting characters",
        },
        Case {
            what: "a byte-order mark",
            given: set("username=\u{feff}admin"),
            says: "invisible formatting characters",
        },
        Case {
            what: "a URL without a scheme",
            given: set("store.url=store-abc.mybigcommerce.com"),
            says: "must be an https:// or http:// URL",
        },
        Case {
            what: "a URL with spaces inside",
            given: set("store.url=https://store abc.com/"),
            says: "must be an https:// or http:// URL",
        },
        Case {
            what: "a URL of another scheme",
            given: set("store.url=ftp://store-abc.com/"),
            says: "must be an https:// or http:// URL",
        },
        Case {
            what: "100 KB on the command line",
            given: set(&format!("username={big}")),
            says: "must be at most",
        },
        Case {
            what: "100 KB from a file",
            given: Given::PasswordFile(big.clone().into_bytes()),
            says: "must be at most",
        },
        Case {
            what: "a NUL byte from a file",
            given: Given::PasswordFile(b"pass\0word".to_vec()),
            says: "contains control characters",
        },
        Case {
            what: "a file that is not UTF-8",
            given: Given::PasswordFile(vec![0xff, 0xfe, 0x00, 0x41]),
            says: "is not UTF-8 text",
        },
        Case {
            what: "a file over 1 MiB",
            given: Given::PasswordFile(vec![b'a'; 1024 * 1024 + 1]),
            says: "larger than 1 MiB",
        },
        Case {
            what: "a missing file",
            given: set("password=@/no/such/file"),
            says: "cannot open /no/such/file",
        },
        Case {
            what: "an unset variable",
            given: set("password=env:CE_WIZARD_NO_SUCH_VAR"),
            says: "CE_WIZARD_NO_SUCH_VAR is not set",
        },
        Case {
            what: "--set without =",
            given: set("username"),
            says: "needs the form key=value",
        },
        Case {
            what: "a misspelt setting",
            given: set("usernme=admin"),
            says: "did you mean \"username\"",
        },
        Case {
            what: "a setting of another element",
            given: set("ecwid.store.id=1"),
            says: "is not a setting of BigCommerce",
        },
        Case {
            what: "a docs placeholder",
            given: set("store.url=https://store-{INSERT_STORE_HASH}.mybigcommerce.com/api/v2/"),
            says: "placeholder from the docs",
        },
        Case {
            what: "a name with a line break",
            given: Given::Sets(vec!["--name".into(), "shop\nname".into()]),
            says: "Instance name must be on one line",
        },
        Case {
            what: "a 300-character name",
            given: Given::Sets(vec!["--name".into(), "n".repeat(300)]),
            says: "Instance name must be at most 255",
        },
        Case {
            what: "a tag with an escape",
            given: Given::Sets(vec!["--tag".into(), "eu\u{1b}[2J".into()]),
            says: "contains control characters",
        },
        Case {
            what: "an unknown element",
            given: Given::Args(vec!["--element".into(), "shopifyy".into()]),
            says: "unknown element 'shopifyy'",
        },
        Case {
            what: "an element key with an escape",
            given: Given::Args(vec!["--element".into(), "big\u{1b}[31mcommerce".into()]),
            says: "unknown element 'big\\u{1b}[31mcommerce'",
        },
        Case {
            what: "no element at all",
            given: Given::Args(vec!["--name".into(), "x".into()]),
            says: "which element?",
        },
        Case {
            what: "a missing --from file",
            given: Given::Args(vec!["--from".into(), "/no/such/instance.json".into()]),
            says: "--from /no/such/instance.json: cannot open /no/such/instance.json",
        },
        Case {
            what: "instance.json that is cut short",
            given: Given::InstanceFile(
                br#"{"element": {"key": "bigcommerce"}, "configuration": {"password": "hunter2"#
                    .to_vec(),
            ),
            says: "is not valid JSON: it ends too early",
        },
        Case {
            what: "instance.json with a syntax error",
            given: Given::InstanceFile(b"{'element': 1}".to_vec()),
            says: "is not valid JSON: syntax error at line 1",
        },
        Case {
            what: "instance.json nested 100,000 deep",
            given: Given::InstanceFile(
                format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
            ),
            says: "is not valid JSON",
        },
        Case {
            what: "instance.json over 1 MiB",
            given: Given::InstanceFile({
                let mut v = instance_json(GOOD_CONFIG);
                v.extend(std::iter::repeat_n(b' ', 1024 * 1024));
                v
            }),
            says: "larger than 1 MiB",
        },
        Case {
            what: "instance.json over 1 MiB on stdin",
            given: Given::InstanceStdin(" ".repeat(1024 * 1024 + 10)),
            says: "standard input is larger than 1 MiB",
        },
        Case {
            what: "instance.json that is not UTF-8",
            given: Given::InstanceFile(vec![b'{', 0xc3, 0x28, b'}']),
            says: "is not UTF-8 text",
        },
        Case {
            what: "instance.json that is an array",
            given: Given::InstanceFile(b"[]".to_vec()),
            says: "must hold a JSON object",
        },
        Case {
            what: "instance.json that is empty",
            given: Given::InstanceFile(Vec::new()),
            says: "is not valid JSON",
        },
        Case {
            what: "instance.json with an unknown field",
            given: Given::InstanceFile(br#"{"elemnt": {"key": "bigcommerce"}}"#.to_vec()),
            says: "a field \"elemnt\": did you mean \"element\"?",
        },
        Case {
            what: "instance.json naming an unknown element",
            given: Given::InstanceFile(
                br#"{"element": {"key": "nosuch"}, "configuration": {}}"#.to_vec(),
            ),
            says: "unknown element 'nosuch'",
        },
        Case {
            what: "instance.json with an unknown setting",
            given: Given::InstanceFile(instance_json(
                r#"{"store.url": "https://store-abc.mybigcommerce.com/api/v2/", "username": "admin", "password": "pw", "store_url": "x"}"#,
            )),
            says: "\"store_url\" is not a setting of BigCommerce",
        },
        Case {
            what: "instance.json with a nested value",
            given: Given::InstanceFile(instance_json(r#"{"username": {"a": 1}}"#)),
            says: "\"username\" (API username) takes text, not an object",
        },
        Case {
            what: "instance.json with a yes/no setting given an object",
            given: Given::InstanceFile(instance_json(
                r#"{"store.url": "https://store-abc.mybigcommerce.com/api/v2/", "username": "admin", "password": "pw", "filter.response.nulls": {"a": 1}}"#,
            )),
            says: "takes true or false, not an object",
        },
        Case {
            what: "instance.json with a placeholder inside an object",
            given: Given::InstanceFile(instance_json(
                r#"{"store.url": "https://store-abc.mybigcommerce.com/api/v2/", "username": "admin", "password": "pw", "event.poller.configuration": {"orders": {"url": "<INSERT_URL>"}}}"#,
            )),
            says: "\"event.poller.configuration\" still holds a placeholder from the docs",
        },
        Case {
            what: "instance.json with a newline in a value",
            given: Given::InstanceFile(instance_json(
                r#"{"store.url": "https://store-abc.mybigcommerce.com/api/v2/", "username": "ad\nmin", "password": "pw"}"#,
            )),
            says: "API username must be on one line",
        },
        Case {
            what: "a missing instance.json",
            given: Given::Args(vec!["--from".into(), "/no/such/instance.json".into()]),
            says: "cannot open /no/such/instance.json",
        },
    ]
}

#[test]
fn each_bad_input_is_named_exits_2_and_sends_nothing() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let cases = cases();
    for case in &cases {
        let out = run_case(&sb, dir.path(), &case.given);
        assert_eq!(
            out.code, 2,
            "{}: exit {}\n{}",
            case.what, out.code, out.stderr
        );
        assert!(
            out.stderr.contains(case.says),
            "{}: expected {:?} in:\n{}",
            case.what,
            case.says,
            out.stderr
        );
        assert!(
            !out.stderr.contains("panicked"),
            "{}: {}",
            case.what,
            out.stderr
        );
        assert!(
            !out.stderr.contains('\u{1b}') && !out.stderr.contains('\u{7}'),
            "{}: a raw control character reached the terminal",
            case.what
        );
        assert!(
            !out.stderr.contains("hunter2"),
            "{}: a value was echoed",
            case.what
        );
        assert!(out.stdout.is_empty(), "{}", case.what);
    }
    // An unknown element key is looked up in the catalog (a read); nothing
    // is ever sent to be created.
    assert!(
        sb.requests()
            .iter()
            .all(|r| r.method == "GET" && r.path.ends_with("/elements")),
        "only catalog reads reached the platform: {:?}",
        sb.requests()
    );
    assert!(cases.len() >= 40, "{} cases", cases.len());
}

#[test]
fn odd_but_valid_input_goes_through_and_says_what_was_fixed() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(&sb, dir.path());
    cmd.args(["create", "--element", " bigcommerce "])
        .args(["--name", "متجر 店舗 shop"])
        .args(["--tag", "עברית"])
        .args([
            "--set",
            "store.url=  https://store-abc.mybigcommerce.com/api/v2/ \t",
        ])
        .args(["--set", " username =管理者"])
        .args(["--set", "password=pässwörd-with-ünïcödé"]);
    let out = run(cmd, "");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("removed the spaces around Store API URL"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("removed the spaces around the setting name \"username\""),
        "{}",
        out.stderr
    );
    let stored = sb.instances();
    assert_eq!(stored.len(), 1);
    let cfg = &stored[0]["configuration"];
    assert_eq!(
        cfg["store.url"],
        "https://store-abc.mybigcommerce.com/api/v2/"
    );
    assert_eq!(cfg["username"], "管理者");
    assert_eq!(cfg["password"], "pässwörd-with-ünïcödé");
    assert_eq!(stored[0]["name"], "متجر 店舗 shop");
    assert_eq!(stored[0]["tags"][0], "עברית");
}
