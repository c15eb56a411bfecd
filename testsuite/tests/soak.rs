//! The signup example on a real server on loopback under load and abuse:
//! a thousand visitors at once, slow clients, oversized forms.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use actix_web::web;
use common::app::{Accounts, CLIENT_REQUEST_TIMEOUT};
use common::encode;
use common::http::Visitor;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Serves the signup example as `main.rs` does, on a free port.
fn serve(accounts: web::Data<Accounts>) -> SocketAddr {
    // actix-web's own cap on connections per worker.
    common::serve_signup(common::config(), accounts, 2, 25_000)
}

/// One visitor's whole signup; checks every page it sees is its own.
async fn sign_up(addr: SocketAddr, n: usize) -> Result<(), String> {
    let mut v = Visitor::new(addr);
    let email = format!("visitor{n}@example.com");
    let name = format!("Visitor {n}");
    let step = |r: &common::http::Response, status: u16, what: &str| {
        if r.status == status {
            Ok(())
        } else {
            Err(format!(
                "visitor {n}: {what} gave {} ({:?})",
                r.status, r.location
            ))
        }
    };
    let io = |e: std::io::Error| format!("visitor {n}: {e}");

    let r = v.get("/signup").await.map_err(io)?;
    step(&r, 303, "entry")?;
    let r = v.get("/signup/account").await.map_err(io)?;
    step(&r, 200, "account page")?;
    let token = r.csrf().ok_or(format!("visitor {n}: no token"))?;
    let form = encode(&[
        ("csrf_token", &token),
        ("email", &email),
        ("password", "secret123"),
        ("password_confirm", "secret123"),
        ("account_type", "personal"),
        ("action", "next"),
    ]);
    step(
        &v.post("/signup/account", &form).await.map_err(io)?,
        303,
        "account post",
    )?;
    step(
        &v.get("/signup/profile").await.map_err(io)?,
        200,
        "profile page",
    )?;
    let form = encode(&[
        ("csrf_token", &token),
        ("display_name", &name),
        ("age", "30"),
        ("interests", "rust"),
        ("action", "next"),
    ]);
    step(
        &v.post("/signup/profile", &form).await.map_err(io)?,
        303,
        "profile post",
    )?;
    let review = v.get("/signup/review").await.map_err(io)?;
    step(&review, 200, "review page")?;
    if !review.body.contains(&format!(">{email}<")) || !review.body.contains(&format!(">{name}<")) {
        return Err(format!(
            "visitor {n}: the review shows someone else's answers"
        ));
    }
    let form = encode(&[
        ("csrf_token", &token),
        ("accept_terms", "yes"),
        ("action", "finish"),
    ]);
    let done = v.post("/signup/review", &form).await.map_err(io)?;
    step(&done, 303, "finish")?;
    let welcome = v.get("/signup/complete").await.map_err(io)?;
    if !welcome.body.contains(&format!("Welcome, {name}<")) {
        return Err(format!("visitor {n}: wrong or no welcome"));
    }
    Ok(())
}

#[actix_rt::test]
async fn a_thousand_visitors_at_once_each_get_their_own_signup_once() {
    const VISITORS: usize = 1000;
    let accounts = web::Data::new(Accounts::default());
    let addr = serve(accounts.clone());
    let started = Instant::now();
    let flows: Vec<_> = (0..VISITORS)
        .map(|n| actix_rt::spawn(sign_up(addr, n)))
        .collect();
    let mut failures = Vec::new();
    for flow in flows {
        match tokio::time::timeout(Duration::from_secs(120), flow).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(failure))) => failures.push(failure),
            Ok(Err(join)) => failures.push(format!("task failed: {join}")),
            Err(_) => failures.push("a visitor did not finish within 120 s".to_owned()),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures, first: {:?}",
        failures.len(),
        failures.first()
    );
    assert_eq!(accounts.count().await, VISITORS);
    for n in 0..VISITORS {
        let account = accounts
            .get(&format!("visitor{n}@example.com"))
            .await
            .unwrap_or_else(|| panic!("visitor {n} has no account"));
        assert_eq!(
            account.display_name,
            format!("Visitor {n}"),
            "crossed answers"
        );
    }
    eprintln!("{VISITORS} signups in {:?}", started.elapsed());
}

/// A slowloris client: one more header byte every half second, never
/// finishing its request, until the server hangs up.
async fn trickle_until_closed(mut stream: TcpStream) {
    let mut pace = tokio::time::interval(Duration::from_millis(500));
    let mut buffer = [0u8; 512];
    loop {
        tokio::select! {
            read = stream.read(&mut buffer) => {
                // The server's 408 answer, then the close (or a reset).
                if matches!(read, Ok(0) | Err(_)) {
                    return;
                }
            }
            _ = pace.tick() => {
                if stream.write_all(b"X").await.is_err() {
                    return;
                }
            }
        }
    }
}

#[actix_rt::test]
async fn slow_clients_do_not_stall_other_visitors() {
    let accounts = web::Data::new(Accounts::default());
    let addr = serve(accounts.clone());
    // 200 clients that send a request head a byte at a time, slowly.
    let mut slow = Vec::new();
    for _ in 0..200 {
        let mut stream = TcpStream::connect(addr)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        stream
            .write_all(b"GET /signup/account HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        slow.push(stream);
    }
    // Each keeps trickling a header byte at a slow client's pace until the
    // server closes its connection: the test waits for that, with a
    // deadline far past the request timeout as the only failure bound.
    let trickle = actix_rt::spawn(async move {
        let cut_off = futures_util::future::join_all(slow.into_iter().map(trickle_until_closed));
        tokio::time::timeout(CLIENT_REQUEST_TIMEOUT * 6, cut_off)
            .await
            .map(|closed| closed.len())
            .unwrap_or(0)
    });

    // Meanwhile a normal visitor signs up, every page answered promptly.
    let started = Instant::now();
    sign_up(addr, 1).await.unwrap_or_else(|e| panic!("{e}"));
    assert!(
        started.elapsed() < CLIENT_REQUEST_TIMEOUT,
        "a normal signup took {:?} among slow clients",
        started.elapsed()
    );
    let closed = trickle.await.unwrap_or(0);
    assert_eq!(
        closed, 200,
        "slow clients must be cut off by the request timeout"
    );
}

#[actix_rt::test]
async fn a_form_with_ten_thousand_fields_is_refused_before_it_is_read() {
    let accounts = web::Data::new(Accounts::default());
    let addr = serve(accounts);
    let mut v = Visitor::new(addr);
    let page = v
        .get("/signup/account")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let token = page.csrf().unwrap_or_default();
    let fields = format!("csrf_token={token}{}", "&a=1".repeat(10_000));
    let refused = v
        .post("/signup/account", &fields)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(refused.status, 413);
    // A declared megabyte is refused before its body is even sent.
    let mut stream = TcpStream::connect(addr)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let head = format!(
        "POST /signup/account HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: 1000000\r\nConnection: close\r\n\r\ncsrf_token={token}&email="
    );
    stream
        .write_all(head.as_bytes())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "no answer before the body was sent");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}
