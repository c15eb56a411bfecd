//! What an attacker or a fault can do to stored state, and what the
//! wizard guarantees: encryption at rest, tampering read as expiry, old
//! state shapes kept where they still fit, cookie attributes, two tabs.

use crate::common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::common::app::{Account, AccountType, Accounts, Profile, Review, Signup};
use crate::common::kit;
use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use actix_web::test::TestRequest;
use actix_web::web;
use actix_wizard::testing::{TestApp, Visitor};
use actix_wizard::{
    MemoryStore, Secret, config::StateAtRest, config::StateKey, internals::StateCipher,
};

const ACCEPT: Review = Review { accept_terms: true };

type State = HashMap<String, String>;

/// A store that keeps a copy of everything written to it, and can corrupt
/// the wizard's entry when it is read back.
#[derive(Clone, Default)]
struct WatchedStore {
    inner: MemoryStore,
    written: Arc<Mutex<Vec<String>>>,
    corrupt: Arc<AtomicBool>,
}

impl WatchedStore {
    fn keep(&self, state: &State) {
        let mut written = self.written.lock().unwrap_or_else(|p| p.into_inner());
        written.extend(state.values().cloned());
    }

    fn everything_written(&self) -> String {
        self.written
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .join("\n")
    }
}

impl SessionStore for WatchedStore {
    async fn load(&self, key: &SessionKey) -> Result<Option<State>, LoadError> {
        let mut state = self.inner.load(key).await?;
        if self.corrupt.load(Ordering::SeqCst) {
            if let Some(entry) = state.as_mut().and_then(|s| s.get_mut("wizard.signup")) {
                // Change one character in the middle of the sealed value.
                let middle = entry.len() / 2;
                let replacement = if &entry[middle..=middle] == "A" {
                    "B"
                } else {
                    "A"
                };
                entry.replace_range(middle..=middle, replacement);
            }
        }
        Ok(state)
    }
    async fn save(&self, state: State, ttl: &Duration) -> Result<SessionKey, SaveError> {
        self.keep(&state);
        self.inner.save(state, ttl).await
    }
    async fn update(
        &self,
        key: SessionKey,
        state: State,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        self.keep(&state);
        self.inner.update(key, state, ttl).await
    }
    async fn update_ttl(&self, key: &SessionKey, ttl: &Duration) -> anyhow::Result<()> {
        self.inner.update_ttl(key, ttl).await
    }
    async fn delete(&self, key: &SessionKey) -> anyhow::Result<()> {
        self.inner.delete(key).await
    }
}

/// The signup on the kit over `store`, sealed at rest (every store but
/// the in-process ones seals by default; the tests say it for those too).
async fn signup_sealed_on<St>(store: St) -> TestApp
where
    St: SessionStore + Clone + Send + Sync + 'static,
{
    let config = kit::config().state_at_rest(StateAtRest::Encrypted);
    kit::signup_on(
        kit::shared(store),
        config,
        web::Data::new(Accounts::default()),
    )
    .await
}

#[actix_rt::test]
async fn no_answer_reaches_the_store_in_clear() {
    let store = WatchedStore::default();
    let app = signup_sealed_on(store.clone()).await;
    let mut visitor = app.visitor::<Signup>("/signup");
    visitor.open("/signup/account").await;
    let mut account = kit::account("visible.person@example.com", AccountType::Personal);
    account.password = Secret::new("Sup3rSecretPass");
    account.password_confirm = Secret::new("Sup3rSecretPass");
    visitor.submit(&account).await.assert_step("profile");
    let profile = Profile {
        display_name: "Distinctive Name".into(),
        ..kit::profile()
    };
    visitor.back_with(&profile).await; // a draft
    visitor.open("/signup/profile").await;
    visitor.submit(&profile).await.assert_step("review");
    visitor.submit(&ACCEPT).await.assert_complete();
    let dump = store.everything_written();
    assert!(!dump.is_empty(), "nothing was stored");
    for secret in [
        "visible.person",
        "Sup3rSecretPass",
        "Distinctive Name",
        "\"age\"",
    ] {
        assert!(!dump.contains(secret), "{secret} is stored in clear");
    }
}

#[actix_rt::test]
async fn a_redis_dump_shows_no_answers() {
    let Some(redis) = common::servers::shared_redis().await else {
        return;
    };
    let app = signup_sealed_on(redis.session_store()).await;
    let mut visitor = app.visitor::<Signup>("/signup");
    visitor.open("/signup/account").await;
    visitor
        .submit(&kit::account(
            "dumped.visitor@example.com",
            AccountType::Personal,
        ))
        .await
        .assert_step("profile");
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let keys = std::process::Command::new("redis-cli")
        .args(["-u", &url, "--scan"])
        .output()
        .unwrap_or_else(|e| panic!("redis-cli: {e}"));
    let keys = String::from_utf8_lossy(&keys.stdout).into_owned();
    let mut seen = 0;
    for key in keys.lines().filter(|k| !k.starts_with("wizard:run:")) {
        let value = std::process::Command::new("redis-cli")
            .args(["-u", &url, "GET", key])
            .output()
            .unwrap_or_else(|e| panic!("redis-cli: {e}"));
        let value = String::from_utf8_lossy(&value.stdout);
        assert!(
            !value.contains("dumped.visitor"),
            "answer in clear under {key}"
        );
        seen += usize::from(value.contains("wizard.signup"));
    }
    assert!(seen > 0, "the visitor's session was not found in Redis");
}

