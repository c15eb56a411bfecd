//! The benchmark: complete signups per second of actix-wizard's signup
//! example against the hand-written baseline, on the embedded store and on
//! memcached.
//!
//!     cargo run --release --example bench
//!
//! It builds both apps and the load generator in release mode, runs each
//! app pinned to core 0 (`taskset`) with one worker while the load
//! generator runs on core 1, alternates the two apps for several rounds,
//! and prints the ratio actix-wizard / baseline per store, the p99 latency
//! per request at 16 users (the wizard's and the baseline's), the bytes
//! stored per signup in progress, and the session store's reads and writes
//! per bare page view and per complete signup; then an extra row where both
//! keep their accounts in SQLite, another where the signup also writes its
//! funnel's events there (the baseline has no funnel), and the database
//! statements per page view and per signup.
//! The ratio is the median over rounds of each round's pair (the two apps
//! run back to back), so that a machine whose speed drifts between rounds
//! moves both sides of a pair alike.
//! `BENCH_ROUNDS` (5), `BENCH_SECONDS` (10) and `BENCH_USERS` (16) change
//! the run; `BENCH_STORES` (`embedded,memcached,sqlite,sqlite+funnel`)
//! picks the rows.

#[allow(dead_code)]
#[path = "signup/app.rs"]
mod app;
#[path = "shared/signup_flow.rs"]
mod signup_flow;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::Key;
use actix_web::cookie::time::Duration as Ttl;
use actix_web::test::{self, TestRequest};
use actix_web::{App, web};
use actix_wizard::{MemoryStore, WizardConfig, WizardSetup};
use serde_json::Value;

const KEY_HEX: &str = "5f3a9c1e7d2b4a6f8e0c1d3b5a7f9e2c4d6b8a0f1e3c5b7d9a2f4e6c8b0d1a3f5e7c9b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d2f4a6c8e0b";

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(18080)
}

/// `taskset -c CORE program` when taskset exists, else the program alone.
fn pinned(core: u32, program: &str) -> Command {
    let has_taskset = Command::new("taskset")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok();
    if has_taskset {
        let mut command = Command::new("taskset");
        command.args(["-c", &core.to_string(), program]);
        command
    } else {
        Command::new(program)
    }
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts an app and waits for its ready line.
fn start_app(
    name: &str,
    store: &str,
    database: &str,
    funnel: bool,
) -> Result<(Running, String), String> {
    let addr = format!("127.0.0.1:{}", free_port());
    let mut child = pinned(0, &format!("target/release/examples/{name}"))
        .env("FUNNEL_EVENTS", if funnel { "on" } else { "off" })
        .env("ADDR", &addr)
        .env("WORKERS", "1")
        .env("SESSION_STORE", store)
        .env("DATABASE_URL", database)
        .env("SESSION_KEY", KEY_HEX)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{name}: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut ready = String::new();
    BufReader::new(stdout)
        .read_line(&mut ready)
        .map_err(|e| e.to_string())?;
    if !ready.contains("listening") {
        return Err(format!("{name} did not start: {ready}"));
    }
    Ok((Running(child), addr))
}

fn run_load(addr: &str, users: u64, seconds: u64) -> Result<Value, String> {
    run_load_with_warmup(addr, users, seconds, 2)
}

fn run_load_with_warmup(
    addr: &str,
    users: u64,
    seconds: u64,
    warmup: u64,
) -> Result<Value, String> {
    let output = pinned(1, "target/release/examples/loadgen")
        .args([
            "--url",
            &format!("http://{addr}"),
            "--users",
            &users.to_string(),
            "--seconds",
            &seconds.to_string(),
            "--warmup",
            &warmup.to_string(),
        ])
        .output()
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&output.stdout);
    let json = text
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .ok_or(format!("no result: {text}"))?;
    serde_json::from_str(json).map_err(|e| e.to_string())
}

