//! What "save and come back later" costs, measured:
//!
//! - the time from a save's first statement to its message being on the
//!   SMTP server's disk: the limit's count and record, the saved run's
//!   row (SQLite, in a file), the message sent through SMTP to aiosmtpd
//!   (started here; `pip install aiosmtpd`), which writes each message
//!   before it answers;
//! - what a saved row occupies, for runs of sealed states of given sizes.
//!
//! `cargo run --release --example save_bench --features save-and-return`

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use actix_wizard::save_return::{
    Letter, LinkStatus, Mailer, SavedRun, SavedRuns, Smtp, SqlSavedRuns,
};

const ROUNDS: usize = 30;

struct Sink {
    child: Child,
    dir: PathBuf,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(2525)
}

/// aiosmtpd on a free port, writing to a Maildir.
fn start_sink() -> Result<(Sink, u16), String> {
    let port = free_port();
    let dir = std::env::temp_dir().join(format!("save-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let child = Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(dir.join("mail"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("python3 -m aiosmtpd: {e}"))?;
    let sink = Sink { child, dir };
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok((sink, port));
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    Err("aiosmtpd did not start (pip install aiosmtpd)".into())
}

fn messages(dir: &Path) -> usize {
    std::fs::read_dir(dir.join("mail").join("new")).map_or(0, |d| d.count())
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[actix_web::main]
async fn main() -> Result<(), String> {
    let (sink, port) = start_sink()?;
    let db = sink.dir.join("saved.db");
    let url = format!("sqlite:{}?mode=rwc", db.display());
    let saved = SqlSavedRuns::connect(&url)
        .await
        .map_err(|e| e.to_string())?;
    saved.migrate().await.map_err(|e| e.to_string())?;
    let smtp = Smtp::new(
        &format!("smtp://127.0.0.1:{port}"),
        "Bench <bench@example.com>",
    )
    .map_err(|e| e.to_string())?;
    let sealed = "x".repeat(6000);
    let mut times = Vec::new();
    for round in 0..ROUNDS {
        let started = Instant::now();
        let senders = [format!("address-{round}"), format!("session-{round}")];
        saved.sends(&senders, 0).await.map_err(|e| e.to_string())?;
        saved.sent(&senders, 1).await.map_err(|e| e.to_string())?;
        let run = SavedRun {
            run: format!("run-{round}"),
            wizard: "claim".into(),
            page: "/claim/bank".into(),
            token_hash: format!("token-{round}"),
            email_tag: "tag".into(),
            sealed: sealed.clone(),
            saved_at: 1,
            expires_at: u64::MAX / 2,
            wrong_tries: 0,
            status: LinkStatus::Live,
        };
        saved.keep(&run).await.map_err(|e| e.to_string())?;
        let letter = Letter {
            to: "ann@example.com".into(),
            subject: "Your saved answers".into(),
            body: format!("http://127.0.0.1/claim/resume/{}", "t".repeat(43)),
        };
        smtp.send(&letter).await.map_err(|e| e.to_string())?;
        while messages(&sink.dir) < round + 1 {
            tokio::task::yield_now().await;
        }
        times.push(started.elapsed());
    }
    let row = std::fs::metadata(&db).map_or(0, |m| m.len()) / ROUNDS as u64;
    println!(
        "save to message on the SMTP server's disk: median {:.1} ms over {ROUNDS} saves (3 statements, one SMTP send)",
        median(times).as_secs_f64() * 1000.0
    );
    println!("SQLite file per saved run of a 6,000-byte sealed state: about {row} bytes");
    Ok(())
}
