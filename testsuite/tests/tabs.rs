//! Runs per tab (opt-in): each tab's run in its own URLs, the base
//! resuming or listing them, a new one alongside, and a cap.

mod common;

use actix_web::{App, web};
use actix_wizard::testing::{TestApp, Visitor};
use actix_wizard::{MemoryStore, WizardConfig, WizardSetup};
use common::app::{Account, AccountType, Accounts, Review, Signup};
use common::kit;

async fn tabbed_signup(config: WizardConfig) -> (TestApp, web::Data<Accounts>) {
    let accounts = web::Data::new(Accounts::default());
    let shared = accounts.clone();
    let setup = WizardSetup::with_store_factory(
        kit::shared(MemoryStore::default()),
        common::key(),
        config.runs_per_tab(true),
    );
    let app = TestApp::new(setup, move |setup| {
        App::new()
            .wrap(setup.middleware())
            .configure(common::app::routes(setup.wizard("/signup"), shared))
    })
    .await;
    (app, accounts)
}

/// The run key of the page the visitor is on.
fn key_of(visitor: &Visitor<'_, Signup>) -> String {
    visitor
        .page()
        .run_key()
        .unwrap_or_else(|| panic!("not a tab's run: {}", visitor.page().describe()))
        .to_owned()
}

#[actix_rt::test]
async fn two_tabs_keep_two_runs_and_finishing_one_leaves_the_other() {
    let (app, accounts) = tabbed_signup(kit::config()).await;
    let mut first = app.visitor::<Signup>("/signup");
    first.open("/signup").await.assert_step("account");
    let one = key_of(&first);
    first
        .submit(&kit::account("ann@example.com", AccountType::Personal))
        .await
        .assert_step("profile");
    assert_eq!(key_of(&first), one, "the run's key stays in its URLs");

    // Another tab of the same browser starts another signup.
    let mut second = first.tab();
    let fresh = second.open("/signup/new").await;
    fresh.assert_step("account");
    assert_eq!(fresh.value(Account::EMAIL).as_deref(), Some(""));
    let two = key_of(&second);
    assert_ne!(one, two);
    second
        .submit(&kit::account("bea@example.com", AccountType::Business))
        .await
        .assert_step("company");

    // A reload or a link keeps each tab's own run.
    let page = first.open(&format!("/signup/r/{one}/account")).await;
    assert_eq!(
        page.value(Account::EMAIL).as_deref(),
        Some("ann@example.com")
    );
    let page = second.open(&format!("/signup/r/{two}/account")).await;
    assert_eq!(
        page.value(Account::EMAIL).as_deref(),
        Some("bea@example.com")
    );

    first.open(&format!("/signup/r/{one}/profile")).await;
    first.submit(&kit::profile()).await.assert_step("review");
    first
        .submit(&Review { accept_terms: true })
        .await
        .assert_complete();
    assert_eq!(accounts.count().await, 1);

    // The other tab's run is still there, and finishes on its own.
    second
        .open(&format!("/signup/r/{two}"))
        .await
        .assert_step("company");
    second.submit(&kit::company()).await.assert_step("profile");
    second.submit(&kit::profile()).await.assert_step("review");
    second
        .submit(&Review { accept_terms: true })
        .await
        .assert_complete();
    assert_eq!(accounts.count().await, 2);
    assert!(accounts.get("bea@example.com").await.is_some());
}

