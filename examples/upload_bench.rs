//! What an upload costs: `cargo run --release --example upload_bench
//! --features uploads`. Serves a wizard with one file step on 127.0.0.1
//! and sends it 10 MB files over real connections, each body streamed in
//! 64 KiB chunks (the clients hold no file whole). Prints the time to
//! accept one file without scanning and, with a clamd it starts (when
//! `clamd` is installed), with scanning; and how much the process's peak
//! memory grows while ten visitors each upload a 10 MB file at once.

use std::time::{Duration, Instant};

use actix_web::{App, HttpServer, cookie::Key};
use actix_wizard::page::CompletePage;
use actix_wizard::upload::{ClamAv, Staging, Upload, Uploads};
use actix_wizard::{Finish, FinishError, MemoryStore, Step, Steps, Wizard, WizardConfig};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use validator::Validate;

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "file", title = "Upload a file")]
struct File {
    #[field(label = "File", accept = "pdf", max_size = 11534336)]
    #[validate(required)]
    file: Option<Upload>,
}

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "check", title = "Check")]
struct Check {}

#[derive(Default)]
struct Bench {
    file: File,
    check: Check,
}

impl Wizard for Bench {
    const ID: &'static str = "upload-bench";
    type Outcome = ();
    fn steps() -> Steps<Self> {
        Steps::<Self>::new()
            .step(|b| &mut b.file)
            .step(|b| &mut b.check)
    }
    async fn finish(self, _: &Finish) -> Result<(), FinishError> {
        Ok(())
    }
    fn render_complete(_: &(), page: &CompletePage<'_>) -> Result<String, askama::Error> {
        page.confirmation("Done", "Done", "")
    }
}

const MB10: usize = 10 * 1024 * 1024;

/// Serves the bench wizard, its files staged in `dir`, scanned by `clamd`.
fn serve(dir: &std::path::Path, clamd: Option<ClamAv>) -> std::net::SocketAddr {
    let staging = Staging::local(dir).unwrap_or_else(|e| panic!("staging: {e}"));
    let mut uploads = Uploads::new(staging).request_limit(12 * 1024 * 1024);
    if let Some(clamd) = clamd {
        uploads = uploads.scanner(clamd);
    }
    let config = WizardConfig::default()
        .secure_cookies(false)
        .uploads(uploads);
    let wizard = actix_wizard::WizardService::<Bench>::new("/bench", config.clone());
    let store = MemoryStore::default();
    let key = Key::generate();
    let server = HttpServer::new(move || {
        App::new()
            .wrap(actix_wizard::http::session_middleware(
                store.clone(),
                key.clone(),
                &config,
            ))
            .service(wizard.clone())
    })
    .workers(2)
    .bind(("127.0.0.1", 0))
    .unwrap_or_else(|e| panic!("bind: {e}"));
    let address = server.addrs()[0];
    actix_web::rt::spawn(server.run());
    address
}

