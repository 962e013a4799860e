//! Running the built `ce-wizard` against an in-test sandbox, and playing the
//! person's browser with an HTTP client.
#![allow(dead_code)]

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
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).unwrap();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(e) = stderr.as_mut() {
            e.read_to_string(&mut s).unwrap();
        }
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
        stderr: err.join().unwrap(),
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
        let mut out = wait_stdout_only(&mut self.child);
        for l in self.lines.iter() {
            self.seen.push(l);
        }
        out.stderr = self.seen.join("\n");
        out
    }
}

fn wait_stdout_only(child: &mut Child) -> Output {
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

/// The authorization URL `create` printed.
pub fn authorize_url(line: &str) -> String {
    line.split_whitespace()
        .find(|w| w.starts_with("http"))
        .expect("a URL on the line")
        .to_string()
}

/// Plays the person at the sandbox's consent page: loads it, checks the
/// buttons are there, and presses one. Returns where the provider redirects.
pub async fn consent(authorize_url: &str, decision: &str) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap();
    let page = http.get(authorize_url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("id=\"allow\"") && html.contains("id=\"deny\""),
        "consent page:\n{html}"
    );
    let q = url::Url::parse(authorize_url).unwrap();
    let params: Vec<(String, String)> = q.query_pairs().into_owned().collect();
    let get = |k: &str| {
        params
            .iter()
            .find(|(a, _)| a == k)
            .map(|(_, b)| b.clone())
            .unwrap()
    };
    let mut decision_url = q.clone();
    decision_url.set_path("/provider/oauth/decision");
    decision_url
        .query_pairs_mut()
        .clear()
        .append_pair("client_id", &get("client_id"))
        .append_pair("redirect_uri", &get("redirect_uri"))
        .append_pair("state", &get("state"))
        .append_pair("decision", decision);
    let resp = http.get(decision_url).send().await.unwrap();
    assert_eq!(resp.status(), 302);
    resp.headers()["location"].to_str().unwrap().to_string()
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