#[actix_rt::test]
async fn a_tampered_state_reads_as_expired_and_starts_a_new_session() {
    let store = WatchedStore::default();
    let app = signup_sealed_on(store.clone()).await;
    let mut visitor = app.visitor::<Signup>("/signup");
    kit::reach_profile(&mut visitor).await;
    let before = visitor.jar().get(common::SESSION).map(str::to_owned);
    store.corrupt.store(true, Ordering::SeqCst);
    let restart = visitor.open("/signup/profile").await;
    assert_eq!(restart.redirects(), ["/signup/account"]);
    restart.assert_status(200);
    kit::assert_told_answers_expired(restart);
    assert_eq!(restart.value(Account::EMAIL).as_deref(), Some(""));
    assert_ne!(
        visitor.jar().get(common::SESSION).map(str::to_owned),
        before,
        "session id renewed"
    );
    store.corrupt.store(false, Ordering::SeqCst);
    visitor
        .submit(&kit::account("ann@example.com", AccountType::Personal))
        .await
        .assert_step("profile");
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The older-definition fixture, dated now.
fn fixture() -> String {
    include_str!("../fixtures/signup-state-v0.json").replace("\"__NOW__\"", &now().to_string())
}

/// Puts `sealed` in `store` as the signup's stored state, as a session of
/// its own, and gives `visitor` that session's cookie.
async fn plant_raw_state(visitor: &mut Visitor<'_, Signup>, store: &MemoryStore, sealed: &str) {
    let entry = serde_json::to_string(sealed).unwrap_or_default();
    let cookie = common::plant_session(store, &[("wizard.signup", entry)]).await;
    visitor.jar().set(common::SESSION, &cookie);
}

/// The run id the visitor's cookie names (after a first page view).
async fn run_shown_to(visitor: &mut Visitor<'_, Signup>) -> String {
    visitor.open("/signup/account").await;
    let cookie = visitor
        .jar()
        .get("signup_run")
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no visitor cookie"));
    cookie.split('.').next().unwrap_or_default().to_owned()
}

/// The older-definition fixture as the run `run`'s state, sealed for
/// `context` (`wizard:state`) and the holder of a cookie that has stored
/// nothing yet (none).
fn sealed_fixture(cipher: &StateCipher, context: &str, run: &str) -> String {
    let state = fixture().replace("0f1e2d3c4b5a69788796a5b4c3d2e1f0", run);
    cipher.seal(state.as_bytes(), format!("{context}:").as_bytes())
}

#[actix_rt::test]
async fn state_from_an_older_definition_keeps_what_still_fits() {
    let store = MemoryStore::default();
    let app = signup_sealed_on(store.clone()).await;
    let cipher = StateCipher::new(&StateKey::derive(&common::key()));
    let mut visitor = app.visitor::<Signup>("/signup");
    let run = run_shown_to(&mut visitor).await;
    let sealed = sealed_fixture(&cipher, "signup:state", &run);
    plant_raw_state(&mut visitor, &store, &sealed).await;

    // The renamed profile field no longer decodes: that step is asked again.
    let profile = visitor.open("/signup").await;
    assert_eq!(profile.redirects(), ["/signup/profile"]);
    profile.assert_status(200);
    assert!(
        profile
            .notice()
            .is_some_and(|n| n.contains("Some questions have changed")),
        "{}",
        profile.describe()
    );
    assert_eq!(profile.value(Profile::DISPLAY_NAME).as_deref(), Some(""));
    // Shown once.
    assert_eq!(visitor.open("/signup/profile").await.notice(), None);
    // The account step still fits and is kept.
    let account = visitor.open("/signup/account").await;
    assert_eq!(
        account.value(Account::EMAIL).as_deref(),
        Some("early@example.com")
    );
    // And the run goes on to the end.
    visitor.open("/signup/profile").await;
    let review = visitor.submit(&kit::profile()).await;
    review.assert_step("review");
    assert!(
        review
            .answers()
            .contains(&("Email address".into(), "early@example.com".into()))
    );
    visitor.submit(&ACCEPT).await.assert_complete();
}

#[actix_rt::test]
async fn state_sealed_for_another_wizard_or_key_is_not_read() {
    let store = MemoryStore::default();
    let app = signup_sealed_on(store.clone()).await;
    let right_key = StateCipher::new(&StateKey::derive(&common::key()));
    let other_key = StateCipher::new(&StateKey::random());
    for seal in [
        |run: &str, right: &StateCipher, _: &StateCipher| {
            sealed_fixture(right, "another-wizard:state", run)
        },
        |run: &str, _: &StateCipher, other: &StateCipher| {
            sealed_fixture(other, "signup:state", run)
        },
        |_: &str, _: &StateCipher, _: &StateCipher| "not even base64 !".to_owned(),
    ] {
        let mut visitor = app.visitor::<Signup>("/signup");
        let run = run_shown_to(&mut visitor).await;
        let sealed = seal(&run, &right_key, &other_key);
        plant_raw_state(&mut visitor, &store, &sealed).await;
        let page = visitor.open("/signup").await;
        assert_eq!(page.redirects(), ["/signup/account"]);
        page.assert_status(200);
        assert_eq!(page.value(Account::EMAIL).as_deref(), Some(""));
    }
}

#[actix_rt::test]
async fn cookies_are_http_only_same_site_lax_with_a_path_and_secure_when_asked() {
    for secure in [false, true] {
        let config = common::config().secure_cookies(secure).cookie_path("/");
        // Secure on `/`: the `__Host-` prefix, which browsers refuse from
        // a sibling domain, over http, or with a Domain.
        let session_name = if secure {
            common::SESSION
        } else {
            common::PLAIN_SESSION
        };
        assert_eq!(config.session_cookie_name(), session_name);
        let (app, _) = signup_app!(MemoryStore::default(), config);
        let set_cookies = |response: &actix_web::dev::ServiceResponse| -> Vec<String> {
            response
                .headers()
                .get_all("set-cookie")
                .filter_map(|v| v.to_str().ok().map(str::to_owned))
                .collect()
        };
        // A page view sets the visitor cookie only (no session is stored).
        let page = actix_web::test::call_service(
            &app,
            TestRequest::get().uri("/signup/account").to_request(),
        )
        .await;
        let on_view = set_cookies(&page);
        assert!(
            !on_view.iter().any(|c| c.contains("wizard_session=")),
            "a page view stores no session: {on_view:?}"
        );
        let visitor = on_view
            .iter()
            .find(|c| c.starts_with("signup_run="))
            .unwrap_or_else(|| panic!("no visitor cookie in {on_view:?}"))
            .clone();
        let body = String::from_utf8_lossy(&actix_web::test::read_body(page).await).into_owned();
        let token = common::csrf_of(&body).unwrap_or_else(|| panic!("no token"));
        let pair = visitor.split(';').next().unwrap_or("").to_owned();
        let post = actix_web::test::call_service(
            &app,
            TestRequest::post()
                .uri("/signup/account")
                .insert_header(("Cookie", pair))
                .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
                .set_payload(common::encode(&[
                    ("csrf_token", token.as_str()),
                    ("action", "back"),
                ]))
                .to_request(),
        )
        .await;
        let on_post = set_cookies(&post);
        let named = |name: &str| {
            on_post
                .iter()
                .find(|c| c.starts_with(&format!("{name}=")))
                .unwrap_or_else(|| panic!("no {name} cookie in {on_post:?}"))
                .clone()
        };
        let session = named(session_name);
        for cookie in [&session, &visitor] {
            for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
                assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
            }
            assert_eq!(cookie.contains("Secure"), secure, "{cookie}");
            assert!(!cookie.contains("Domain"), "{cookie}");
        }
    }
}

