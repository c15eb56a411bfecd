//! Load generator for the signup contract: virtual users, each with its
//! own cookie jar and keep-alive connection, run complete personal
//! signups (8 requests: entry redirect, account form and post, profile
//! form and post, review, finish, completion page) with a unique email
//! per flow, and report flows/s, requests/s, failed flows with reasons
//! and latency percentiles per request kind, then one JSON line.
//!
//!     cargo run --release --example loadgen -- --url http://127.0.0.1:8080 --users 16 --seconds 10

use std::collections::HashMap;
use std::io;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const KINDS: [&str; 8] = [
    "GET /signup",
    "GET account",
    "POST account",
    "GET profile",
    "POST profile",
    "GET review",
    "POST finish",
    "GET complete",
];

struct Options {
    host: String,
    users: usize,
    seconds: u64,
    warmup: u64,
}

fn options() -> Result<Options, String> {
    let mut url = "http://127.0.0.1:8080".to_owned();
    let (mut users, mut seconds, mut warmup) = (16, 10, 1);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let number = || {
            value
                .parse::<u64>()
                .map_err(|_| format!("{flag} takes a number"))
        };
        match flag.as_str() {
            "--url" => url = value.clone(),
            "--users" => users = number()? as usize,
            "--seconds" => seconds = number()?,
            "--warmup" => warmup = number()?,
            other => return Err(format!("unknown option {other}")),
        }
    }
    let host = url
        .strip_prefix("http://")
        .ok_or("--url must be http://HOST:PORT")?
        .trim_end_matches('/')
        .to_owned();
    Ok(Options {
        host,
        users,
        seconds,
        warmup,
    })
}

/// A keep-alive HTTP/1.1 connection with a cookie jar.
struct Client {
    host: String,
    conn: Option<BufReader<TcpStream>>,
    cookies: HashMap<String, String>,
}

struct Reply {
    status: u16,
    location: String,
    body: String,
}

impl Client {
    fn new(host: &str) -> Self {
        Self {
            host: host.to_owned(),
            conn: None,
            cookies: HashMap::new(),
        }
    }

    async fn request(&mut self, method: &str, path: &str, form: Option<&str>) -> io::Result<Reply> {
        // One retry on a connection the server closed meanwhile.
        match self.exchange(method, path, form).await {
            Ok(reply) => Ok(reply),
            Err(_) => {
                self.conn = None;
                self.exchange(method, path, form).await
            }
        }
    }

    async fn exchange(
        &mut self,
        method: &str,
        path: &str,
        form: Option<&str>,
    ) -> io::Result<Reply> {
        if self.conn.is_none() {
            let stream = TcpStream::connect(&self.host).await?;
            stream.set_nodelay(true)?;
            self.conn = Some(BufReader::new(stream));
        }
        let conn = self
            .conn
            .as_mut()
            .ok_or_else(|| io::Error::other("no connection"))?;
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.host);
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            head.push_str(&format!("Cookie: {}\r\n", jar.join("; ")));
        }
        if let Some(form) = form {
            head.push_str(&format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
                form.len()
            ));
        }
        head.push_str("\r\n");
        if let Some(form) = form {
            head.push_str(form);
        }
        conn.get_mut().write_all(head.as_bytes()).await?;

        let mut line = String::new();
        conn.read_line(&mut line).await?;
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| io::Error::other("no status line"))?;
        let (mut length, mut location, mut close) = (0usize, String::new(), false);
        loop {
            line.clear();
            if conn.read_line(&mut line).await? == 0 {
                return Err(io::Error::other("connection closed in headers"));
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            let Some((name, value)) = header.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.parse().unwrap_or(0),
                "location" => location = value.to_owned(),
                "connection" => close = value.eq_ignore_ascii_case("close"),
                "set-cookie" => {
                    if let Some((k, v)) = value.split(';').next().and_then(|p| p.split_once('=')) {
                        if v.is_empty() || value.contains("Max-Age=0") {
                            self.cookies.remove(k);
                        } else {
                            self.cookies.insert(k.to_owned(), v.to_owned());
                        }
                    }
                }
                _ => {}
            }
        }
        let mut body = vec![0; length];
        conn.read_exact(&mut body).await?;
        if close {
            self.conn = None;
        }
        Ok(Reply {
            status,
            location,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }
}

fn csrf(body: &str) -> Option<String> {
    let marker = r#"name="csrf_token" value=""#;
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_owned())
}

fn encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let v: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    b' ' => "+".to_owned(),
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{k}={v}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Latencies (µs) per request kind.
type Timings = [Vec<u64>; 8];