#[actix_rt::test]
async fn the_base_resumes_the_only_run_or_lists_several() {
    let (app, _) = tabbed_signup(kit::config()).await;
    let mut first = app.visitor::<Signup>("/signup");
    // Nothing stored yet: a new run.
    let start = first.open("/signup").await;
    start.assert_step("account");
    let one = key_of(&first);
    first
        .submit(&kit::account("ann@example.com", AccountType::Personal))
        .await;
    // One unfinished run: the base resumes it where it is.
    let resumed = first.open("/signup").await;
    resumed.assert_step("profile");
    assert_eq!(key_of(&first), one);

    app.clock().advance(std::time::Duration::from_secs(120));
    let mut second = first.tab();
    second.open("/signup/new").await;
    let two = key_of(&second);
    second
        .submit(&kit::account("bea@example.com", AccountType::Business))
        .await;

    // Several: a short list, the most recent first, and a new one.
    let list = first.open("/signup").await;
    assert_eq!(list.status(), 200, "{}", list.describe());
    assert_eq!(
        list.heading().as_deref(),
        Some("Continue where you left off")
    );
    let text = list.text();
    assert!(text.contains("Step 2 of 4, last used 0 min ago"), "{text}");
    assert!(text.contains("Step 2 of 3, last used 2 min ago"), "{text}");
    let body = list.body();
    let (at_two, at_one) = (
        body.find(&format!("href=\"/signup/r/{two}\"")),
        body.find(&format!("href=\"/signup/r/{one}\"")),
    );
    assert!(at_two.is_some() && at_one.is_some(), "{body}");
    assert!(at_two < at_one, "the most recent first: {body}");
    assert!(body.contains("href=\"/signup/new\">Start a new one</a>"));

    // The same for a JSON client.
    let mut script = first.tab();
    script.use_json();
    let runs = script.open("/signup").await.json().unwrap_or_default();
    assert_eq!(runs["runs"].as_array().map(Vec::len), Some(2), "{runs}");
    assert_eq!(runs["runs"][0]["url"], format!("/signup/r/{two}"));
    assert_eq!(runs["start_new"], "/signup/new");
}

#[actix_rt::test]
async fn past_the_cap_the_oldest_run_goes_and_the_visitor_is_told() {
    let (app, _) = tabbed_signup(kit::config().max_runs(2)).await;
    let mut tabs = Vec::new();
    let visitor = app.visitor::<Signup>("/signup");
    for (n, email) in ["one@example.com", "two@example.com"].iter().enumerate() {
        let mut tab = visitor.tab();
        tab.open("/signup/new").await;
        let next = tab
            .submit(&kit::account(email, AccountType::Personal))
            .await;
        next.assert_step("profile");
        assert_eq!(next.notice(), None, "run {n}");
        app.clock().advance(std::time::Duration::from_secs(60));
        tabs.push((key_of(&tab), tab));
    }
    let mut third = visitor.tab();
    third.open("/signup/new").await;
    let told = third
        .submit(&kit::account("three@example.com", AccountType::Personal))
        .await;
    told.assert_step("profile");
    assert!(
        told.notice()
            .is_some_and(|n| n.contains("the oldest one was deleted")),
        "{}",
        told.describe()
    );
    // The oldest run's answers are gone, and its page starts afresh
    // (not saying its answers expired); the newer one's stay.
    let (oldest, tab) = &mut tabs[0];
    let page = tab.open(&format!("/signup/r/{oldest}/account")).await;
    assert_eq!(page.value(Account::EMAIL).as_deref(), Some(""));
    assert_eq!(page.notice(), None, "{}", page.describe());
    let (newer, tab) = &mut tabs[1];
    let page = tab.open(&format!("/signup/r/{newer}/account")).await;
    assert_eq!(
        page.value(Account::EMAIL).as_deref(),
        Some("two@example.com")
    );
}

#[actix_rt::test]
async fn runs_answered_within_one_second_keep_their_order() {
    // The clock stands still: every run is answered in the same second.
    let (app, _) = tabbed_signup(kit::config().max_runs(5)).await;
    let visitor = app.visitor::<Signup>("/signup");
    let mut keys = Vec::new();
    for n in 0..6 {
        let mut tab = visitor.tab();
        tab.open("/signup/new").await;
        let email = format!("run{n}@example.com");
        tab.submit(&kit::account(&email, AccountType::Personal))
            .await
            .assert_step("profile");
        keys.push(key_of(&tab));
    }
    // The cap dropped run 0, the oldest, and lists the rest newest first.
    let mut list = visitor.tab();
    list.use_json();
    let runs = list
        .open("/signup")
        .await
        .json()
        .unwrap_or_else(|| panic!("no list"));
    let listed: Vec<String> = runs["runs"]
        .as_array()
        .map(|runs| {
            runs.iter()
                .filter_map(|run| run["url"].as_str())
                .map(|url| url.trim_start_matches("/signup/r/").to_owned())
                .collect()
        })
        .unwrap_or_default();
    let newest_first: Vec<String> = keys[1..].iter().rev().cloned().collect();
    assert_eq!(listed, newest_first, "{runs}");
}
