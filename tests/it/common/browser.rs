//! The person's browser, two ways.
//!
//! - [`Browser`]: Debian's Chromium, headless, started by an `xdg-open`
//!   stand-in put first on the `PATH` of the program under test (the `open`
//!   crate runs `xdg-open URL`, see `src/oauth/browser.rs`), and driven over
//!   the DevTools Protocol to press the consent page's buttons as a person
//!   would.
//! - [`consent_and_return`]: an HTTP client playing the same part, for
//!   journeys about the wizard rather than the browser.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const CHROMIUM: &str = "/usr/bin/chromium";
const DEADLINE: Duration = Duration::from_secs(45);

/// Fails the test, with how to fix it, when Chromium is not installed: a
/// browser test that silently passes without a browser would prove nothing.
pub fn require_chromium() {
    assert!(
        Path::new(CHROMIUM).exists(),
        "these tests need Debian's Chromium at {CHROMIUM}: install it with \
         `apt-get install -y chromium` (./scripts/test does)"
    );
}

/// A directory holding the `xdg-open` stand-in and one Chromium profile per
/// launch. Each time the program under test opens a URL, a new headless
/// Chromium starts on it (launch 1, 2, …); dropping the `Browser` ends them.
pub struct Browser {
    dir: tempfile::TempDir,
}

