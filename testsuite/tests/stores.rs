//! The session stores against real servers: one contract for every store,
//! then outages, several app instances, restarts and store-side expiry.
//!
//! Redis: `REDIS_URL` (default `redis://127.0.0.1:6379`) or a redis-server
//! the test starts; memcached: `MEMCACHED_URL` or a memcached the test
//! starts. Without them the tests skip with a printed reason, unless
//! `CI=true`, where they fail.

mod common;

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::Duration;

use actix_session::storage::{SessionKey, SessionStore};
use actix_web::web;
use actix_wizard::testing::{Answers, Seen, TestApp};
use actix_wizard::{
    MemoryStore, WizardService, WizardSetup, ledger::MemcachedLedger, ledger::RedisLedger,
    ledger::RunLedger, store::RedisBackend,
};
use common::app::{AccountType, Accounts, Review, Signup};
use common::kit::{assert_account_intact, reach_profile};
use common::slow::{Ending, Gate, INTRO, Probe, Slow};
use common::{kit, servers};

const ACCEPT: Review = Review { accept_terms: true };

/// The store-outage page: 503, answers said to be safe.
#[track_caller]
fn assert_store_unavailable(page: &Seen) {
    page.assert_status(503);
    assert!(
        page.text().contains("Your answers are safe"),
        "{}",
        page.describe()
    );
}

type Ttl = actix_web::cookie::time::Duration;

fn state(value: &str) -> HashMap<String, String> {
    HashMap::from([("k".to_owned(), format!("\"{value}\""))])
}

fn copy(key: &SessionKey) -> SessionKey {
    SessionKey::try_from(key.as_ref().to_owned()).unwrap_or_else(|_| panic!("key"))
}

/// What every session store must do.
async fn store_contract<S: SessionStore>(store: &S) {
    let ttl = Ttl::minutes(5);
    let key = store
        .save(state("one"), &ttl)
        .await
        .unwrap_or_else(|e| panic!("save: {e}"));
    assert_eq!(store.load(&key).await.ok().flatten(), Some(state("one")));

    let same = store
        .update(copy(&key), state("two"), &ttl)
        .await
        .unwrap_or_else(|e| panic!("update: {e}"));
    assert_eq!(same.as_ref(), key.as_ref(), "update keeps the key");
    assert_eq!(store.load(&key).await.ok().flatten(), Some(state("two")));

    let unknown = SessionKey::try_from("x".repeat(64)).unwrap_or_else(|_| panic!("key"));
    assert_eq!(store.load(&unknown).await.ok().flatten(), None);
    let fresh = store
        .update(copy(&unknown), state("three"), &ttl)
        .await
        .unwrap_or_else(|e| panic!("update of a vanished session: {e}"));
    assert_ne!(
        fresh.as_ref(),
        unknown.as_ref(),
        "a vanished session is not resurrected"
    );
    assert_eq!(
        store.load(&fresh).await.ok().flatten(),
        Some(state("three"))
    );

    store
        .delete(&key)
        .await
        .unwrap_or_else(|e| panic!("delete: {e}"));
    assert_eq!(store.load(&key).await.ok().flatten(), None);

    // TTL on every write, and update_ttl extends it.
    let short = Ttl::seconds(1);
    let extended = store
        .save(state("kept"), &short)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let expiring = store
        .save(state("gone"), &short)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let updated = store
        .save(state("u"), &ttl)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let updated = store
        .update(updated, state("u2"), &short)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .update_ttl(&extended, &Ttl::seconds(300))
        .await
        .unwrap_or_else(|e| panic!("update_ttl: {e}"));
    // Wait for the store to expire what it was told to, not for a guess.
    common::wait::until("a session saved with a 1 s TTL expires", || async {
        matches!(store.load(&expiring).await, Ok(None))
    })
    .await;
    common::wait::until("a session updated with a 1 s TTL expires", || async {
        matches!(store.load(&updated).await, Ok(None))
    })
    .await;
    assert_eq!(
        store.load(&extended).await.ok().flatten(),
        Some(state("kept"))
    );
    assert_eq!(
        store.load(&expiring).await.ok().flatten(),
        None,
        "save sets the TTL"
    );
    assert_eq!(
        store.load(&updated).await.ok().flatten(),
        None,
        "update sets the TTL"
    );
}

