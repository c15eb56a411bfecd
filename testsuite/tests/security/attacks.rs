//! The attacks of the security review, each run over HTTP against the
//! signup (or booking) example as an attacker would run it, each with
//! what it must no longer reach. SECURITY.md names, for each defence,
//! the test here (or in `security.rs`) that holds it.

use crate::common;

use std::net::SocketAddr;
use std::time::Duration;

use crate::common::app::{AccountType, Accounts, Profile, Review, Signup};
use crate::common::http::Visitor;
use crate::common::kit;
use actix_session::storage::SessionStore;
use actix_web::web;
use actix_wizard::testing::{Seen, TestApp};
use actix_wizard::{MemoryStore, WizardConfig, config::StateAtRest};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The only bound on a wait for the server: far past every deadline the
/// tests configure, so that reaching it means the defence did not act.
const NEVER: Duration = Duration::from_secs(60);

/// Serves the signup example with `config`, one worker taking at most
/// `connections` connections.
fn serve(config: WizardConfig, connections: usize) -> SocketAddr {
    common::serve_signup(config, web::Data::new(Accounts::default()), 1, connections)
}

/// Opens a connection and sends the head of a form POST of 1,000 bytes
/// and its first 20: a body that then stops arriving.
async fn stall_a_body(addr: SocketAddr) -> TcpStream {
    let mut stream = TcpStream::connect(addr)
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"));
    let head = "POST /signup/account HTTP/1.1\r\nHost: x\r\n\
                Content-Type: application/x-www-form-urlencoded\r\n\
                Content-Length: 1000\r\n\r\naction=next&email=a@";
    stream
        .write_all(head.as_bytes())
        .await
        .unwrap_or_else(|e| panic!("write: {e}"));
    stream
}

/// Everything the server sends on `stream` until it closes it.
async fn read_until_closed(mut stream: TcpStream) -> String {
    let mut raw = Vec::new();
    let read = tokio::time::timeout(NEVER, stream.read_to_end(&mut raw)).await;
    assert!(read.is_ok(), "the server never closed a stalled body");
    String::from_utf8_lossy(&raw).into_owned()
}

#[actix_rt::test]
async fn a_body_that_stops_arriving_gets_408_and_a_closed_connection() {
    let config = common::config().body_idle_timeout(Duration::from_millis(300));
    let addr = serve(config, 25_000);
    let answer = read_until_closed(stall_a_body(addr).await).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
    assert!(answer.contains("took too long to arrive"), "{answer}");
}

#[actix_rt::test]
async fn a_body_trickled_a_byte_at_a_time_is_cut_off_by_the_rate() {
    // Each byte comes well within the idle time, but far below the rate.
    let config = common::config()
        .body_idle_timeout(Duration::from_millis(400))
        .body_min_rate(1000);
    let addr = serve(config, 25_000);
    let mut stream = stall_a_body(addr).await;
    let mut pace = tokio::time::interval(Duration::from_millis(100));
    let mut buffer = [0u8; 4096];
    let mut answer = Vec::new();
    let cut_off = tokio::time::timeout(NEVER, async {
        loop {
            tokio::select! {
                read = stream.read(&mut buffer) => match read {
                    Ok(0) | Err(_) => return,
                    Ok(n) => answer.extend_from_slice(&buffer[..n]),
                },
                _ = pace.tick() => {
                    if stream.write_all(b"x").await.is_err() {
                        return;
                    }
                }
            }
        }
    })
    .await;
    assert!(cut_off.is_ok(), "a trickled body was never cut off");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}

#[actix_rt::test]
async fn stalled_bodies_do_not_lock_new_visitors_out() {
    // As many stalled bodies as the server takes connections, and more:
    // before bodies had a deadline, no new visitor was ever served.
    let config = common::config().body_idle_timeout(Duration::from_millis(500));
    let addr = serve(config, 40);
    let mut stalled = Vec::new();
    for _ in 0..60 {
        stalled.push(stall_a_body(addr).await);
    }
    let signup = tokio::time::timeout(NEVER, async {
        let mut visitor = Visitor::new(addr);
        let page = visitor.get("/signup/account").await?;
        let token = page.csrf().unwrap_or_default();
        let form = common::encode(&[
            ("csrf_token", token.as_str()),
            ("action", "next"),
            ("email", "late@example.com"),
            ("password", "correct horse 1"),
            ("password_confirm", "correct horse 1"),
            ("account_type", "personal"),
        ]);
        visitor.post("/signup/account", &form).await
    })
    .await;
    let answer = match signup {
        Ok(Ok(answer)) => answer,
        Ok(Err(error)) => panic!("the new visitor's request failed: {error}"),
        Err(_) => panic!("a new visitor was not served while bodies stalled"),
    };
    assert_eq!(answer.status, 303, "{}", answer.body);
    assert_eq!(answer.location.as_deref(), Some("/signup/profile"));
    for stream in stalled {
        assert!(read_until_closed(stream).await.starts_with("HTTP/1.1 408"));
    }
}

