//! The signup's funnel: events batched into a real database (SQLite here,
//! PostgreSQL too when one answers), and the operator's page reading them.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use actix_web::{App, web};
use actix_wizard::testing::{TestApp, Visitor};
use actix_wizard::{MemoryStore, Step, WizardSetup};
use common::app::{self, Account, AccountType, Accounts, Company, Review, Signup};
use common::funnel::{self, Clock, Failure, FunnelPage, FunnelRecorder};
use common::kit;
use common::postgres::{drop_schema, postgres_addr, postgres_schema, postgres_url};
use sqlx::AnyPool;

const IDLE: Duration = Duration::from_secs(1800);

/// A clock the test moves by hand: the funnel's times are exact.
struct HandClock(Arc<AtomicI64>);

impl HandClock {
    fn new() -> Self {
        Self(Arc::new(AtomicI64::new(1_000_000)))
    }
    fn clock(&self) -> Clock {
        let now = self.0.clone();
        Arc::new(move || now.load(Ordering::SeqCst))
    }
    fn advance_secs(&self, secs: i64) {
        self.0.fetch_add(secs * 1000, Ordering::SeqCst);
    }
}

/// The funnel page on `pool`, by `hand`'s clock, behind "operator-token".
fn operator_page(pool: &AnyPool, hand: &HandClock) -> web::Data<FunnelPage> {
    web::Data::new(FunnelPage {
        pool: pool.clone(),
        token: "operator-token".into(),
        steps: app::STEP_NAMES.to_vec(),
        idle: IDLE,
        clock: hand.clock(),
        layout: <Signup as actix_wizard::Wizard>::layout,
    })
}

async fn funnel_app(
    accounts: web::Data<Accounts>,
    recorder: &FunnelRecorder,
    page: web::Data<FunnelPage>,
) -> TestApp {
    let store = kit::shared(MemoryStore::default());
    let config = kit::config().idle_timeout(IDLE).on_event(recorder.hook());
    let setup = WizardSetup::with_store_factory(store, common::key(), config);
    TestApp::new(setup, move |setup| {
        App::new()
            .wrap(setup.middleware())
            .configure(app::routes(setup.wizard("/signup"), accounts))
            .configure(funnel::routes(Some(page)))
    })
    .await
}

async fn finish_personal(visitor: &mut Visitor<'_, Signup>, email: &str, clock: &HandClock) {
    visitor.open("/signup").await.assert_step("account");
    clock.advance_secs(30);
    visitor
        .submit(&kit::account(email, AccountType::Personal))
        .await
        .assert_step("profile");
    clock.advance_secs(20);
    visitor.submit(&kit::profile()).await.assert_step("review");
    visitor
        .submit(&Review { accept_terms: true })
        .await
        .assert_complete();
}

