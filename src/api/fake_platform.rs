//! A few lines of platform on loopback for the client's unit tests: each
//! request goes to a handler that answers with a status, headers and a body,
//! and is recorded for the test to look at.

use std::sync::{Arc, Mutex};

/// One request as the fake platform saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// Path and query, as sent.
    pub url: String,
    pub authorization: Option<String>,
    pub body: String,
}

impl Seen {
    pub fn path(&self) -> &str {
        self.url.split('?').next().unwrap_or_default()
    }

    /// A query parameter, decoded.
    pub fn query(&self, name: &str) -> Option<String> {
        let q = self.url.split_once('?')?.1;
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Reply {
        Reply {
            status,
            headers: vec![],
            body: body.to_string(),
        }
    }

    pub fn body_text(mut self, body: &str) -> Reply {
        self.body = body.to_string();
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

type Handler = dyn Fn(&Seen) -> Reply + Send + Sync;

pub struct FakePlatform {
    server: Arc<tiny_http::Server>,
    seen: Arc<Mutex<Vec<Seen>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FakePlatform {
    pub fn start(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> FakePlatform {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind loopback"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let thread = {
            let server = server.clone();
            let seen = seen.clone();
            std::thread::spawn(move || {
                for mut rq in server.incoming_requests() {
                    let mut body = String::new();
                    let _ = rq.as_reader().read_to_string(&mut body);
                    let s = Seen {
                        method: rq.method().to_string(),
                        url: rq.url().to_string(),
                        authorization: rq
                            .headers()
                            .iter()
                            .find(|h| h.field.equiv("Authorization"))
                            .map(|h| h.value.to_string()),
                        body,
                    };
                    let reply = handler(&s);
                    seen.lock().unwrap().push(s);
                    let mut resp = tiny_http::Response::from_string(reply.body)
                        .with_status_code(reply.status)
                        .with_header(
                            tiny_http::Header::from_bytes("Content-Type", "application/json")
                                .unwrap(),
                        );
                    for (k, v) in reply.headers {
                        resp.add_header(tiny_http::Header::from_bytes(k, v).unwrap());
                    }
                    let _ = rq.respond(resp);
                }
            })
        };
        FakePlatform {
            server,
            seen,
            thread: Some(thread),
        }
    }

    pub fn base_url(&self) -> String {
        format!(
            "http://{}/elements/api-v2",
            self.server.server_addr().to_ip().expect("an IP address")
        )
    }

    pub fn client(&self) -> super::Client {
        super::Client::new(
            &self.base_url(),
            super::Credentials {
                user: "u-secret".into(),
                org: "o-secret".into(),
            },
        )
        .expect("client")
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// The requests of this method to this path (under the base URL).
    pub fn seen_at(&self, method: &str, path: &str) -> Vec<Seen> {
        let full = format!("/elements/api-v2{path}");
        self.seen()
            .into_iter()
            .filter(|s| s.method == method && s.path() == full)
            .collect()
    }
}

impl Drop for FakePlatform {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The path under the base URL.
pub fn api_path(seen: &Seen) -> &str {
    seen.path()
        .strip_prefix("/elements/api-v2")
        .unwrap_or(seen.path())
}