/// A whole signup of `email` with `profile`, on the kit; the page it ends on.
async fn sign_up_as(app: &TestApp, email: &str, profile: &Profile) -> Seen {
    let mut visitor = app.visitor::<Signup>("/signup");
    visitor.open("/signup/account").await;
    visitor
        .submit(&kit::account(email, AccountType::Personal))
        .await
        .assert_step("profile");
    visitor.submit(profile).await.assert_step("review");
    visitor.submit(&Review { accept_terms: true }).await.clone()
}

#[actix_rt::test]
async fn one_address_makes_one_account_however_it_is_written() {
    let (app, accounts) = kit::signup().await;
    sign_up_as(&app, "norm@example.com", &kit::profile())
        .await
        .assert_complete();
    let taken = "An account with this email address already exists";
    let invisible = "Email address must not include invisible characters";
    for (typed, expected) in [
        ("norm@ｅxample.com", taken),
        ("norm@EXAMPLE.ＣＯＭ", taken),
        ("norm@example.com\u{200b}", taken),
        ("norm@exa\u{00ad}mple.com", invisible),
    ] {
        let mut visitor = app.visitor::<Signup>("/signup");
        visitor.open("/signup/account").await;
        visitor
            .submit(&kit::account(typed, AccountType::Personal))
            .await
            .assert_status(422)
            .assert_error("email", expected);
    }
    assert_eq!(accounts.count().await, 1);
}

#[actix_rt::test]
async fn control_characters_are_a_field_error_and_nothing_is_kept() {
    let (app, accounts) = kit::signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    kit::reach_profile(&mut visitor).await;
    let with_nul = Profile {
        display_name: "A\0B".into(),
        ..kit::profile()
    };
    visitor
        .submit(&with_nul)
        .await
        .assert_status(422)
        .assert_error(
            "display_name",
            "Display name must not include control characters or line breaks",
        );
    // A text area takes line breaks, but no other control character.
    let bio = |text: &str| Profile {
        bio: Some(text.into()),
        ..kit::profile()
    };
    visitor
        .submit(&bio("two\r\nlines"))
        .await
        .assert_step("review");
    visitor.open("/signup/profile").await;
    visitor
        .submit(&bio("bell\u{7}"))
        .await
        .assert_status(422)
        .assert_error(
            "bio",
            "Bio must not include control characters or line breaks",
        );
    assert_eq!(accounts.count().await, 0);
}

#[actix_rt::test]
async fn text_of_invisible_characters_only_is_no_answer() {
    let (app, _) = kit::signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    kit::reach_profile(&mut visitor).await;
    let invisible = Profile {
        display_name: "\u{200b}".into(),
        ..kit::profile()
    };
    let page = visitor.submit(&invisible).await;
    page.assert_status(422);
    assert!(page.error("display_name").is_some(), "{}", page.describe());
    // Invisible characters at the ends are trimmed like spaces.
    let padded = Profile {
        display_name: "\u{feff}Ann\u{200b}".into(),
        ..kit::profile()
    };
    visitor.submit(&padded).await.assert_step("review");
    assert!(
        visitor
            .page()
            .answers()
            .iter()
            .any(|(_, value)| value == "Ann"),
        "{:?}",
        visitor.page().answers()
    );
}

#[actix_rt::test]
async fn a_tab_key_the_crate_did_not_make_is_404_and_sets_no_cookie() {
    let config = kit::config().runs_per_tab(true);
    let accounts = web::Data::new(Accounts::default());
    let app = kit::signup_on(kit::shared(MemoryStore::default()), config, accounts).await;
    let long = "a".repeat(5000);
    for key in [
        "a%3BDomain%3Dexample.com",
        "abc%00defghij",
        "%3Cscript%3Eabcd",
        long.as_str(),
        "abcdefghijk",
    ] {
        let mut visitor = app.visitor::<Signup>("/signup");
        let page = visitor.open(&format!("/signup/r/{key}/account")).await;
        assert_eq!(page.status(), 404, "{key}: {}", page.describe());
        assert_eq!(page.header("set-cookie"), None, "{key}");
        assert!(page.body().contains("href=\"/signup\""), "{key}");
    }
    // A key of the crate's own form still works.
    let mut visitor = app.visitor::<Signup>("/signup");
    let page = visitor.open("/signup/r/abcdefghijkl/account").await;
    assert_eq!(page.status(), 200, "{}", page.describe());
}