#[actix_rt::test]
async fn two_tabs_cannot_corrupt_a_run() {
    let (app, accounts) = kit::signup().await;
    let mut first = app.visitor::<Signup>("/signup");
    first.open("/signup/account").await;
    // The second tab opens the account form and keeps it.
    let mut second = first.tab();
    first
        .submit(&kit::account("tabs@example.com", AccountType::Personal))
        .await;
    first.submit(&kit::profile()).await.assert_step("review");
    // Posting the second tab's account form is an edit.
    second
        .submit(&kit::account("tabs2@example.com", AccountType::Personal))
        .await
        .assert_step("profile");
    let review = first.open("/signup/review").await;
    assert!(
        review
            .answers()
            .contains(&("Email address".into(), "tabs2@example.com".into()))
    );
    first.submit(&ACCEPT).await.assert_complete();
    // The other tab's stale forms are refused cleanly: no second account,
    // no error page.
    second
        .post_to("/signup/review", "finish", &[("accept_terms", "yes")])
        .await
        .assert_complete();
    let stale_step = second
        .post_to("/signup/profile", "next", common::PROFILE_OK)
        .await;
    assert_eq!(stale_step.redirects().len(), 1, "{}", stale_step.describe());
    stale_step.assert_status(200);
    assert_eq!(accounts.count().await, 1);
    assert!(accounts.get("tabs2@example.com").await.is_some());
}
