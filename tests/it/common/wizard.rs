//! Starting the built wizard in a pseudo-terminal against an in-test
//! sandbox, with a home directory of its own, and the steps every journey
//! shares: choosing an element, reading the token off the Done screen,
//! checking what the sandbox stored.

use super::browser::Browser;
use super::pty::{keys, value_after, Pty, Spawn};
use ce_wizard::sandbox::Sandbox;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const BIN: &str = env!("CARGO_BIN_EXE_ce-wizard");

/// A temporary home: `HOME`, the XDG directories, the config file and the
/// catalog cache all point inside it, so nothing of the machine's user is
/// read or written.
pub struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    pub fn new() -> Home {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["config", "cache", "data", "state", "runtime"] {
            std::fs::create_dir(dir.path().join(sub)).unwrap();
        }
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.path().join("runtime"),
            std::fs::Permissions::from_mode(0o700),
        )
        .unwrap();
        Home { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn env(&self) -> Vec<(String, String)> {
        let p = |sub: &str| self.join(sub).display().to_string();
        vec![
            ("HOME".into(), p("")),
            ("XDG_CONFIG_HOME".into(), p("config")),
            ("XDG_CACHE_HOME".into(), p("cache")),
            ("XDG_DATA_HOME".into(), p("data")),
            ("XDG_STATE_HOME".into(), p("state")),
            ("XDG_RUNTIME_DIR".into(), p("runtime")),
            ("CE_WIZARD_CONFIG".into(), p("config/ce-wizard.toml")),
            ("CE_WIZARD_CACHE".into(), p("cache/ce-wizard")),
        ]
    }
}

/// How to start the wizard: builder methods, then `spawn`.
pub struct Wizard {
    args: Vec<String>,
    env: Vec<(String, String)>,
    cwd: PathBuf,
    cols: u16,
    rows: u16,
}

impl Wizard {
    /// The wizard against `sandbox`, its secrets in the environment, any
    /// free port for the OAuth listener, and no browser.
    pub fn new(sandbox: &Sandbox, home: &Home) -> Wizard {
        let mut env = vec![
            ("PATH".into(), std::env::var("PATH").unwrap_or_default()),
            ("TERM".into(), "xterm-256color".into()),
            ("CE_USER_SECRET".into(), sandbox.user_secret().into()),
            ("CE_ORG_SECRET".into(), sandbox.org_secret().into()),
        ];
        env.extend(home.env());
        Wizard {
            args: vec![
                "--base-url".into(),
                sandbox.base_url(),
                // Port 0: a free port, so parallel tests never collide.
                "--callback-port".into(),
                "0".into(),
                "--no-browser".into(),
            ],
            env,
            cwd: home.path().to_path_buf(),
            cols: 80,
            rows: 24,
        }
    }

    pub fn arg(mut self, arg: &str) -> Self {
        self.args.push(arg.into());
        self
    }

    pub fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|a| a.to_string()));
        self
    }

    /// Sets (or replaces) one environment variable.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn without_env(mut self, key: &str) -> Self {
        self.env.retain(|(k, _)| k != key);
        self
    }

    /// Replaces `--base-url`.
    pub fn base_url(mut self, url: &str) -> Self {
        let i = self.args.iter().position(|a| a == "--base-url").unwrap();
        self.args[i + 1] = url.into();
        self
    }

    /// Lets the wizard open a browser: the test's Chromium, through the
    /// `xdg-open` stand-in first on `PATH`. (No `DISPLAY` is needed: the
    /// environment is cleared, so no `SSH_*` variable makes the wizard think
    /// it runs remotely.)
    pub fn browser(self, browser: &Browser) -> Self {
        self.opening_browsers_through(&browser.path_env())
    }

    /// Lets the wizard open a browser with whatever this `PATH` finds
    /// (stand-ins for `xdg-open`, `wslview`, a console browser).
    pub fn opening_browsers_through(mut self, path: &str) -> Self {
        self.args.retain(|a| a != "--no-browser");
        self.env("PATH", path)
    }

    /// `--sandbox` (the wizard's own, in its process) instead of the
    /// test's sandbox.
    pub fn built_in_sandbox(mut self) -> Self {
        let i = self.args.iter().position(|a| a == "--base-url").unwrap();
        self.args.drain(i..i + 2);
        self.args.push("--sandbox".into());
        self.without_env("CE_USER_SECRET")
            .without_env("CE_ORG_SECRET")
    }

    /// Replaces `--callback-port` (0, any free port, by default).
    pub fn callback_port(mut self, port: u16) -> Self {
        let i = self
            .args
            .iter()
            .position(|a| a == "--callback-port")
            .unwrap();
        self.args[i + 1] = port.to_string();
        self
    }

    pub fn size(mut self, cols: u16, rows: u16) -> Self {
        self.cols = cols;
        self.rows = rows;
        self
    }

    pub fn spawn(self) -> Pty {
        Pty::spawn(Spawn {
            program: BIN,
            args: self.args,
            env: self.env,
            cwd: &self.cwd,
            cols: self.cols,
            rows: self.rows,
        })
    }

    /// Runs the wizard as the command of `program` (a terminal
    /// multiplexer such as tmux), which gets the arguments `before` first
    /// and owns the pseudo-terminal.
    pub fn spawn_inside(self, program: &str, before: &[&str]) -> Pty {
        let mut args: Vec<String> = before.iter().map(|a| a.to_string()).collect();
        args.push(BIN.into());
        args.extend(self.args);
        Pty::spawn(Spawn {
            program,
            args,
            env: self.env,
            cwd: &self.cwd,
            cols: self.cols,
            rows: self.rows,
        })
    }

    /// Runs the wizard with its standard output redirected to `stdout`, as
    /// `ce-wizard … > file` in a shell would (`exec`: the wizard itself
    /// owns the terminal); stdin and stderr stay on the terminal.
    pub fn spawn_with_stdout_to(self, stdout: &Path) -> Pty {
        let mut args = vec![
            "-c".to_string(),
            "out=$1; shift; exec \"$@\" > \"$out\"".into(),
            "sh".into(),
            stdout.display().to_string(),
            BIN.into(),
        ];
        args.extend(self.args);
        Pty::spawn(Spawn {
            program: "/bin/sh",
            args,
            env: self.env,
            cwd: &self.cwd,
            cols: self.cols,
            rows: self.rows,
        })
    }
}

