//! The fakes the line front ends' in-process tests share: captured
//! standard output and error, standard input typed line by line, and the
//! person at the built-in sandbox's consent page, and the options of a
//! run on that sandbox.

use super::GlobalArgs;
use std::collections::VecDeque;
use std::io::{Read, Write};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

/// The options of a run on the built-in sandbox, its listener on a free
/// port.
pub fn sandbox_globals() -> GlobalArgs {
    GlobalArgs {
        sandbox: true,
        base_url: None,
        env: None,
        callback_port: 0,
        callback_port_given: false,
        trust_host: false,
        allow_http: false,
        oauth_timeout: Duration::from_secs(60),
        no_browser: false,
        request_timeout: Duration::from_secs(30),
        log_file: None,
        insecure_storage: false,
        profile: None,
    }
}

/// A stream the test reads while the front end writes it.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Standard input fed line by line by the test; ends when the sender goes.
pub struct Typed {
    lines: mpsc::Receiver<String>,
    pending: VecDeque<u8>,
}

impl Typed {
    /// Standard input that gives what is sent on `lines`, a line at a time.
    pub fn new(lines: mpsc::Receiver<String>) -> Typed {
        Typed {
            lines,
            pending: VecDeque::new(),
        }
    }
}

impl Read for Typed {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() {
            match self.lines.recv() {
                Ok(line) => self.pending.extend(format!("{line}\n").into_bytes()),
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.pending.len());
        for (slot, byte) in buf.iter_mut().zip(self.pending.drain(..n)) {
            *slot = byte;
        }
        Ok(n)
    }
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap()
}

/// Plays the person at the sandbox's consent page; returns where the
/// provider redirects.
pub async fn consent(authorize_url: &str, decision: &str) -> String {
    let page = http().get(authorize_url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let q = url::Url::parse(authorize_url).unwrap();
    let get = |k: &str| {
        q.query_pairs()
            .find(|(a, _)| a == k)
            .map(|(_, b)| b.into_owned())
            .unwrap()
    };
    let mut decision_url = q.clone();
    decision_url.set_path("/provider/oauth/decision");
    decision_url
        .query_pairs_mut()
        .clear()
        .append_pair("client_id", &get("client_id"))
        .append_pair("redirect_uri", &get("redirect_uri"))
        .append_pair("state", &get("state"));
    // The consent form carries the shop of a provider that signs in to one.
    if let Some((_, shop)) = q.query_pairs().find(|(k, _)| k == "shop") {
        decision_url.query_pairs_mut().append_pair("shop", &shop);
    }
    decision_url
        .query_pairs_mut()
        .append_pair("decision", decision);
    let resp = http().get(decision_url).send().await.unwrap();
    assert_eq!(resp.status(), 302);
    resp.headers()["location"].to_str().unwrap().to_string()
}