async fn scripted_flows_are_counted_as_they_happened(url: &str) {
    let accounts = web::Data::new(
        Accounts::open(url)
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}")),
    );
    let pool = accounts
        .pool()
        .cloned()
        .unwrap_or_else(|| panic!("a database"));
    let hand = HandClock::new();
    let recorder = FunnelRecorder::start(pool.clone(), hand.clock());
    let page = operator_page(&pool, &hand);
    let app = funnel_app(accounts.clone(), &recorder, page).await;
    let statements_before = accounts.statements();

    // Two visitors finish (30 s and 40 s on the account step).
    finish_personal(
        &mut app.visitor::<Signup>("/signup"),
        "one@example.com",
        &hand,
    )
    .await;
    let mut two = app.visitor::<Signup>("/signup");
    two.open("/signup").await.assert_step("account");
    // A refused email first, then a good one.
    let mut bad = kit::account("not-an-email", AccountType::Personal);
    two.submit(&bad).await.assert_step("account");
    hand.advance_secs(40);
    bad.email = "two@example.com".into();
    two.submit(&bad).await.assert_step("profile");
    hand.advance_secs(20);
    two.submit(&kit::profile()).await.assert_step("review");
    two.submit(&Review { accept_terms: true })
        .await
        .assert_complete();

    // A business stops on the company step after a refused employee count.
    let mut three = app.visitor::<Signup>("/signup");
    three.open("/signup").await.assert_step("account");
    hand.advance_secs(10);
    three
        .submit(&kit::account("three@example.com", AccountType::Business))
        .await
        .assert_step("company");
    let mut company = kit::company();
    company.employees = Some(0);
    three.submit(&company).await.assert_step("company");

    // A fourth goes back from the profile step to the account step and stops there.
    let mut four = app.visitor::<Signup>("/signup");
    four.open("/signup").await.assert_step("account");
    hand.advance_secs(50);
    four.submit(&kit::account("four@example.com", AccountType::Personal))
        .await
        .assert_step("profile");
    four.back().await.assert_step("account");

    // Visitors who only look (a crawler, a flood of cookieless page
    // views) start no run.
    for _ in 0..3 {
        let mut looker = app.visitor::<Signup>("/signup");
        looker.open("/signup").await.assert_step("account");
    }

    recorder.flush().await;
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM funnel_events")
        .fetch_one(&pool)
        .await
        .unwrap_or_else(|e| panic!("count: {e}"));
    eprintln!(
        "{rows} funnel events written in {} statements",
        recorder.batches()
    );
    assert_eq!(recorder.dropped(), 0);
    assert!(
        recorder.batches() < 20,
        "events are written in batches: {} statements",
        recorder.batches()
    );
    // The events never touched the request path's statements: those are
    // the email checks (four submitted accounts, one refused before the
    // check, so four checks) and two finishes (an insert each).
    assert_eq!(accounts.statements() - statements_before, 4 + 2);

    hand.advance_secs(IDLE.as_secs() as i64 + 1);
    let figures = funnel::report(&pool, &app::STEP_NAMES, IDLE, (hand.clock())())
        .await
        .unwrap_or_else(|e| panic!("report: {e}"));
    let reached: Vec<(&str, u64, u64, u64)> = figures
        .steps
        .iter()
        .map(|s| (s.step.as_str(), s.reached, s.dropped_after, s.abandoned))
        .collect();
    assert_eq!(
        reached,
        [
            ("account", 4, 0, 1),
            ("company", 1, 1, 1),
            ("profile", 3, 1, 0),
            ("review", 2, 0, 0),
        ]
    );
    assert_eq!((figures.started, figures.finished), (4, 2));
    let account = &figures.steps[0];
    // 30, 40, 10 and 50 seconds: the median is 35.
    assert_eq!(account.median_secs, Some(35.0));
    assert_eq!(figures.steps[2].median_secs, Some(20.0));
    // Most often first, ties by step and field.
    assert_eq!(
        figures.failures,
        [
            Failure {
                step: Account::NAME.into(),
                field: "email".into(),
                message: "Enter an email address in the correct format, like name@example.com"
                    .into(),
                count: 1,
            },
            Failure {
                step: Company::NAME.into(),
                field: "employees".into(),
                message: "Number of employees must be between 1 and 100,000".into(),
                count: 1,
            },
        ]
    );

    // The page, for the operator only.
    let mut operator = app.visitor::<Signup>("/signup");
    let refused = operator.open("/funnel").await;
    assert_eq!(refused.status().as_u16(), 401);
    let wrong = operator.open("/funnel?token=guess").await;
    assert_eq!(wrong.status().as_u16(), 401);
    let shown = operator.open("/funnel?token=operator-token").await.clone();
    assert_eq!(shown.status().as_u16(), 200, "{}", shown.describe());
    // Framed and sniffed by no one, as the wizard's pages.
    assert_eq!(shown.header("x-frame-options"), Some("DENY"));
    assert_eq!(shown.header("x-content-type-options"), Some("nosniff"));
    // The scheme's name in any case; HEAD as GET (the server drops the
    // body).
    let lowercase = operator
        .send("/funnel", |r| {
            r.insert_header(("Authorization", "bearer operator-token"))
        })
        .await;
    assert_eq!(lowercase.status().as_u16(), 200, "{}", lowercase.describe());
    let head = operator
        .send("/funnel?token=operator-token", |r| {
            r.method(actix_web::http::Method::HEAD)
        })
        .await;
    assert_eq!(head.status().as_u16(), 200);
    assert_eq!(head.header("content-type"), shown.header("content-type"));
    let text = shown.text();
    assert!(text.contains("Runs started: 4. Finished: 2."), "{text}");
    assert!(
        text.contains("account: 4. company: 1. profile: 3. review: 2. finished: 2."),
        "{text}"
    );
    assert!(text.contains("35.0 s"), "{text}");
    assert!(text.contains("Number of employees must be between 1 and 100,000"));
    assert!(
        shown
            .body()
            .contains(r#"<svg role="img" aria-labelledby="funnel-title funnel-desc""#)
    );
}

#[actix_rt::test]
async fn sqlite_funnel_counts_what_the_visitors_did() {
    scripted_flows_are_counted_as_they_happened("sqlite::memory:").await;
}

#[actix_rt::test]
async fn postgres_funnel_counts_what_the_visitors_did() {
    let Some(schema) = postgres_schema("funnel").await else {
        return;
    };
    scripted_flows_are_counted_as_they_happened(&postgres_url(postgres_addr(), &schema)).await;
    drop_schema(&schema).await;
}

#[actix_rt::test]
async fn events_older_than_the_time_kept_are_deleted() {
    let accounts = web::Data::new(
        Accounts::open("sqlite::memory:")
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let pool = accounts
        .pool()
        .cloned()
        .unwrap_or_else(|| panic!("a database"));
    let hand = HandClock::new();
    let day = Duration::from_secs(24 * 3600);
    let recorder = FunnelRecorder::start_keeping(pool.clone(), hand.clock(), day);
    let page = operator_page(&pool, &hand);
    let app = funnel_app(accounts.clone(), &recorder, page).await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM funnel_events")
            .fetch_one(&pool)
            .await
            .unwrap_or_else(|e| panic!("count: {e}"))
    };
    finish_personal(
        &mut app.visitor::<Signup>("/signup"),
        "old@example.com",
        &hand,
    )
    .await;
    recorder.flush().await;
    let old = count().await;
    assert!(old > 0);

    hand.advance_secs(2 * 24 * 3600);
    finish_personal(
        &mut app.visitor::<Signup>("/signup"),
        "new@example.com",
        &hand,
    )
    .await;
    recorder.flush().await;
    assert_eq!(
        count().await,
        old,
        "the first run's events went, the second's came"
    );
    let figures = funnel::report(&pool, &app::STEP_NAMES, IDLE, (hand.clock())())
        .await
        .unwrap_or_else(|e| panic!("report: {e}"));
    assert_eq!((figures.started, figures.finished), (1, 1));
}