#[actix_rt::test]
async fn memory_store_keeps_the_contract() {
    store_contract(&MemoryStore::default()).await;
}

#[actix_rt::test]
async fn redis_store_keeps_the_contract() {
    let Some(redis) = servers::shared_redis().await else {
        return;
    };
    store_contract(&redis.session_store()).await;
}

#[actix_rt::test]
async fn memcached_store_keeps_the_contract() {
    let Some((store, _server)) = servers::memcached().await else {
        return;
    };
    store_contract(&store).await;
}

#[actix_rt::test]
async fn memcached_spreads_sessions_over_several_servers() {
    let (Some(a), Some(b)) = (servers::own_memcached(), servers::own_memcached()) else {
        return;
    };
    let url = format!("memcache://127.0.0.1:{},127.0.0.1:{}", a.port, b.port);
    let store = actix_wizard::store::MemcachedStore::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut keys = Vec::new();
    for i in 0..40 {
        keys.push(
            store
                .save(state(&i.to_string()), &Ttl::minutes(5))
                .await
                .unwrap_or_else(|e| panic!("{e}")),
        );
    }
    // Each server holds a share: stop one and some sessions remain.
    let mut b = b;
    b.stop();
    let mut readable = 0;
    for key in &keys {
        if let Ok(Some(_)) = store.load(key).await {
            readable += 1;
        }
    }
    assert!(
        readable > 0 && readable < 40,
        "{readable} of 40 on the live server"
    );
    drop(a);
}

/// Connections memcached accepted while `rounds` rounds of `in_flight`
/// concurrent session reads ran through `store`, after a first round that
/// opened the pool; the connection that reads the count is left out.
async fn connections_dialled_after_warm_up(
    store: &actix_wizard::store::MemcachedStore,
    port: u16,
    in_flight: usize,
    rounds: usize,
) -> u64 {
    let key = store
        .save(state("pooled"), &Ttl::minutes(5))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let round = || async {
        let reads: Vec<_> = (0..in_flight)
            .map(|_| {
                let (store, key) = (store.clone(), copy(&key));
                actix_rt::spawn(async move { store.load(&key).await })
            })
            .collect();
        for read in reads {
            let loaded = read.await.unwrap_or_else(|e| panic!("{e}"));
            assert!(matches!(loaded, Ok(Some(_))), "a pooled read failed");
        }
    };
    round().await;
    let before = servers::memcached_stat(port, "total_connections");
    for _ in 0..rounds {
        round().await;
    }
    let after = servers::memcached_stat(port, "total_connections");
    // The second stats connection is the only one expected.
    after - before - 1
}

#[actix_rt::test]
async fn memcached_keeps_its_connections_open_between_busy_moments() {
    let Some(server) = servers::own_memcached() else {
        return;
    };
    let url = format!("memcache://127.0.0.1:{}", server.port);
    let in_flight = 24;
    let store = actix_wizard::store::MemcachedStore::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        connections_dialled_after_warm_up(&store, server.port, in_flight, 10).await,
        0,
        "the default pool dialled memcached again for reads it had connections for"
    );
    // What the default avoids: a pool keeping fewer idle connections than
    // the reads in flight closes the surplus and dials it again each round.
    let small = actix_wizard::store::MemcachedStore::connect_keeping(&url, 4)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let redialled = connections_dialled_after_warm_up(&small, server.port, in_flight, 10).await;
    assert!(
        redialled >= 10 * (in_flight as u64 - 4),
        "a pool of 4 redialled only {redialled} connections for 10 rounds of {in_flight}"
    );
}

// ------------------------------------------------------------ outages

