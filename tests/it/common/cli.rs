//! Running the built `ce-wizard` command line (not the wizard) against an
//! in-test sandbox, reading its output and stderr as it goes.

use ce_wizard::sandbox::{Sandbox, SandboxOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const DEADLINE: Duration = Duration::from_secs(60);

pub fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).expect("sandbox starts")
}

/// The binary with a clean environment: no credentials or config of the
/// machine's user leak into a test.
pub fn command(sandbox: &Sandbox, cfg_dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ce-wizard"));
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", cfg_dir)
        .env("CE_WIZARD_CONFIG", cfg_dir.join("config.toml"))
        .env("CE_USER_SECRET", sandbox.user_secret())
        .env("CE_ORG_SECRET", sandbox.org_secret())
        .arg("--base-url")
        .arg(sandbox.base_url());
    c
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs to the end with the given standard input.
pub fn run(mut cmd: Command, stdin: &str) -> Output {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn ce-wizard");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    wait(child)
}

pub fn wait(mut child: Child) -> Output {
    let stderr = child.stderr.take();
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(mut e) = stderr {
            e.read_to_string(&mut s).unwrap();
        }
        s
    });
    let mut out = wait_for_exit(&mut child);
    out.stderr = err.join().unwrap();
    out
}

/// Waits (with a deadline) for the process to end, reading its stdout.
fn wait_for_exit(child: &mut Child) -> Output {
    let mut stdout = child.stdout.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).unwrap();
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > DEADLINE {
            child.kill().ok();
            panic!("ce-wizard did not finish within {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        code: status.code().unwrap_or(-1),
        stdout: out.join().unwrap(),
        stderr: String::new(),
    }
}

/// A running `create` whose stderr is read line by line while it waits for
/// the OAuth redirect; its stdin stays open for pastes.
pub struct Running {
    pub child: Child,
    pub lines: mpsc::Receiver<String>,
    pub seen: Vec<String>,
}

impl Running {
    pub fn spawn(mut cmd: Command) -> Running {
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn ce-wizard");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(l) = line else { break };
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            lines: rx,
            seen: vec![],
        }
    }

    /// Waits for a stderr line containing `needle` and returns it.
    pub fn line_containing(&mut self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            if let Some(l) = self.seen.iter().find(|l| l.contains(needle)) {
                return l.clone();
            }
            let left = DEADLINE.saturating_sub(start.elapsed());
            match self.lines.recv_timeout(left) {
                Ok(l) => self.seen.push(l),
                Err(_) => panic!(
                    "no stderr line with {needle:?}; stderr so far:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }

    pub fn paste(&mut self, text: &str) {
        let stdin = self.child.stdin.as_mut().unwrap();
        writeln!(stdin, "{text}").unwrap();
        stdin.flush().unwrap();
    }

    pub fn finish(mut self) -> Output {
        drop(self.child.stdin.take());
        let mut out = wait_for_exit(&mut self.child);
        for l in self.lines.iter() {
            self.seen.push(l);
        }
        out.stderr = self.seen.join("\n");
        out
    }
}

/// The authorization URL `create` printed.
pub fn authorize_url(line: &str) -> String {
    line.split_whitespace()
        .find(|w| w.starts_with("http"))
        .expect("a URL on the line")
        .to_string()
}

/// Follows a redirect into the wizard's listener as a browser would.
pub async fn browser_get(url: &str) -> reqwest::Response {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap()
        .get(url)
        .send()
        .await
        .unwrap()
}

/// A sandbox seeded with `n` instances over the five seed elements (the
/// same account on every start).
pub fn seeded(n: usize) -> Sandbox {
    Sandbox::start(SandboxOptions {
        instances: n,
        ..SandboxOptions::default()
    })
    .expect("sandbox starts")
}

/// A client of the sandbox's API with its account secrets, for seeding
/// instances directly, as another tool would.
pub fn client(sb: &Sandbox) -> ce_wizard::api::Client {
    ce_wizard::api::Client::new(
        &sb.base_url(),
        ce_wizard::api::Credentials {
            user: sb.user_secret().into(),
            org: sb.org_secret().into(),
        },
    )
    .expect("a client of the sandbox")
}

/// The body of an Ecwid instance with this name and made-up keys: the
/// platform takes any name for it.
pub fn ecwid_body(name: &str) -> ce_wizard::api::CreateInstance {
    let configuration = [
        ("ecwid.store.id", "1003"),
        ("ecwid.order.key", "ok"),
        ("ecwid.product.key", "pk"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), ce_wizard::secret::Secret::new(*v)))
    .collect();
    ce_wizard::api::CreateInstance {
        element: ce_wizard::api::ElementRef {
            key: "ecwid".into(),
        },
        configuration,
        tags: vec![],
        name: name.into(),
        provider_data: None,
        verbatim: Default::default(),
    }
}

/// An Ecwid instance with this name made directly through the API, as the
/// console or another tool would; its ID.
pub fn made_through_api(sb: &Sandbox, name: &str) -> i64 {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(client(sb).create_instance(&ecwid_body(name)))
        .unwrap()
        .id
}

/// `ce-wizard instances ARGS` against the sandbox, from a fresh folder.
pub fn instances(sb: &Sandbox, args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = command(sb, dir.path());
    cmd.arg("instances").args(args);
    run(cmd, "")
}

/// The instance with this ID as the sandbox stores it, if it does.
pub fn stored(sb: &Sandbox, id: i64) -> Option<serde_json::Value> {
    sb.instances()
        .into_iter()
        .find(|i| i["id"].as_i64() == Some(id))
}

/// The instance with this ID as the sandbox stores it; a test fails
/// without it.
pub fn stored_instance(sb: &Sandbox, id: i64) -> serde_json::Value {
    stored(sb, id).unwrap_or_else(|| panic!("no instance {id}"))
}

/// The ID of the stored instance with this name; a test fails without it.
pub fn id_named(sb: &Sandbox, name: &str) -> i64 {
    sb.instances()
        .into_iter()
        .find(|i| i["name"] == name)
        .and_then(|i| i["id"].as_i64())
        .unwrap_or_else(|| panic!("no instance {name}"))
}