/// One HTTP/1.1 exchange: the response's head and body as text.
async fn exchange(
    address: std::net::SocketAddr,
    head: String,
    file: Option<(&str, &str)>,
) -> String {
    let mut stream = TcpStream::connect(address)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    stream
        .write_all(head.as_bytes())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some((before, after)) = file {
        stream
            .write_all(before.as_bytes())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut chunk = vec![b'x'; 64 * 1024];
        chunk[..9].copy_from_slice(b"%PDF-1.4\n");
        let mut sent = 0;
        while sent < MB10 {
            stream
                .write_all(&chunk)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            chunk[..9].copy_from_slice(b"xxxxxxxxx");
            sent += chunk.len();
        }
        stream
            .write_all(after.as_bytes())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// A visitor's upload of one 10 MB file; the status line of the answer.
async fn upload(address: std::net::SocketAddr) -> String {
    let get = "GET /bench/file HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_owned();
    let page = exchange(address, get, None).await;
    let cookies: Vec<&str> = page
        .lines()
        .filter_map(|line| {
            line.strip_prefix("set-cookie: ")
                .or(line.strip_prefix("Set-Cookie: "))
        })
        .filter_map(|cookie| cookie.split(';').next())
        .collect();
    let token = page
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default();
    let before = format!(
        "--B\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n\
         --B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\n\r\n"
    );
    let after =
        "\r\n--B\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\nnext\r\n--B--\r\n";
    let length = before.len() + MB10 + after.len();
    let post = format!(
        "POST /bench/file HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: {}\r\n\
         Content-Type: multipart/form-data; boundary=B\r\nContent-Length: {length}\r\n\r\n",
        cookies.join("; ")
    );
    let answer = exchange(address, post, Some((&before, after))).await;
    answer.lines().next().unwrap_or_default().to_owned()
}

/// The median time of `rounds` uploads, one at a time.
async fn time_one(address: std::net::SocketAddr, rounds: usize) -> Duration {
    let mut times = Vec::new();
    for _ in 0..rounds {
        let started = Instant::now();
        let status = upload(address).await;
        assert!(
            status.contains("303"),
            "the upload was not accepted: {status}"
        );
        times.push(started.elapsed());
    }
    times.sort();
    times[times.len() / 2]
}

/// The process's peak resident memory so far, in KiB.
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[actix_web::main]
async fn main() {
    let dir =
        std::env::temp_dir().join(format!("actix-wizard-upload-bench-{}", std::process::id()));
    let plain = serve(&dir.join("plain"), None);
    // Warm up, then the figures.
    time_one(plain, 1).await;
    let unscanned = time_one(plain, 5).await;
    println!(
        "accept one 10 MB file, not scanned: {:.0} ms (median of 5)",
        unscanned.as_secs_f64() * 1000.0
    );
    let before = peak_kib();
    let ten: Vec<_> = (0..10)
        .map(|_| actix_web::rt::spawn(upload(plain)))
        .collect();
    for visitor in ten {
        let status = visitor.await.unwrap_or_default();
        assert!(
            status.contains("303"),
            "an upload was not accepted: {status}"
        );
    }
    let after = peak_kib();
    println!(
        "ten visitors uploading 10 MB each at once: peak memory {} MiB before, {} MiB after (+{} MiB for 100 MB received)",
        before / 1024,
        after / 1024,
        after.saturating_sub(before) / 1024
    );
    match clamd() {
        Some((mut process, address)) => {
            let scanned = serve(&dir.join("scanned"), ClamAv::from_address(&address));
            time_one(scanned, 1).await;
            let with_scan = time_one(scanned, 5).await;
            println!(
                "accept one 10 MB file, scanned by clamd: {:.0} ms (median of 5)",
                with_scan.as_secs_f64() * 1000.0
            );
            let _ = process.kill();
        }
        None => println!("accept one 10 MB file, scanned: not measured (no clamd installed)"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A clamd of the bench's own, with one test signature (as the tests'),
/// once it answers on its port.
fn clamd() -> Option<(std::process::Child, String)> {
    let dir = std::env::temp_dir().join(format!("actix-wizard-bench-clamd-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("db")).ok()?;
    std::fs::write(dir.join("db/test.ndb"), "Bench.Test:0:*:4243444546474849\n").ok()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .ok()?
        .local_addr()
        .ok()?
        .port();
    let config = format!(
        "DatabaseDirectory {}\nTCPSocket {port}\nTCPAddr 127.0.0.1\nForeground yes\nStreamMaxLength 30M\n",
        dir.join("db").display()
    );
    std::fs::write(dir.join("clamd.conf"), config).ok()?;
    let program = ["clamd", "/usr/sbin/clamd"].into_iter().find(|p| {
        std::process::Command::new(p)
            .arg("--version")
            .output()
            .is_ok()
    })?;
    let child = std::process::Command::new(program)
        .arg("-c")
        .arg(dir.join("clamd.conf"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Some((child, format!("tcp://127.0.0.1:{port}")))
}