/// The signup, its state sealed at rest, on `store`.
async fn sealed_signup(store: MemoryStore, per_tab: bool) -> TestApp {
    let config = kit::config()
        .state_at_rest(StateAtRest::Encrypted)
        .runs_per_tab(per_tab);
    let accounts = web::Data::new(Accounts::default());
    kit::signup_on(kit::shared(store), config, accounts).await
}

/// An attacker's session, made by saving a draft of the first step.
async fn attackers_session(attacker: &mut actix_wizard::testing::Visitor<'_, Signup>) -> String {
    attacker.open("/signup").await.assert_step("account");
    let saved = attacker
        .save_draft(&[("email", "mallory@example.com")])
        .await;
    assert_eq!(saved.as_u16(), 204);
    attacker
        .jar()
        .get(common::SESSION)
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("the draft made no session"))
}

#[actix_rt::test]
async fn a_planted_session_id_reads_nothing_of_the_victims_answers() {
    for per_tab in [false, true] {
        let app = sealed_signup(MemoryStore::default(), per_tab).await;
        let mut attacker = app.visitor::<Signup>("/signup");
        let planted = attackers_session(&mut attacker).await;

        // The victim's browser gets the attacker's session cookie, then
        // signs up as far as the review.
        let mut victim = app.visitor::<Signup>("/signup");
        victim.jar().set(common::SESSION, &planted);
        victim.open("/signup").await.assert_step("account");
        victim
            .submit(&kit::account("victim@example.com", AccountType::Personal))
            .await
            .assert_step("profile");
        assert_ne!(
            victim.jar().get(common::SESSION),
            Some(planted.as_str()),
            "the session id is renewed with the first answers"
        );
        victim.submit(&kit::profile()).await.assert_step("review");

        // The attacker, with the planted session, finds none of it.
        let resumed = attacker.open("/signup").await;
        assert_eq!(resumed.step(), Some("account"), "{}", resumed.describe());
        assert!(!resumed.body().contains("victim@example.com"));
        if !per_tab {
            let review = attacker.open("/signup/review").await;
            assert!(!review.body().contains("victim@example.com"));
        }
        if per_tab {
            attacker.use_json();
            let list = attacker.open("/signup").await;
            assert!(!list.body().contains("review"), "{}", list.describe());
        }
    }
}

#[actix_rt::test]
async fn state_copied_under_another_session_opens_for_nobody_there() {
    let store = MemoryStore::default();
    let app = sealed_signup(store.clone(), false).await;
    let mut victim = app.visitor::<Signup>("/signup");
    victim.open("/signup/account").await;
    victim
        .submit(&kit::account("copied@example.com", AccountType::Personal))
        .await
        .assert_step("profile");
    let mut attacker = app.visitor::<Signup>("/signup");
    let own = attackers_session(&mut attacker).await;

    // Every value the crate wrote for the victim, under the attacker's key.
    let victims = victim.jar().get(common::SESSION).map(str::to_owned);
    let victims = common::session_key_of(&victims.unwrap_or_default());
    let everything = store
        .load(&victims)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("the victim's session is not stored"));
    assert!(everything.contains_key("wizard.signup"));
    store
        .update(
            common::session_key_of(&own),
            everything,
            &actix_web::cookie::time::Duration::minutes(10),
        )
        .await
        .unwrap_or_else(|_| panic!("not copied"));

    let page = attacker.open("/signup/profile").await;
    assert_eq!(
        page.step(),
        Some("account"),
        "a fresh start: {}",
        page.describe()
    );
    assert!(!page.body().contains("copied@example.com"));
    // The victim goes on undisturbed.
    victim.open("/signup/profile").await.assert_step("profile");
}

#[actix_rt::test]
async fn a_double_click_or_a_draft_in_flight_during_the_renewal_loses_nothing() {
    let store = MemoryStore::default();
    let app = sealed_signup(store.clone(), false).await;
    // A session that already holds something: the renewal applies.
    let existing = common::plant_session(&store, &[("app.theme", "\"dark\"".to_owned())]).await;
    for first in ["continue", "draft"] {
        let mut visitor = app.visitor::<Signup>("/signup");
        visitor.jar().set(common::SESSION, &existing);
        visitor.open("/signup/account").await;
        // The same page, for the second click.
        let mut again = visitor.tab();
        again.open("/signup/account").await;
        let account = kit::account("twice@example.com", AccountType::Personal);
        let stale = visitor.jar().clone();
        match first {
            "continue" => {
                visitor.submit(&account).await.assert_step("profile");
            }
            _ => {
                let saved = visitor.save_draft(&[("email", "twice@example.com")]).await;
                assert_eq!(saved.as_u16(), 204);
            }
        }
        // The second request left with the cookies of the first.
        *visitor.jar() = stale;
        let second = again.submit(&account).await;
        second.assert_step("profile");
        assert_eq!(second.notice(), None, "{first}: {}", second.describe());
        // The browser shows what the second click got, and goes on.
        again.submit(&kit::profile()).await.assert_step("review");
        assert!(
            again
                .page()
                .answers()
                .contains(&("Email address".into(), "twice@example.com".into())),
            "{first}"
        );
    }
}