/// One complete signup; records each request's latency.
async fn flow(
    client: &mut Client,
    email: &str,
    name: &str,
    timings: &mut Timings,
) -> Result<(), String> {
    client.cookies.clear(); // a new visitor
    let mut step = 0;
    let mut call = async |client: &mut Client,
                          method: &str,
                          path: &str,
                          form: Option<&str>,
                          want: u16|
           -> Result<Reply, String> {
        let started = Instant::now();
        let reply = client
            .request(method, path, form)
            .await
            .map_err(|e| format!("{}: {e}", KINDS[step]))?;
        timings[step].push(started.elapsed().as_micros() as u64);
        if reply.status != want {
            return Err(format!(
                "{}: status {} (wanted {want})",
                KINDS[step], reply.status
            ));
        }
        step += 1;
        Ok(reply)
    };
    let entry = call(client, "GET", "/signup", None, 303).await?;
    if !entry.location.ends_with("/signup/account") {
        return Err(format!("entry redirected to {}", entry.location));
    }
    let page = call(client, "GET", "/signup/account", None, 200).await?;
    let token = csrf(&page.body).ok_or("account page has no csrf token")?;
    let form = encode(&[
        ("csrf_token", &token),
        ("email", email),
        ("password", "secret123"),
        ("password_confirm", "secret123"),
        ("account_type", "personal"),
        ("action", "next"),
    ]);
    call(client, "POST", "/signup/account", Some(&form), 303).await?;
    call(client, "GET", "/signup/profile", None, 200).await?;
    let form = encode(&[
        ("csrf_token", &token),
        ("display_name", name),
        ("age", "30"),
        ("interests", "rust"),
        ("interests", "web"),
        ("newsletter", "yes"),
        ("action", "next"),
    ]);
    call(client, "POST", "/signup/profile", Some(&form), 303).await?;
    let review = call(client, "GET", "/signup/review", None, 200).await?;
    if !review.body.contains(email) {
        return Err("review does not show the visitor's email".into());
    }
    let form = encode(&[
        ("csrf_token", &token),
        ("accept_terms", "yes"),
        ("action", "finish"),
    ]);
    call(client, "POST", "/signup/review", Some(&form), 303).await?;
    let done = call(client, "GET", "/signup/complete", None, 200).await?;
    if !done.body.contains(&format!("Welcome, {name}")) {
        return Err("completion page does not greet the visitor".into());
    }
    Ok(())
}

struct UserResult {
    flows: u64,
    failures: Vec<String>,
    timings: Timings,
}

async fn user(
    host: String,
    id: usize,
    start: Instant,
    warmup: Duration,
    end: Instant,
) -> UserResult {
    let mut client = Client::new(&host);
    let nonce = std::process::id();
    let mut result = UserResult {
        flows: 0,
        failures: Vec::new(),
        timings: Default::default(),
    };
    let mut n = 0u64;
    while Instant::now() < end {
        n += 1;
        let email = format!(
            "u{id}-{n}-{nonce}-{}@example.com",
            start.elapsed().as_nanos()
        );
        let name = format!("User {id}-{n}");
        let measured = Instant::now() >= start + warmup;
        let mut timings = Timings::default();
        match flow(&mut client, &email, &name, &mut timings).await {
            Ok(()) if measured => {
                result.flows += 1;
                for (all, these) in result.timings.iter_mut().zip(timings) {
                    all.extend(these);
                }
            }
            Ok(()) => {}
            Err(reason) => {
                if measured {
                    result.failures.push(reason);
                }
                client.conn = None;
            }
        }
    }
    result
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn main() -> ExitCode {
    let options = match options() {
        Ok(options) => options,
        Err(reason) => {
            eprintln!("loadgen: {reason}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("loadgen: {e}");
            return ExitCode::FAILURE;
        }
    };
    let local = tokio::task::LocalSet::new();
    let results = local.block_on(&runtime, async {
        let start = Instant::now();
        let warmup = Duration::from_secs(options.warmup);
        let end = start + warmup + Duration::from_secs(options.seconds);
        let tasks: Vec<_> = (0..options.users)
            .map(|id| tokio::task::spawn_local(user(options.host.clone(), id, start, warmup, end)))
            .collect();
        let mut results = Vec::new();
        for task in tasks {
            if let Ok(result) = task.await {
                results.push(result);
            }
        }
        results
    });

    let seconds = options.seconds as f64;
    let flows: u64 = results.iter().map(|r| r.flows).sum();
    let failures: Vec<&String> = results.iter().flat_map(|r| &r.failures).collect();
    let mut by_kind: Vec<Vec<u64>> = vec![Vec::new(); 8];
    for result in &results {
        for (all, these) in by_kind.iter_mut().zip(&result.timings) {
            all.extend(these);
        }
    }
    let requests: usize = by_kind.iter().map(Vec::len).sum();
    println!(
        "{} users, {} s: {flows} flows ({:.1}/s), {requests} requests ({:.1}/s), {} failed flows",
        options.users,
        options.seconds,
        flows as f64 / seconds,
        requests as f64 / seconds,
        failures.len()
    );
    let mut reasons: HashMap<&str, usize> = HashMap::new();
    for failure in &failures {
        *reasons.entry(failure.as_str()).or_default() += 1;
    }
    for (reason, count) in &reasons {
        println!("  failed: {count} x {reason}");
    }
    println!(
        "{:<14} {:>8} {:>8} {:>8} {:>8}   (µs)",
        "request", "p50", "p90", "p99", "max"
    );
    let mut json_kinds = Vec::new();
    let mut worst_p99 = 0;
    for (kind, samples) in KINDS.iter().zip(by_kind.iter_mut()) {
        samples.sort_unstable();
        let (p50, p90, p99) = (
            percentile(samples, 50.0),
            percentile(samples, 90.0),
            percentile(samples, 99.0),
        );
        let max = samples.last().copied().unwrap_or(0);
        worst_p99 = worst_p99.max(p99);
        println!("{kind:<14} {p50:>8} {p90:>8} {p99:>8} {max:>8}");
        json_kinds.push(format!(
            r#""{kind}":{{"p50":{p50},"p90":{p90},"p99":{p99},"max":{max}}}"#
        ));
    }
    println!(
        r#"{{"users":{},"seconds":{},"flows":{flows},"flows_per_sec":{:.2},"requests_per_sec":{:.2},"failed_flows":{},"worst_p99_us":{worst_p99},"latency_us":{{{}}}}}"#,
        options.users,
        options.seconds,
        flows as f64 / seconds,
        requests as f64 / seconds,
        failures.len(),
        json_kinds.join(",")
    );
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
