//! A plain HTTP/1.1 client over a loopback socket, enough to talk to the
//! sandbox without pulling an HTTP stack into this crate.

#![allow(dead_code)]

use ce_sandbox::Sandbox;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

pub struct Answer {
    pub status: u16,
    /// Names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn message(&self) -> String {
        self.json()["message"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

/// `User …, Organization …` of the sandbox's account.
pub fn account(sb: &Sandbox) -> String {
    format!(
        "User {}, Organization {}",
        sb.user_secret(),
        sb.org_secret()
    )
}

/// The three-part header of a call through an instance.
pub fn through(sb: &Sandbox, token: &str) -> String {
    format!("{}, Element {token}", account(sb))
}

/// Sends one request to `path` (below the port, e.g.
/// `/elements/api-v2/instances`) and reads the whole answer.
pub fn call(
    sb: &Sandbox,
    method: &str,
    path: &str,
    authorization: Option<&str>,
    body: Option<&Value>,
) -> Answer {
    let mut stream = TcpStream::connect(("127.0.0.1", sb.port())).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    if let Some(a) = authorization {
        head.push_str(&format!("Authorization: {a}\r\n"));
    }
    if !body.is_empty() {
        head.push_str("Content-Type: application/json\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    read_answer(BufReader::new(stream))
}

fn read_answer(mut reader: BufReader<TcpStream>) -> Answer {
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {line:?}"));
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':').unwrap();
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let mut body = Vec::new();
    if chunked {
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            let size = usize::from_str_radix(line.trim(), 16).unwrap();
            if size == 0 {
                break;
            }
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).unwrap();
            body.extend_from_slice(&chunk[..size]);
        }
    } else {
        reader.read_to_end(&mut body).unwrap();
    }
    Answer {
        status,
        headers,
        body,
    }
}

pub const API: &str = "/elements/api-v2";

pub fn get(sb: &Sandbox, path: &str) -> Answer {
    call(sb, "GET", &format!("{API}{path}"), Some(&account(sb)), None)
}

pub fn send(sb: &Sandbox, method: &str, path: &str, body: &Value) -> Answer {
    call(
        sb,
        method,
        &format!("{API}{path}"),
        Some(&account(sb)),
        Some(body),
    )
}

pub fn read_through(sb: &Sandbox, token: &str, path: &str) -> Answer {
    call(
        sb,
        "GET",
        &format!("{API}{path}"),
        Some(&through(sb, token)),
        None,
    )
}

/// A fresh OAuth 2 code from the sandbox's provider, as a person allowing
/// access in the browser would get on the callback.
pub fn fresh_code(sb: &Sandbox, client_id: &str, redirect_uri: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("decision", "allow")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("state", "s")
        .finish();
    let answer = call(
        sb,
        "GET",
        &format!("/provider/oauth/decision?{query}"),
        None,
        None,
    );
    assert_eq!(answer.status, 302);
    let location = url::Url::parse(answer.header("location").unwrap()).unwrap();
    location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("a code on the redirect")
}
