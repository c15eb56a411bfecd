//! A double (or triple) click on "Create account", the way a browser does
//! it: a real server on 127.0.0.1, the signup example with its real email
//! check, two or three raw POSTs with the same cookies released together,
//! 20 rounds, on each store. Every click must land on the completion page
//! (never on "An account with this email address already exists"), and
//! each signup creates one account.

mod common;

use std::net::SocketAddr;

use actix_web::web;
use actix_wizard::{MemoryStore, WizardSetup, ledger::MemcachedLedger, ledger::RedisLedger};
use common::app::Accounts;
use common::http::Visitor;
use common::{encode, servers};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

const ROUNDS: usize = 20;

/// Two workers, so that the clicks are truly handled at once.
const WORKERS: usize = 2;

async fn expect(v: &mut Visitor, method: &str, path: &str, form: Option<&str>, status: u16) {
    let reply = match form {
        Some(form) => v.post(path, form).await,
        None => v.get(path).await,
    }
    .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    assert_eq!(reply.status, status, "{method} {path}: {reply:?}");
}

/// One visitor to the review page, then `clicks` finish posts sent with
/// the same cookies and released together: every request is written but
/// its last byte, then all last bytes go at once.
async fn double_click(addr: SocketAddr, email: &str, clicks: usize) {
    let mut v = Visitor::new(addr);
    expect(&mut v, "GET", "/signup", None, 303).await;
    let page = v
        .get("/signup/account")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let token = page.csrf().unwrap_or_else(|| panic!("no token"));
    let account = encode(&[
        ("csrf_token", &token),
        ("email", email),
        ("password", "secret123"),
        ("password_confirm", "secret123"),
        ("account_type", "personal"),
        ("action", "next"),
    ]);
    expect(&mut v, "POST", "/signup/account", Some(&account), 303).await;
    let profile = encode(&[
        ("csrf_token", &token),
        ("display_name", "Ann"),
        ("age", "30"),
        ("interests", "rust"),
        ("action", "next"),
    ]);
    expect(&mut v, "POST", "/signup/profile", Some(&profile), 303).await;
    expect(&mut v, "GET", "/signup/review", None, 200).await;

    let finish = encode(&[
        ("csrf_token", &token),
        ("accept_terms", "yes"),
        ("action", "finish"),
    ]);
    let request = v.request("POST", "/signup/review", Some(&finish));
    let (most, last) = request.split_at(request.len() - 1);
    let mut streams = Vec::new();
    for _ in 0..clicks {
        let mut stream = TcpStream::connect(addr)
            .await
            .unwrap_or_else(|e| panic!("connect: {e}"));
        stream
            .write_all(most)
            .await
            .unwrap_or_else(|e| panic!("write: {e}"));
        streams.push(stream);
    }
    let replies = futures_util::future::join_all(
        streams
            .into_iter()
            .map(|stream| common::http::finish_exchange(stream, last)),
    )
    .await;
    for raw in replies {
        // Each click's answer, followed as the browser would with the
        // cookies that answer set.
        let mut tab = v.tab();
        let reply = tab.take_response(&raw);
        assert_eq!(reply.status, 303, "{email}, {clicks} clicks: {reply:?}");
        assert_eq!(
            reply.location.as_deref(),
            Some("/signup/complete"),
            "{email}, {clicks} clicks"
        );
        let complete = tab
            .get("/signup/complete")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            complete.body.contains("Welcome, Ann"),
            "{email}: {}",
            complete.body
        );
    }
}

/// `ROUNDS` signups, alternately double- and triple-clicked.
async fn rounds(addr: SocketAddr, accounts: &Accounts, label: &str) {
    let tag = servers::free_port();
    for round in 0..ROUNDS {
        let email = format!("click-{label}-{tag}-{round}@example.com");
        double_click(addr, &email, 2 + round % 2).await;
        assert!(
            accounts.get(&email).await.is_some(),
            "{email} has no account"
        );
    }
    assert_eq!(accounts.count().await, ROUNDS, "one account per signup");
}

#[actix_rt::test]
async fn double_clicks_on_the_memory_store_land_on_the_completion_page() {
    let setup = WizardSetup::new(MemoryStore::default(), common::key(), common::config());
    let signup = setup.wizard("/signup");
    let accounts = web::Data::new(Accounts::default());
    let addr = common::serve_example(setup, signup, accounts.clone(), WORKERS);
    rounds(addr, &accounts, "memory").await;
}

#[actix_rt::test]
async fn double_clicks_on_redis_land_on_the_completion_page() {
    let Some(redis) = servers::shared_redis().await else {
        return;
    };
    let setup = WizardSetup::new(redis.session_store(), common::key(), common::config());
    let signup = setup.wizard_with_ledger("/signup", RedisLedger::new(&redis));
    let accounts = web::Data::new(Accounts::default());
    let addr = common::serve_example(setup, signup, accounts.clone(), WORKERS);
    rounds(addr, &accounts, "redis").await;
}

#[actix_rt::test]
async fn double_clicks_on_memcached_land_on_the_completion_page() {
    let Some((store, _server)) = servers::memcached().await else {
        return;
    };
    let ledger = MemcachedLedger::new(&store);
    let setup = WizardSetup::new(store, common::key(), common::config());
    let signup = setup.wizard_with_ledger("/signup", ledger);
    let accounts = web::Data::new(Accounts::default());
    let addr = common::serve_example(setup, signup, accounts.clone(), WORKERS);
    rounds(addr, &accounts, "memcached").await;
}