/// Tab B's first answers make a session (a new one: no renewal); tab A's
/// first answers then renew it. The tabs, and the session cookie tab B
/// had before the renewal (named `session_cookie`).
async fn renewed_by_a_second_tab<'a>(
    app: &'a TestApp,
    session_cookie: &str,
) -> (
    actix_wizard::testing::Visitor<'a, Signup>,
    actix_wizard::testing::Visitor<'a, Signup>,
    String,
) {
    let mut tab_b = app.visitor::<Signup>("/signup");
    tab_b.open("/signup").await.assert_step("account");
    tab_b
        .submit(&kit::account("b@example.com", AccountType::Personal))
        .await
        .assert_step("profile");
    let old = tab_b.jar().get(session_cookie).map(str::to_owned);
    let old = old.unwrap_or_else(|| panic!("tab B made no session"));
    let mut tab_a = tab_b.tab();
    tab_a.open("/signup/new").await.assert_step("account");
    tab_a
        .submit(&kit::account("a@example.com", AccountType::Personal))
        .await
        .assert_step("profile");
    (tab_b, tab_a, old)
}

#[actix_rt::test]
async fn another_tabs_request_with_the_renewed_away_id_keeps_every_answer() {
    let app = sealed_signup(MemoryStore::default(), true).await;
    let (mut tab_b, mut tab_a, old) = renewed_by_a_second_tab(&app, common::SESSION).await;
    let renewed = tab_a.jar().get(common::SESSION).map(str::to_owned);
    assert_ne!(
        common::session_key_of(renewed.as_deref().unwrap_or_default()).as_ref(),
        common::session_key_of(&old).as_ref(),
        "renewed"
    );
    // Tab B's next request left before that response came: the old id.
    tab_b.jar().set(common::SESSION, &old);
    let page = tab_b.submit(&kit::profile()).await;
    page.assert_step("review");
    assert_eq!(page.notice(), None, "{}", page.describe());
    assert!(
        page.answers()
            .contains(&("Email address".into(), "b@example.com".into())),
        "{}",
        page.describe()
    );
    let given = tab_b.jar().get(common::SESSION).map(str::to_owned);
    assert_eq!(
        common::session_key_of(&given.unwrap_or_default()).as_ref(),
        common::session_key_of(&renewed.unwrap_or_default()).as_ref(),
        "the browser is given the renewed id, not a third session"
    );
    // Tab A's run is still there, in the same session.
    let page = tab_a.submit(&kit::profile()).await;
    page.assert_step("review");
    assert!(
        page.answers()
            .contains(&("Email address".into(), "a@example.com".into())),
        "{}",
        page.describe()
    );
}

#[actix_rt::test]
async fn where_a_session_id_could_be_planted_a_renewed_away_id_names_nothing() {
    let store = MemoryStore::default();
    let config = common::config()
        .state_at_rest(StateAtRest::Encrypted)
        .runs_per_tab(true);
    let app = kit::signup_on(
        kit::shared(store.clone()),
        config,
        web::Data::new(Accounts::default()),
    )
    .await;
    let (_, _, old) = renewed_by_a_second_tab(&app, common::PLAIN_SESSION).await;
    assert!(
        store
            .load(&common::session_key_of(&old))
            .await
            .ok()
            .flatten()
            .is_none(),
        "without the __Host- cookie the old id is gone at once"
    );
}

#[actix_rt::test]
async fn head_answers_as_get_does_on_the_examples_own_routes() {
    // In-process, as here, the body is still there; the server drops it.
    let (app, _) = kit::signup().await;
    for path in ["/static/signup.css"] {
        let mut visitor = app.visitor::<Signup>("/signup");
        let get = visitor.send(path, |r| r).await.clone();
        let head = visitor
            .send(path, |r| r.method(actix_web::http::Method::HEAD))
            .await;
        assert_eq!(head.status(), get.status(), "{path}");
        assert_eq!(
            head.header("content-type"),
            get.header("content-type"),
            "{path}"
        );
    }
}