impl Browser {
    pub fn new() -> Browser {
        require_chromium();
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        let shim = bin.join("xdg-open");
        // The flags that work on these machines: no sandbox as root, and no
        // background networking on a machine without internet. The profile
        // is per launch, so a second launch never hands its URL over to the
        // first one's window.
        std::fs::write(
            &shim,
            format!(
                "#!/bin/sh\n\
                 echo \"$1\" >> '{log}'\n\
                 n=$(wc -l < '{log}')\n\
                 echo $$ >> '{pids}'\n\
                 exec '{CHROMIUM}' --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
                 --disable-background-networking --disable-component-update --disable-sync \
                 --user-data-dir='{profiles}'/$n --remote-debugging-port=0 \"$1\" >/dev/null 2>&1\n",
                log = dir.path().join("opened.log").display(),
                pids = dir.path().join("pids").display(),
                profiles = dir.path().join("profiles").display(),
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&shim, std::fs::Permissions::from_mode(0o755)).unwrap();
        Browser { dir }
    }

    pub fn bin(&self) -> PathBuf {
        self.dir.path().join("bin")
    }

    /// `PATH` with the stand-in first.
    pub fn path_env(&self) -> String {
        format!(
            "{}:{}",
            self.bin().display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }

    /// The URLs the program asked the browser to open, in order.
    pub fn opened(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("opened.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// Waits for the first Chromium to come up and returns its page.
    pub fn page(&self) -> Page {
        self.page_of_launch(1)
    }

    /// Waits for the `n`th launch (from 1) to come up and returns its page.
    pub fn page_of_launch(&self, n: usize) -> Page {
        let port_file = self
            .dir
            .path()
            .join(format!("profiles/{n}/DevToolsActivePort"));
        let start = Instant::now();
        let port: u16 = loop {
            if let Some(p) = std::fs::read_to_string(&port_file)
                .ok()
                .and_then(|t| t.lines().next().and_then(|l| l.trim().parse().ok()))
            {
                break p;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "Chromium launch {n} did not start (no DevToolsActivePort); opened: {:?}",
                self.opened()
            );
            std::thread::sleep(Duration::from_millis(100));
        };
        let ws_url = loop {
            let targets: Value = http_get_json(port, "/json/list");
            if let Some(url) = targets
                .as_array()
                .and_then(|a| a.iter().find(|t| t["type"] == "page"))
                .and_then(|t| t["webSocketDebuggerUrl"].as_str())
            {
                break url.to_string();
            }
            assert!(start.elapsed() < DEADLINE, "Chromium shows no page");
            std::thread::sleep(Duration::from_millis(100));
        };
        let (socket, _) = tungstenite::connect(ws_url.as_str()).expect("DevTools websocket");
        // A page that never answers must fail the test, not hang it.
        if let tungstenite::stream::MaybeTlsStream::Plain(tcp) = socket.get_ref() {
            tcp.set_read_timeout(Some(DEADLINE)).unwrap();
        }
        Page { socket, next_id: 1 }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Only the Chromiums this stand-in started, by their process ids.
        let pids = std::fs::read_to_string(self.dir.path().join("pids")).unwrap_or_default();
        for pid in pids.lines() {
            let _ = std::process::Command::new("kill").arg(pid.trim()).status();
        }
    }
}

fn http_get_json(port: u16, path: &str) -> Value {
    use std::io::{BufRead, BufReader, Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(DEADLINE)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    // DevTools keeps the connection open: read exactly Content-Length bytes.
    let mut reader = BufReader::new(s);
    let mut length = 0usize;
    let mut line = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap_or(Value::Null)
}

pub struct Page {
    socket: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<std::net::TcpStream>>,
    next_id: u64,
}

impl Page {
    /// Evaluates JavaScript in the page and returns its value.
    pub fn eval(&mut self, expression: &str) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let msg = json!({"id": id, "method": "Runtime.evaluate", "params": {"expression": expression, "returnByValue": true}});
        self.socket
            .send(tungstenite::Message::text(msg.to_string()))
            .unwrap();
        loop {
            let m = self.socket.read().expect("DevTools answer");
            if let tungstenite::Message::Text(t) = m {
                let v: Value = serde_json::from_str(&t).unwrap();
                if v["id"] == id {
                    return v["result"]["result"]["value"].clone();
                }
            }
        }
    }

    /// Waits until the page's text contains `needle`; returns the text.
    pub fn wait_for_text(&mut self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let text = self
                .eval("document.body ? document.body.innerText : ''")
                .as_str()
                .unwrap_or_default()
                .to_string();
            if text.contains(needle) {
                return text;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "the page never showed {needle:?}; it shows:\n{text}\nat {}",
                self.eval("location.href")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Presses a button on the consent page once it is there.
    pub fn click(&mut self, id: &str) {
        let start = Instant::now();
        let js = format!("(() => {{ const b = document.getElementById('{id}'); if (!b) return false; b.click(); return true; }})()");
        while self.eval(&js) != json!(true) {
            assert!(
                start.elapsed() < DEADLINE,
                "no #{id} button; page is at {}",
                self.eval("location.href")
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn url(&mut self) -> String {
        self.eval("location.href")
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

/// Plays the person at the sandbox's consent page (OAuth 2 or OAuth 1):
/// loads it and submits its form as a browser would, with its hidden
/// fields and the button pressed (`decision`: "allow" or "deny"). Returns
/// where the provider redirects.
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
    let (action, fields) = form_of(&html);
    let mut decision_url = url::Url::parse(authorize_url)
        .unwrap()
        .join(&action)
        .unwrap();
    {
        let mut q = decision_url.query_pairs_mut();
        q.clear();
        for (name, value) in &fields {
            q.append_pair(name, value);
        }
        q.append_pair("decision", decision);
    }
    let resp = http.get(decision_url).send().await.unwrap();
    assert_eq!(resp.status(), 302);
    resp.headers()["location"].to_str().unwrap().to_string()
}

/// The consent page's form: its action and its hidden fields, unescaped.
pub fn form_of(html: &str) -> (String, Vec<(String, String)>) {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let at = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let end = tag[at..].find('"')? + at;
        Some(unescape(&tag[at..end]))
    };
    let form = html.split("<form").nth(1).expect("the page has a form");
    let action = attr(form.split('>').next().unwrap(), "action").expect("the form has an action");
    let fields = form
        .split("<input")
        .skip(1)
        .filter_map(|tag| {
            let tag = tag.split('>').next()?;
            if attr(tag, "type")? != "hidden" {
                return None;
            }
            Some((attr(tag, "name")?, attr(tag, "value")?))
        })
        .collect();
    (action, fields)
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Plays the browser with an HTTP client: presses `decision` on the consent
/// page and follows the provider's redirect into the wizard's listener.
/// Returns the status of the result page the browser ends on.
pub async fn consent_and_return(authorize_url: &str, decision: &str) -> u16 {
    let location = consent(authorize_url, decision).await;
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

/// Sends one GET as a stray browser tab would; returns the status.
pub async fn get_status(url: &str) -> u16 {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap()
        .get(url)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}
