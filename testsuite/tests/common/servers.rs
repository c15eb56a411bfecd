//! Real Redis and memcached servers for the store tests: the machine's
//! own, or processes the tests start on free ports.
//!
//! On a laptop without a server the test prints why it skips; with
//! `CI=true` a missing server fails the test instead.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// Whether every store test must run (CI), rather than skip.
pub fn required() -> bool {
    matches!(std::env::var("CI").as_deref(), Ok("true" | "1"))
}

/// Skips (printing why) or, in CI, fails.
pub fn skip(reason: &str) {
    assert!(!required(), "{reason} (CI=true: store tests may not skip)");
    eprintln!("SKIPPED: {reason}");
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

fn wait_for_port(port: u16, up: bool) -> bool {
    let state = if up { "answers" } else { "refuses" };
    super::wait::until_blocking(&format!("port {port} {state}"), || {
        TcpStream::connect(("127.0.0.1", port)).is_ok() == up
    })
}

/// The scheduler state of process `pid` (`R`, `S`, `T` for stopped...),
/// from `/proc/PID/stat`.
fn process_state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name in parentheses may hold spaces: the state follows
    // the last `)`.
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}

/// A server process this test started; killed when dropped.
pub struct ServerProcess {
    program: &'static str,
    args: Vec<String>,
    child: Option<Child>,
    pub port: u16,
    _dir: Option<TempDir>,
}

impl ServerProcess {
    fn start(
        program: &'static str,
        args: Vec<String>,
        port: u16,
        dir: Option<TempDir>,
    ) -> Option<Self> {
        let mut server = Self {
            program,
            args,
            child: None,
            port,
            _dir: dir,
        };
        server.restart().then_some(server)
    }

