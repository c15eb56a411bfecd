//! A minimal HTTP/1.1 client over a TCP socket, with a cookie jar, for
//! tests against a real server on loopback.

use std::collections::HashMap;
use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

impl Response {
    pub fn csrf(&self) -> Option<String> {
        let marker = r#"name="csrf_token" value=""#;
        let start = self.body.find(marker)? + marker.len();
        let end = self.body[start..].find('"')? + start;
        Some(self.body[start..end].to_owned())
    }
}

/// Writes the rest of a request on `stream` and reads the whole answer
/// (the server closes the connection: the requests say `Connection: close`).
pub async fn finish_exchange(mut stream: TcpStream, rest: &[u8]) -> Vec<u8> {
    stream
        .write_all(rest)
        .await
        .unwrap_or_else(|e| panic!("write: {e}"));
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .await
        .unwrap_or_else(|e| panic!("read: {e}"));
    raw
}

/// A visitor: one cookie jar, one server.
pub struct Visitor {
    pub addr: SocketAddr,
    cookies: HashMap<String, String>,
}

impl Visitor {
    pub fn new(addr: SocketAddr) -> Self {
        Self {
            addr,
            cookies: HashMap::new(),
        }
    }

    pub async fn get(&mut self, path: &str) -> std::io::Result<Response> {
        self.send("GET", path, None).await
    }

    pub async fn post(&mut self, path: &str, form: &str) -> std::io::Result<Response> {
        self.send("POST", path, Some(form)).await
    }

    /// The bytes of a request with this visitor's cookies.
    pub fn request(&self, method: &str, path: &str, body: Option<&str>) -> Vec<u8> {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.addr
        );
        if !self.cookies.is_empty() {
            let cookies: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            head.push_str(&format!("Cookie: {}\r\n", cookies.join("; ")));
        }
        if let Some(body) = body {
            head.push_str(&format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        if let Some(body) = body {
            bytes.extend_from_slice(body.as_bytes());
        }
        bytes
    }

    async fn send(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&str>,
    ) -> std::io::Result<Response> {
        let mut stream = TcpStream::connect(self.addr).await?;
        stream.write_all(&self.request(method, path, body)).await?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await?;
        Ok(self.take_response(&raw))
    }

    /// Reads a raw response, taking its cookies as a browser would.
    pub fn take_response(&mut self, raw: &[u8]) -> Response {
        let text = String::from_utf8_lossy(raw).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let mut location = None;
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("location") {
                location = Some(value.to_owned());
            } else if name.eq_ignore_ascii_case("set-cookie") {
                let pair = value.split(';').next().unwrap_or("");
                if let Some((k, v)) = pair.split_once('=') {
                    let removed = value.contains("Max-Age=0") || v.is_empty();
                    if removed {
                        self.cookies.remove(k);
                    } else {
                        self.cookies.insert(k.to_owned(), v.to_owned());
                    }
                }
            }
        }
        Response {
            status,
            location,
            body: body.to_owned(),
        }
    }

    /// Another visitor with the same cookies (a second tab).
    pub fn tab(&self) -> Self {
        Self {
            addr: self.addr,
            cookies: self.cookies.clone(),
        }
    }
}