/// memcached's own count of the commands it served (gets, sets and
/// adds, touches, deletes), from its `stats`.
fn memcached_commands(port: u16) -> Result<u64, String> {
    use std::io::{Read, Write};
    let mut stream =
        std::net::TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream.write_all(b"stats\r\n").map_err(|e| e.to_string())?;
    let mut text = String::new();
    let mut buffer = [0u8; 4096];
    while !text.ends_with("END\r\n") {
        let read = stream.read(&mut buffer).map_err(|e| e.to_string())?;
        if read == 0 {
            return Err("memcached closed the stats connection".into());
        }
        text.push_str(&String::from_utf8_lossy(&buffer[..read]));
    }
    let stat = |name: &str| -> u64 {
        text.lines()
            .filter_map(|line| line.strip_prefix("STAT "))
            .filter_map(|line| line.split_once(' '))
            .find(|(key, _)| *key == name)
            .and_then(|(_, value)| value.trim().parse().ok())
            .unwrap_or(0)
    };
    Ok([
        "cmd_get",
        "cmd_set",
        "cmd_touch",
        "delete_hits",
        "delete_misses",
    ]
    .iter()
    .map(|name| stat(name))
    .sum())
}

/// memcached commands per complete signup for `name`, counted by
/// memcached itself over a short load run without warm-up (so that every
/// command belongs to a counted flow, but for the few in flight at the
/// end).
fn memcached_commands_per_flow(name: &str, store: &str, port: u16) -> Result<f64, String> {
    let (running, addr) = start_app(name, store, "memory", false)?;
    let before = memcached_commands(port)?;
    let json = run_load_with_warmup(&addr, 4, 3, 0)?;
    let after = memcached_commands(port)?;
    drop(running);
    let flows = json["flows"].as_f64().unwrap_or(0.0);
    if flows == 0.0 {
        return Err(format!("{name}: no flow completed"));
    }
    Ok(after.saturating_sub(before) as f64 / flows)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// A store that counts what it is asked to do and remembers the largest
/// session it was given.
#[derive(Clone, Default)]
struct Measuring {
    inner: MemoryStore,
    counts: Arc<Mutex<StoreCounts>>,
}

/// Store operations: reads (`load`) and writes (`save`, `update`,
/// `update_ttl`, `delete`), and the largest session written.
#[derive(Clone, Copy, Default, Debug)]
struct StoreCounts {
    reads: u64,
    writes: u64,
    largest: usize,
}

impl Measuring {
    fn count(&self, write: bool, state: Option<&HashMap<String, String>>) {
        let size = state
            .and_then(|s| serde_json::to_string(s).ok())
            .map_or(0, |s| s.len());
        let mut counts = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        if write {
            counts.writes += 1;
        } else {
            counts.reads += 1;
        }
        counts.largest = counts.largest.max(size);
    }

    fn take(&self) -> StoreCounts {
        std::mem::take(&mut *self.counts.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl SessionStore for Measuring {
    async fn load(&self, key: &SessionKey) -> Result<Option<HashMap<String, String>>, LoadError> {
        self.count(false, None);
        self.inner.load(key).await
    }
    async fn save(
        &self,
        state: HashMap<String, String>,
        ttl: &Ttl,
    ) -> Result<SessionKey, SaveError> {
        self.count(true, Some(&state));
        self.inner.save(state, ttl).await
    }
    async fn update(
        &self,
        key: SessionKey,
        state: HashMap<String, String>,
        ttl: &Ttl,
    ) -> Result<SessionKey, UpdateError> {
        self.count(true, Some(&state));
        self.inner.update(key, state, ttl).await
    }
    async fn update_ttl(&self, key: &SessionKey, ttl: &Ttl) -> anyhow::Result<()> {
        self.count(true, None);
        self.inner.update_ttl(key, ttl).await
    }
    async fn delete(&self, key: &SessionKey) -> anyhow::Result<()> {
        self.count(true, None);
        self.inner.delete(key).await
    }
}

/// What the store does for the wizard, measured in-process with the
/// README's setup: per bare page view (no cookies), per complete signup
/// (the load generator's eight requests), and the largest session of a
/// signup in progress.
struct StoreCost {
    page_view: StoreCounts,
    signup: StoreCounts,
    /// Database statements, with the accounts in SQLite.
    statements_per_page_view: u64,
    statements_per_signup: u64,
}

async fn store_cost() -> Result<StoreCost, String> {
    let store = Measuring::default();
    let setup = WizardSetup::new(
        store.clone(),
        Key::generate(),
        WizardConfig::default().secure_cookies(false),
    );
    let accounts = web::Data::new(
        app::Accounts::open("sqlite::memory:")
            .await
            .map_err(|e| format!("SQLite: {e}"))?,
    );
    let service = test::init_service(
        App::new()
            .wrap(setup.middleware())
            .configure(app::routes(setup.wizard("/signup"), accounts.clone())),
    )
    .await;

    let bare = test::call_service(
        &service,
        TestRequest::get().uri("/signup/account").to_request(),
    )
    .await;
    if bare.status() != 200 {
        return Err(format!("a bare page view gave {}", bare.status()));
    }
    let page_view = store.take();
    let statements_per_page_view = accounts.statements();

    let welcomed = signup_flow::sign_up(&service, 0).await;
    if !welcomed {
        return Err("the measured signup did not complete".into());
    }
    Ok(StoreCost {
        statements_per_page_view,
        statements_per_signup: accounts.statements() - statements_per_page_view,
        page_view,
        signup: store.take(),
    })
}

fn main() -> ExitCode {
    let rounds = env_number("BENCH_ROUNDS", 5);
    let seconds = env_number("BENCH_SECONDS", 10);
    let users = env_number("BENCH_USERS", 16);

    println!("building the apps and the load generator (release)...");
    let built = Command::new("cargo")
        .args([
            "build",
            "--release",
            "--package",
            "actix-wizard-examples",
            // Both apps read SESSION_STORE=memcache://… in the second row.
            "--features",
            "memcached",
            "--example",
            "signup",
            "--example",
            "baseline",
            "--example",
            "loadgen",
        ])
        .status();
    if !matches!(built, Ok(status) if status.success()) {
        eprintln!("bench: the build failed");
        return ExitCode::FAILURE;
    }

    let cost = match actix_web::rt::System::new().block_on(store_cost()) {
        Ok(cost) => cost,
        Err(reason) => {
            eprintln!("bench: could not measure the store's work: {reason}");
            return ExitCode::FAILURE;
        }
    };
    let size = cost.signup.largest;

    let memcached_port = free_port();
    let memcached = pinned(1, "memcached")
        .args([
            "-u",
            "root",
            "-l",
            "127.0.0.1",
            "-p",
            &memcached_port.to_string(),
            "-m",
            "256",
            "-U",
            "0",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()
        .map(Running);
    // Wait until memcached answers on its port (or its process is gone).
    let memcached = memcached.filter(|_| {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            if std::net::TcpStream::connect(("127.0.0.1", memcached_port)).is_ok() {
                return true;
            }
            std::thread::yield_now();
        }
        false
    });
    // The ratio of the previous issue: accounts in memory on both sides.
    let mut stores = vec![("embedded", "memory".to_owned(), false, false)];
    if memcached.is_some() {
        stores.push((
            "memcached",
            format!("memcache://127.0.0.1:{memcached_port}"),
            false,
            false,
        ));
    } else {
        println!("memcached is not installed: measuring the embedded store only");
    }
    // The extra row: both apps keep their accounts in SQLite (a fresh file
    // each run), the session in the embedded store.
    // The baseline has no funnel, so the row compares like with like;
    // the next one measures what the signup's funnel costs on top (its
    // events share the SQLite file, and its one write lock, with the
    // accounts).
    stores.push(("sqlite", "memory".to_owned(), true, false));
    stores.push(("sqlite+funnel", "memory".to_owned(), true, true));
    if let Ok(wanted) = std::env::var("BENCH_STORES") {
        let wanted: Vec<&str> = wanted.split(',').map(str::trim).collect();
        stores.retain(|(label, _, _, _)| wanted.contains(label));
    }

    let mut report = Vec::new();
    let mut all_ok = true;
    for (label, store, with_database, funnel) in &stores {
        let mut flows: HashMap<&str, Vec<f64>> = HashMap::new();
        let mut p99s: HashMap<&str, Vec<f64>> = HashMap::new();
        for round in 0..rounds {
            let order = if round % 2 == 0 {
                ["signup", "baseline"]
            } else {
                ["baseline", "signup"]
            };
            for name in order {
                let file = std::env::temp_dir().join(format!("bench-{name}-{}.db", free_port()));
                let database = match with_database {
                    true => format!("sqlite:{}?mode=rwc", file.display()),
                    false => "memory".to_owned(),
                };
                let result =
                    start_app(name, store, &database, *funnel).and_then(|(running, addr)| {
                        let result = run_load(&addr, users, seconds);
                        drop(running);
                        result
                    });
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
                }
                match result {
                    Ok(json) => {
                        let rate = json["flows_per_sec"].as_f64().unwrap_or(0.0);
                        let failed = json["failed_flows"].as_u64().unwrap_or(0);
                        println!(
                            "{label:<13} round {} {name:<8} {rate:>8.1} flows/s, worst p99 {:>6} µs, {failed} failed",
                            round + 1,
                            json["worst_p99_us"]
                        );
                        if failed > 0 {
                            all_ok = false;
                        }
                        flows.entry(name).or_default().push(rate);
                        p99s.entry(name)
                            .or_default()
                            .push(json["worst_p99_us"].as_f64().unwrap_or(0.0));
                    }
                    Err(reason) => {
                        eprintln!("bench: {name} on {label}: {reason}");
                        return ExitCode::FAILURE;
                    }
                }
            }
        }
        // The ratio of each round's pair (the two apps ran back to back),
        // then the median over rounds: a machine whose speed drifts between
        // rounds moves both apps of a pair alike.
        let none = Vec::new();
        let mut ratios: Vec<f64> = flows
            .get("signup")
            .unwrap_or(&none)
            .iter()
            .zip(flows.get("baseline").unwrap_or(&none))
            .filter(|(_, baseline)| **baseline > 0.0)
            .map(|(wizard, baseline)| wizard / baseline)
            .collect();
        let ratio = median(&mut ratios);
        let wizard = median(flows.entry("signup").or_default());
        let baseline = median(flows.entry("baseline").or_default());
        let wizard_p99 = median(p99s.entry("signup").or_default());
        let baseline_p99 = median(p99s.entry("baseline").or_default());
        report.push((label, wizard, baseline, ratio, wizard_p99, baseline_p99));
    }

    // The store's own count of what each app asked of it.
    let commands = memcached.as_ref().and_then(|_| {
        let store = format!("memcache://127.0.0.1:{memcached_port}");
        match (
            memcached_commands_per_flow("signup", &store, memcached_port),
            memcached_commands_per_flow("baseline", &store, memcached_port),
        ) {
            (Ok(wizard), Ok(baseline)) => Some((wizard, baseline)),
            (wizard, baseline) => {
                eprintln!("bench: memcached stats: {wizard:?} {baseline:?}");
                None
            }
        }
    });

    println!();
    println!(
        "store          actix-wizard   baseline   ratio   worst p99 µs ({users} users): wizard  baseline"
    );
    for (label, wizard, baseline, ratio, p99, baseline_p99) in &report {
        println!(
            "{label:<13} {wizard:>10.1}/s {baseline:>9.1}/s  {ratio:>5.2}x  {p99:>8.0} {baseline_p99:>9.0}"
        );
    }
    println!("stored per signup in progress: {size} bytes (target <= 1024)");
    println!(
        "store operations: per bare page view {} reads, {} writes; per complete signup {} reads, {} writes",
        cost.page_view.reads, cost.page_view.writes, cost.signup.reads, cost.signup.writes
    );
    println!(
        "database statements (accounts in SQLite): per bare page view {}, per complete signup {}",
        cost.statements_per_page_view, cost.statements_per_signup
    );
    if let Some((wizard, baseline)) = commands {
        println!(
            "memcached commands per complete signup, counted by memcached: actix-wizard {wizard:.1}, baseline {baseline:.1}"
        );
    }
    let commands_json = commands
        .map(|(wizard, baseline)| {
            format!(r#""memcached_commands_per_signup":{{"wizard":{wizard:.1},"baseline":{baseline:.1}}},"#)
        })
        .unwrap_or_default();
    let json: Vec<String> = report
        .iter()
        .map(|(label, wizard, baseline, ratio, p99, baseline_p99)| format!(r#""{label}":{{"wizard_flows_per_sec":{wizard:.1},"baseline_flows_per_sec":{baseline:.1},"ratio":{ratio:.3},"wizard_worst_p99_us":{p99:.0},"baseline_worst_p99_us":{baseline_p99:.0}}}"#))
        .collect();
    println!(
        r#"{{"rounds":{rounds},"seconds":{seconds},"users":{users},"bytes_per_signup_in_progress":{size},"store_ops":{{"page_view":{{"reads":{},"writes":{}}},"signup":{{"reads":{},"writes":{}}}}},"db_statements":{{"page_view":{},"signup":{}}},{commands_json}{}}}"#,
        cost.page_view.reads,
        cost.page_view.writes,
        cost.signup.reads,
        cost.signup.writes,
        cost.statements_per_page_view,
        cost.statements_per_signup,
        json.join(",")
    );
    drop(memcached);
    if all_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