    /// Starts it (again) on the same port with the same arguments.
    pub fn restart(&mut self) -> bool {
        let child = Command::new(self.program)
            .args(&self.args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        match child {
            Ok(child) => {
                self.child = Some(child);
                wait_for_port(self.port, true)
            }
            Err(_) => false,
        }
    }

    /// Stops it gracefully (SIGTERM) and waits until the port is closed.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").arg(child.id().to_string()).status();
            let _ = child.wait();
        }
        assert!(
            wait_for_port(self.port, false),
            "{} did not stop",
            self.program
        );
    }

    /// Freezes it (SIGSTOP): the port stays open but nothing answers.
    /// Returns once the kernel says the process is stopped.
    pub fn pause(&self) {
        self.signal("-STOP");
        self.wait_for_state("stopped", |state| state == 'T');
    }

    /// Thaws it (SIGCONT), and returns once it runs again.
    pub fn resume(&self) {
        self.signal("-CONT");
        self.wait_for_state("running", |state| state != 'T');
    }

    fn wait_for_state(&self, what: &str, wanted: impl Fn(char) -> bool) {
        if let Some(child) = &self.child {
            let pid = child.id();
            assert!(
                super::wait::until_blocking(&format!("{} {what}", self.program), || {
                    process_state(pid).is_some_and(&wanted)
                }),
                "{} did not become {what}",
                self.program
            );
        }
    }

    fn signal(&self, signal: &str) {
        if let Some(child) = &self.child {
            let _ = Command::new("kill")
                .args([signal, &child.id().to_string()])
                .status();
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.signal("-CONT");
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(label: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "actix-wizard-{label}-{}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("temp dir: {e}"));
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The shared Redis: `REDIS_URL`, default `redis://127.0.0.1:6379`.
pub async fn shared_redis() -> Option<actix_wizard::store::RedisBackend> {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    match actix_wizard::store::RedisBackend::connect(&url).await {
        Ok(redis) => Some(redis),
        Err(e) => {
            skip(&format!("no Redis at {url} ({e}); set REDIS_URL"));
            None
        }
    }
}

/// A Redis of this test's own, writing an append-only file so that a
/// restart keeps its data.
pub fn own_redis() -> Option<ServerProcess> {
    // Another test's server may take the same free port first: ours then
    // cannot listen, and the port answers for the other. Ask the server
    // itself, and take another port when it is not a Redis.
    let mut started = None;
    for _ in 0..3 {
        let server = start_redis(free_port())?;
        if speaks(server.port, b"PING\r\n", b"+PONG") {
            started = Some(server);
            break;
        }
    }
    if started.is_none() {
        skip("redis-server could not be started on a port of its own");
    }
    started
}

/// Whether the server on `port` answers `ask` with a reply that starts
/// with `reply`.
fn speaks(port: u16, ask: &[u8], reply: &[u8]) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let mut read = vec![0u8; reply.len()];
    stream.write_all(ask).is_ok() && stream.read_exact(&mut read).is_ok() && read == reply
}

fn start_redis(port: u16) -> Option<ServerProcess> {
    let dir = TempDir::new("redis");
    let args = vec![
        "--port".into(),
        port.to_string(),
        "--bind".into(),
        "127.0.0.1".into(),
        "--save".into(),
        String::new(),
        "--appendonly".into(),
        "yes".into(),
        "--appendfsync".into(),
        "always".into(),
        "--dir".into(),
        dir.0.display().to_string(),
    ];
    let server = ServerProcess::start("redis-server", args, port, Some(dir));
    if server.is_none() {
        skip("redis-server could not be started (is it installed?)");
    }
    server
}

/// A memcached of this test's own on a free port.
pub fn own_memcached() -> Option<ServerProcess> {
    let port = free_port();
    let args = vec![
        "-u".into(),
        "root".into(),
        "-l".into(),
        "127.0.0.1".into(),
        "-p".into(),
        port.to_string(),
        "-U".into(),
        "0".into(),
        "-m".into(),
        "64".into(),
    ];
    let server = ServerProcess::start("memcached", args, port, None);
    if server.is_none() {
        skip("memcached could not be started (apt-get install memcached)");
    }
    server
}

/// One figure of memcached's `stats` on `port` (`total_connections`,
/// `curr_connections`...). The stats connection itself counts as one.
pub fn memcached_stat(port: u16, name: &str) -> u64 {
    use std::io::{Read, Write};
    let mut stream = TcpStream::connect(("127.0.0.1", port))
        .unwrap_or_else(|e| panic!("memcached on {port}: {e}"));
    stream
        .write_all(b"stats\r\n")
        .unwrap_or_else(|e| panic!("memcached stats: {e}"));
    let mut text = String::new();
    let mut buffer = [0u8; 4096];
    while !text.ends_with("END\r\n") {
        let read = stream
            .read(&mut buffer)
            .unwrap_or_else(|e| panic!("memcached stats: {e}"));
        assert!(read > 0, "memcached closed the stats connection");
        text.push_str(&String::from_utf8_lossy(&buffer[..read]));
    }
    text.lines()
        .filter_map(|line| line.strip_prefix("STAT "))
        .filter_map(|line| line.split_once(' '))
        .find(|(key, _)| *key == name)
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or_else(|| panic!("memcached stats has no {name}"))
}

/// memcached: `MEMCACHED_URL` if set, else one this test starts (kept
/// alive by the returned process).
pub async fn memcached() -> Option<(actix_wizard::store::MemcachedStore, Option<ServerProcess>)> {
    let (url, process) = match std::env::var("MEMCACHED_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(url) => (url, None),
        None => {
            let process = own_memcached()?;
            (
                format!("memcache://127.0.0.1:{}", process.port),
                Some(process),
            )
        }
    };
    match actix_wizard::store::MemcachedStore::connect(&url).await {
        Ok(store) => Some((store, process)),
        Err(e) => {
            skip(&format!("no memcached at {url} ({e})"));
            None
        }
    }
}

/// The EICAR anti-virus test string (harmless, and found by every
/// scanner), put together here so that this file is not itself found.
pub fn eicar() -> Vec<u8> {
    let halves = [
        r"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-",
        "STANDARD-ANTIVIRUS-TEST-FILE!$H+H*",
    ];
    halves.concat().into_bytes()
}

/// A ClamAV daemon of this test's own on a free port, with a database of
/// one body signature: the EICAR string anywhere in a file (so that a PDF
/// with it inside passes the type check and is caught by the scan). No
/// virus database is downloaded; clamd starts in about a second with it.
pub fn own_clamd() -> Option<ServerProcess> {
    let Some(program) = ["clamd", "/usr/sbin/clamd"].into_iter().find(|program| {
        Command::new(program)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    }) else {
        skip("no clamd (apt-get install clamav-daemon)");
        return None;
    };
    let port = free_port();
    let dir = TempDir::new("clamd");
    let database = dir.0.join("db");
    std::fs::create_dir_all(&database).unwrap_or_else(|e| panic!("{e}"));
    let hex: String = eicar().iter().map(|b| format!("{b:02x}")).collect();
    let signature = format!("ActixWizard.Test.EICAR:0:*:{hex}\n");
    std::fs::write(database.join("test.ndb"), signature).unwrap_or_else(|e| panic!("{e}"));
    let config = format!(
        "DatabaseDirectory {}\nTCPSocket {port}\nTCPAddr 127.0.0.1\nForeground yes\n\
         LogFile {}\nUser root\nStreamMaxLength 30M\n",
        database.display(),
        dir.0.join("clamd.log").display(),
    );
    let path = dir.0.join("clamd.conf");
    std::fs::write(&path, config).unwrap_or_else(|e| panic!("{e}"));
    let args = vec!["-c".into(), path.display().to_string()];
    let server = ServerProcess::start(program, args, port, Some(dir));
    if server.is_none() {
        skip("clamd could not be started");
    }
    server
}

/// An SMTP server of this test's own on a free port: aiosmtpd (PyPI) with
/// its Mailbox handler, which writes each message to the Maildir `{dir}`
/// before it answers, so a test reads a message as soon as it was sent.
/// The Maildir's `new/` holds the messages.
#[allow(dead_code)]
pub fn own_smtp() -> Option<(ServerProcess, std::path::PathBuf)> {
    let present = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !present {
        skip("no SMTP sink (pip install aiosmtpd)");
        return None;
    }
    let port = free_port();
    let dir = TempDir::new("smtp");
    let maildir = dir.0.join("mail");
    let args = vec![
        "-m".into(),
        "aiosmtpd".into(),
        "-n".into(),
        "-l".into(),
        format!("127.0.0.1:{port}"),
        "-c".into(),
        "aiosmtpd.handlers.Mailbox".into(),
        maildir.display().to_string(),
    ];
    let server = ServerProcess::start("python3", args, port, Some(dir));
    if server.is_none() {
        skip("the SMTP sink could not be started");
    }
    server.map(|server| (server, maildir))
}