/// On the Element step: types `filter`, checks that `name` is the
/// highlighted element, and opens its form. Returns the form's screen.
pub fn pick_element(pty: &mut Pty, filter: &str, name: &str) -> String {
    pty.wait_for("Choose an element");
    pty.type_text(filter);
    let highlighted = format!("› {name}");
    pty.wait_until(
        &format!("{name} highlighted after typing {filter:?}"),
        |s| s.contains(&format!("Filter: {filter}")) && s.contains(&highlighted),
    );
    pty.send(keys::ENTER);
    pty.wait_for(&format!("{name}: configuration"))
}

/// The token on the Done screen.
pub fn token_on_done(pty: &Pty) -> String {
    pty.wait_value("the token on the Done screen", |s| {
        // With --print-token, Done says where the token goes instead.
        (s.contains("Copy it (c) or save it (s) now")
            || s.contains("It is printed on standard output when you quit"))
        .then(|| value_after(s, "Token"))
        .flatten()
    })
}

/// The value on the row of `label` in a form (the text after the label and
/// the required mark, up to the help column a wide form has beside it).
pub fn form_value(screen: &str, label: &str) -> Option<String> {
    screen.lines().find_map(|l| {
        let l = l.split(" │ ").next().unwrap_or(l);
        let rest = l.trim_start_matches([' ', '›']).strip_prefix(label)?;
        Some(rest.trim_start().trim_start_matches('*').trim().to_string())
    })
}

/// The sign-in link on the Authorize screen (the terminal must be wide
/// enough for it to sit on one line).
pub fn sign_in_link(screen: &str) -> Option<String> {
    screen
        .split_whitespace()
        .find(|w| w.contains("/provider/oauth/authorize") && w.contains("&state="))
        .map(str::to_string)
}

/// What one journey must have stored on the platform.
pub struct Expected<'a> {
    pub element: &'a str,
    pub name: &'a str,
    pub tags: &'a [&'a str],
    pub configuration: &'a [(&'a str, &'a str)],
}

/// Asserts the sandbox holds exactly one instance, the one `expected`
/// describes, issued with `token`; returns it.
pub fn assert_stored(sandbox: &Sandbox, token: &str, expected: &Expected<'_>) -> Value {
    let stored = sandbox.instances();
    assert_eq!(stored.len(), 1, "exactly one instance: {stored:#?}");
    let instance = stored.into_iter().next().unwrap();
    assert_eq!(
        instance["token"],
        json!(token),
        "the screen shows the token the platform issued"
    );
    assert_eq!(instance["element"]["key"], json!(expected.element));
    assert_eq!(instance["name"], json!(expected.name));
    assert_eq!(instance["tags"], json!(expected.tags));
    let want: BTreeMap<String, String> = expected
        .configuration
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(configuration(&instance), want, "the stored configuration");
    instance
}

/// An instance's configuration as key → value.
pub fn configuration(instance: &Value) -> BTreeMap<String, String> {
    instance["configuration"]
        .as_object()
        .expect("a configuration object")
        .iter()
        .map(|(k, v)| {
            let v = v.as_str().expect("configuration values are strings");
            (k.clone(), v.to_string())
        })
        .collect()
}

/// A platform that takes connections and never answers: it keeps the
/// wizard waiting (a spinner shown) for as long as a test needs.
pub struct SilentPlatform {
    pub url: String,
    held: std::sync::Arc<std::sync::Mutex<Vec<std::net::TcpStream>>>,
}

impl SilentPlatform {
    pub fn start() -> SilentPlatform {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "http://127.0.0.1:{}/elements/api-v2",
            listener.local_addr().unwrap().port()
        );
        let held = std::sync::Arc::new(std::sync::Mutex::new(vec![]));
        let keep = held.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                keep.lock().unwrap().push(conn);
            }
        });
        SilentPlatform { url, held }
    }

    /// How many connections it holds.
    pub fn connections(&self) -> usize {
        self.held.lock().unwrap().len()
    }
}

/// Quits from Done with the token neither copied nor saved: `q`, then yes
/// to the question that asks first.
pub fn quit_keeping_nothing(pty: &mut Pty) {
    pty.send("q");
    pty.wait_for("neither copied nor saved");
    pty.send("y");
}