#[actix_rt::test]
async fn a_redis_outage_is_503_and_the_visitor_resumes_after_a_restart() {
    let Some(mut server) = servers::own_redis() else {
        return;
    };
    let url = format!("redis://127.0.0.1:{}", server.port);
    let redis = RedisBackend::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let accounts = web::Data::new(Accounts::default());
    let app = kit::signup_instance(
        kit::shared(redis.session_store()),
        RedisLedger::new(&redis),
        accounts,
    )
    .await;
    let mut visitor = app.visitor::<Signup>("/signup");
    reach_profile(&mut visitor).await;

    server.stop();
    assert_store_unavailable(visitor.open("/signup/profile").await);
    visitor.open("/signup/profile").await;
    assert_store_unavailable(visitor.page());

    assert!(server.restart(), "redis-server did not restart");
    visitor.open("/signup/profile").await.assert_step("profile");
    server.stop();
    assert_store_unavailable(visitor.submit(&kit::profile()).await);
    assert!(server.restart(), "redis-server did not restart");
    assert_account_intact(&mut visitor).await;
    visitor.submit(&kit::profile()).await.assert_step("review");
}

#[actix_rt::test]
async fn a_memcached_outage_is_503_and_the_app_reconnects_by_itself() {
    let Some(mut server) = servers::own_memcached() else {
        return;
    };
    let url = format!("memcache://127.0.0.1:{}", server.port);
    let store = actix_wizard::store::MemcachedStore::connect(&url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let accounts = web::Data::new(Accounts::default());
    let app = kit::signup_instance(
        kit::shared(store.clone()),
        MemcachedLedger::new(&store),
        accounts,
    )
    .await;
    let mut visitor = app.visitor::<Signup>("/signup");
    reach_profile(&mut visitor).await;

    // Unreachable (frozen): 503, and nothing is lost.
    server.pause();
    assert_store_unavailable(visitor.open("/signup/profile").await);
    server.resume();
    assert_account_intact(&mut visitor).await;

    // Stopped and restarted: memcached keeps nothing on disk, so the
    // answers are gone, but the app reconnects without a restart and the
    // visitor is told and starts again.
    server.stop();
    visitor.open("/signup/profile").await.assert_status(503);
    assert!(server.restart(), "memcached did not restart");
    let again = visitor.open("/signup/profile").await;
    assert_eq!(again.redirects(), ["/signup/account"]);
    again.assert_status(200);
    kit::assert_told_answers_expired(again);
    visitor
        .submit(&kit::account("ann@example.com", AccountType::Personal))
        .await
        .assert_step("profile");
}

// ------------------------------------------------------------ several instances

/// Two instances share the store `make_store` hands out, with a ledger
/// each over it; the visitor's requests alternate between them through a
/// whole signup.
async fn hop_between_instances<St, L>(
    make_store: impl Fn() -> St + Clone + Send + Sync + 'static,
    ledger: impl Fn() -> L,
) where
    St: SessionStore + 'static,
    L: RunLedger,
{
    let accounts = web::Data::new(Accounts::default());
    let one = kit::signup_instance(make_store.clone(), ledger(), accounts.clone()).await;
    let two = kit::signup_instance(make_store, ledger(), accounts.clone()).await;
    let email = format!("hop-{}@example.com", common::servers::free_port());
    let mut on_one = one.visitor::<Signup>("/signup");
    let mut on_two = on_one.moved_to(&two);

    // Each page from one instance, each answer to the other.
    on_one.open("/signup/account").await;
    on_two.open("/signup/account").await;
    on_two
        .submit(&kit::account(&email, AccountType::Personal))
        .await
        .assert_step("profile");
    on_one.open("/signup/profile").await.assert_step("profile");
    on_two.open("/signup/profile").await;
    on_two.submit(&kit::profile()).await.assert_step("review");
    on_one.open("/signup/review").await.assert_step("review");
    on_two.open("/signup/review").await;
    on_two.submit(&ACCEPT).await.assert_complete();
    let welcome = on_one.open("/signup/complete").await;
    welcome.assert_complete();
    assert!(welcome.text().contains("Welcome, Ann"));
    assert_eq!(accounts.count().await, 1);
}

#[actix_rt::test]
async fn a_visitor_alternating_between_two_instances_on_redis_completes() {
    let Some(redis) = servers::shared_redis().await else {
        return;
    };
    hop_between_instances(kit::shared(redis.session_store()), || {
        RedisLedger::new(&redis)
    })
    .await;
}

#[actix_rt::test]
async fn a_visitor_alternating_between_two_instances_on_memcached_completes() {
    let Some((store, _server)) = servers::memcached().await else {
        return;
    };
    hop_between_instances(kit::shared(store.clone()), || MemcachedLedger::new(&store)).await;
}

/// After an app restart (a new instance, same key, same store) the visitor
/// resumes on the same step with the same answers.
async fn resume_after_restart<St>(make_store: impl Fn() -> St + Clone + Send + Sync + 'static)
where
    St: SessionStore + 'static,
{
    let accounts = web::Data::new(Accounts::default());
    let before = kit::signup_on(make_store.clone(), kit::config(), accounts.clone()).await;
    let mut visitor = before.visitor::<Signup>("/signup");
    visitor.open("/signup/account").await;
    visitor
        .submit(&kit::account("ann@example.com", AccountType::Personal))
        .await
        .assert_step("profile");
    let after = kit::signup_on(make_store, kit::config(), accounts).await;
    // The old instance gets no more requests, as after a restart.
    assert_account_intact(&mut visitor.moved_to(&after)).await;
}

#[actix_rt::test]
async fn the_visitor_resumes_after_an_app_restart_on_redis() {
    let Some(redis) = servers::shared_redis().await else {
        return;
    };
    resume_after_restart(kit::shared(redis.session_store())).await;
}

#[actix_rt::test]
async fn the_visitor_resumes_after_an_app_restart_on_memcached() {
    let Some((store, _server)) = servers::memcached().await else {
        return;
    };
    resume_after_restart(kit::shared(store.clone())).await;
}

#[actix_rt::test]
async fn the_store_expires_an_idle_signup_by_itself() {
    let Some(redis) = servers::shared_redis().await else {
        return;
    };
    let config = kit::config().idle_timeout(Duration::from_secs(2));
    let accounts = web::Data::new(Accounts::default());
    let app = kit::signup_on(kit::shared(redis.session_store()), config, accounts).await;
    let mut visitor = app.visitor::<Signup>("/signup");
    visitor.open("/signup/account").await;
    visitor
        .submit(&kit::account("ann@example.com", AccountType::Personal))
        .await
        .assert_step("profile");
    // Redis itself drops the idle session (real time, not the kit's
    // clock): wait until it has.
    let cookie = visitor.jar().get(common::SESSION).map(str::to_owned);
    let session = common::session_key_of(&cookie.unwrap_or_else(|| panic!("no session cookie")));
    let store = redis.session_store();
    common::wait::until("Redis expires the idle session", || async {
        matches!(store.load(&session).await, Ok(None))
    })
    .await;
    let page = visitor.open("/signup/profile").await;
    assert_eq!(page.redirects(), ["/signup/account"]);
    kit::assert_told_answers_expired(page);
}

// ------------------------------------------------------------ finishing once across instances

/// Two instances with their own in-process records, one shared ledger:
/// the same run finished on both at once runs the handler once.
async fn finish_once_across_instances<S, L>(store: S, ledger: impl Fn() -> L)
where
    S: SessionStore + Clone + Send + Sync + 'static,
    L: RunLedger,
{
    let probe = web::Data::new(Probe::with(Gate::InFinish, Ending::Succeed));
    let _events = probe.events.watch();
    let config = common::config();
    let instance = |ledger: L| {
        // The layers composed by hand, each instance with its own ledger
        // client and in-process record.
        let setup = WizardSetup::new(store.clone(), common::key(), config.clone());
        let (store, config, probe) = (store.clone(), config.clone(), probe.clone());
        TestApp::new(setup, move |_| {
            actix_web::App::new()
                .app_data(probe)
                .wrap(actix_wizard::http::session_middleware(
                    store,
                    common::key(),
                    &config,
                ))
                .service(WizardService::<Slow>::with_ledger(
                    "/slow",
                    config.clone(),
                    ledger,
                ))
        })
    };
    let one = instance(ledger()).await;
    let two = instance(ledger()).await;
    let mut b = one.visitor::<Slow>("/slow");
    b.open("/slow/intro").await;
    b.submit_pairs(INTRO).await.assert_step("name");
    // The same browser's other tab, served by the other instance.
    let mut other = b.moved_to(&two);
    other.open("/slow/name").await;
    let fields = [("name", "Ann")];
    let (first, second) = futures_util::join!(b.submit_pairs(&fields), other.submit_pairs(&fields));
    assert_eq!(
        first.redirects(),
        ["/slow/complete"],
        "{}",
        first.describe()
    );
    assert_eq!(
        second.redirects(),
        ["/slow/complete"],
        "{}",
        second.describe()
    );
    assert!(
        probe.overlapped.load(Ordering::SeqCst),
        "the two finishes did not overlap"
    );
    assert_eq!(probe.finishes.load(Ordering::SeqCst), 1);
    assert_eq!(b.open("/slow/complete").await.body(), "Done, Ann");
}

#[actix_rt::test]
async fn two_instances_on_redis_finish_a_run_once() {
    let Some(redis) = servers::shared_redis().await else {
        return;
    };
    finish_once_across_instances(redis.session_store(), || RedisLedger::new(&redis)).await;
}

#[actix_rt::test]
async fn two_instances_on_memcached_finish_a_run_once() {
    let Some((store, _server)) = servers::memcached().await else {
        return;
    };
    finish_once_across_instances(store.clone(), || MemcachedLedger::new(&store)).await;
}

#[actix_rt::test]
async fn two_instances_of_the_signup_create_one_account_from_a_double_finish() {
    let Some(redis) = servers::shared_redis().await else {
        return;
    };
    let accounts = web::Data::new(Accounts::default());
    let store = kit::shared(redis.session_store());
    let one = kit::signup_instance(store.clone(), RedisLedger::new(&redis), accounts.clone()).await;
    let two = kit::signup_instance(store, RedisLedger::new(&redis), accounts.clone()).await;
    let mut visitor = one.visitor::<Signup>("/signup");
    kit::reach_review(&mut visitor, "double@example.com").await;
    let mut other_tab = visitor.moved_to(&two);
    other_tab.open("/signup/review").await.assert_step("review");
    let (first, second) = futures_util::join!(visitor.submit(&ACCEPT), other_tab.submit(&ACCEPT));
    first.assert_complete();
    second.assert_complete();
    assert_eq!(accounts.count().await, 1);
}

/// A run the testing kit plants at the review step on `store` reads back
/// (sealed as the router seals it on that store), and finishes.
async fn a_planted_run_finishes_on<St>(make_store: impl Fn() -> St + Send + Sync + 'static)
where
    St: SessionStore + 'static,
{
    let accounts = web::Data::new(Accounts::default());
    let app = kit::signup_on(make_store, kit::config(), accounts.clone()).await;
    let mut visitor = app.visitor::<Signup>("/signup");
    let email = "kit@example.com".to_owned();
    let review = visitor
        .start_with(
            Answers::new()
                .with(&kit::account(&email, AccountType::Personal))
                .with(&kit::profile()),
        )
        .await;
    review.assert_step("review");
    assert!(
        review
            .answers()
            .contains(&("Email address".into(), email.clone()))
    );
    visitor.submit(&ACCEPT).await.assert_complete();
    assert!(accounts.get(&email).await.is_some());
}

#[actix_rt::test]
async fn the_testing_kit_plants_runs_on_every_store() {
    a_planted_run_finishes_on(kit::shared(MemoryStore::default())).await;
    a_planted_run_finishes_on(actix_session::storage::CookieSessionStore::default).await;
    if let Some(redis) = servers::shared_redis().await {
        a_planted_run_finishes_on(kit::shared(redis.session_store())).await;
    }
    if let Some((memcached, _process)) = servers::memcached().await {
        a_planted_run_finishes_on(kit::shared(memcached)).await;
    }
}
