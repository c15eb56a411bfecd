//! The testing kit (`actix_wizard::testing`) on the signup example and on
//! a small wizard of its own: typed forms, what a visitor sees, starting
//! anywhere, time without sleeping, finishes counted, tabs, and failure
//! messages that say where the visitor is.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use actix_web::{App, web};
use actix_wizard::testing::{Answers, TestApp};
use actix_wizard::{
    Choice, Date, Finish, FinishError, MemoryStore, Secret, Step, Steps, Wizard, WizardConfig,
    WizardSetup, page::CompletePage,
};
use common::app::{Account, AccountType, Company, Profile, Review, Signup};
use common::kit::{account, profile, signup};
use serde::{Deserialize, Serialize};
use validator::Validate;

#[actix_rt::test]
async fn a_business_signup_from_typed_steps_reads_as_what_the_visitor_does() {
    let (app, accounts) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");

    let first = visitor.open("/signup").await;
    first.assert_step("account").assert_no_errors();
    assert_eq!(first.redirects(), ["/signup/account"]);
    assert_eq!(first.progress().as_deref(), Some("Step 1 of 3"));

    visitor
        .submit(&account("ann@example.com", AccountType::Business))
        .await
        .assert_step("company");
    let company = visitor
        .submit(&Company {
            company_name: "A".into(),
            vat_id: None,
            employees: Some(12),
        })
        .await;
    company.assert_status(422).assert_error(
        Company::COMPANY_NAME,
        "Company name must be between 2 and 100 characters",
    );
    assert_eq!(company.value(Company::COMPANY_NAME).as_deref(), Some("A"));
    assert_eq!(company.value(Company::EMPLOYEES).as_deref(), Some("12"));
    assert_eq!(company.value(Company::VAT_ID).as_deref(), Some(""));

    visitor
        .submit(&Company {
            company_name: "Acme Ltd".into(),
            vat_id: Some("GB123456789".into()),
            employees: Some(12),
        })
        .await
        .assert_step("profile");
    let review = visitor.submit(&profile()).await;
    review.assert_step("review");
    let answers = review.answers();
    for expected in [
        ("Email address", "ann@example.com"),
        ("Account type", "Business"),
        ("Company name", "Acme Ltd"),
        ("Interests", "Rust, Data"),
        ("Bio", "Hello <b>there</b>"),
    ] {
        assert!(
            answers.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} not in {answers:?}"
        );
    }
    assert!(
        !review.body().contains("secret123"),
        "no password on review"
    );

    let done = visitor.submit(&Review { accept_terms: true }).await;
    done.assert_complete();
    assert!(done.text().contains("Welcome, Ann"), "{}", done.describe());
    let run = visitor.run_id().unwrap_or_else(|| panic!("no run id"));
    assert_eq!(app.finishes(&run), 1);
    assert_eq!(app.finish_results(&run), [true]);
    assert_eq!(accounts.count().await, 1);
    assert_eq!(
        accounts.get("ann@example.com").await.map(|a| a.run),
        Some(run),
        "finish got the run id the kit reads"
    );
}

#[actix_rt::test]
async fn every_kind_of_control_is_filled_as_a_browser_fills_it_and_shown_back() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    visitor.open("/signup").await;
    visitor
        .submit(&account("bo@example.com", AccountType::Personal))
        .await
        .assert_step("profile");
    visitor.submit(&profile()).await.assert_step("review");

    // Stored as sent: each control shows it again, passwords aside.
    let account_page = visitor.open("/signup/account").await;
    assert_eq!(
        account_page.value(Account::EMAIL).as_deref(),
        Some("bo@example.com")
    );
    assert_eq!(account_page.value(Account::PASSWORD).as_deref(), Some(""));
    assert_eq!(
        account_page.value(Account::ACCOUNT_TYPE).as_deref(),
        Some("personal")
    );
    let profile_page = visitor.open("/signup/profile").await;
    assert_eq!(profile_page.values(Profile::INTERESTS), ["rust", "data"]);
    assert_eq!(
        profile_page.value(Profile::NEWSLETTER).as_deref(),
        Some("yes")
    );
    assert_eq!(profile_page.value(Profile::AGE).as_deref(), Some("34"));
    assert_eq!(
        profile_page.value(Profile::BIO).as_deref(),
        Some("Hello <b>there</b>"),
        "the textarea's text, unescaped as a browser reads it"
    );

    // Unticked boxes send nothing: the stored answer follows.
    let quiet = Profile {
        newsletter: false,
        ..profile()
    };
    visitor.submit(&quiet).await.assert_step("review");
    let profile_page = visitor.open("/signup/profile").await;
    assert_eq!(profile_page.value(Profile::NEWSLETTER), None);
}

#[actix_rt::test]
async fn raw_pairs_and_back_keep_what_was_typed() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    visitor.open("/signup").await;
    visitor
        .submit(&account("cy@example.com", AccountType::Personal))
        .await;
    let wrong = visitor
        .submit_pairs(&[("display_name", "Cy"), ("age", "abc")])
        .await;
    wrong
        .assert_status(422)
        .assert_error(Profile::AGE, "Enter a whole number");
    assert_eq!(wrong.value(Profile::AGE).as_deref(), Some("abc"));
    let refused = app
        .events()
        .into_iter()
        .rfind(|e| e.kind == "validation_failed");
    let refused = refused.unwrap_or_else(|| panic!("no validation_failed event"));
    let age = refused.fields.iter().position(|f| f == "age");
    assert_eq!(
        age.and_then(|at| refused.codes[at].as_deref()),
        Some("type:whole_number")
    );

    // Back sends the form as it stands: the page comes back as a draft.
    visitor.back().await.assert_step("account");
    let again = visitor.open("/signup/profile").await;
    assert_eq!(again.value(Profile::AGE).as_deref(), Some("abc"));
    assert_eq!(again.value(Profile::DISPLAY_NAME).as_deref(), Some("Cy"));
    again.assert_no_errors();
}

#[actix_rt::test]
async fn a_run_starts_at_any_step_and_expires_when_the_clock_moves_on() {
    let (app, accounts) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    let review = visitor
        .start_with(
            Answers::new()
                .with(&account("di@example.com", AccountType::Personal))
                .with(&profile()),
        )
        .await;
    review.assert_step("review");
    assert!(
        review
            .answers()
            .contains(&("Email address".into(), "di@example.com".into()))
    );

    // Half an hour and a second later, the run has lapsed.
    app.clock().advance(Duration::from_secs(30 * 60 + 1));
    let lapsed = visitor.open("/signup").await;
    lapsed.assert_step("account");
    assert!(
        lapsed.notice().is_some_and(|n| n.contains("start again")),
        "{}",
        lapsed.describe()
    );
    assert_eq!(accounts.count().await, 0);
}

#[actix_rt::test]
async fn planted_answers_are_checked_again_at_finish() {
    let (app, accounts) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    let mut bad = account("not-an-address", AccountType::Personal);
    bad.password_confirm = Secret::new("different1");
    visitor
        .start_with(Answers::new().with(&bad).with(&profile()))
        .await
        .assert_step("review");
    let back_at_account = visitor.submit(&Review { accept_terms: true }).await;
    back_at_account.assert_step("account");
    assert!(
        back_at_account.error(Account::EMAIL).is_some(),
        "{}",
        back_at_account.describe()
    );
    assert_eq!(app.all_finishes(), 0, "finish never ran");
    assert_eq!(accounts.count().await, 0);
}

#[actix_rt::test]
async fn a_second_tab_pressing_finish_again_gets_the_same_completion_once() {
    let (app, accounts) = signup().await;
    let mut first = app.visitor::<Signup>("/signup");
    first
        .start_with(
            Answers::new()
                .with(&account("ed@example.com", AccountType::Personal))
                .with(&profile()),
        )
        .await;
    let mut second = first.tab();
    first
        .submit(&Review { accept_terms: true })
        .await
        .assert_complete();
    // The other tab still shows the review page, and sends it again.
    second
        .submit(&Review { accept_terms: true })
        .await
        .assert_complete();
    let run = first.run_id().unwrap_or_else(|| panic!("no run id"));
    assert_eq!(app.finishes(&run), 1);
    assert_eq!(accounts.count().await, 1);

    // Someone else, with a jar of their own, starts from nothing.
    let mut stranger = app.visitor::<Signup>("/signup");
    stranger.open("/signup").await.assert_step("account");
    assert_ne!(stranger.run_id(), Some(run));
}

#[actix_rt::test]
#[should_panic(expected = "field errors:\n  email: Enter your email address")]
async fn a_failed_assertion_says_where_the_visitor_is_and_what_the_page_shows() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    visitor.open("/signup").await;
    let page = visitor.submit(&Account::default()).await;
    page.assert_step("profile");
}

#[actix_rt::test]
#[should_panic(expected = "the visitor is not on step \"profile\"'s form")]
async fn submitting_a_step_the_visitor_is_not_on_is_refused_with_the_page() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    visitor.open("/signup").await;
    visitor.submit(&profile()).await;
}

// ------------------------------------------------------------ a wizard of its own

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Choice)]
#[serde(rename_all = "lowercase")]
enum Colour {
    Red,
    Blue,
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "car", title = "Your car")]
struct Car {
    #[field(label = "First registered")]
    #[validate(custom(function = "Date::in_the_past"))]
    registered: Date,
    #[field(label = "Colour", kind = "select")]
    #[validate(required(message = "Select the colour"))]
    colour: Option<Colour>,
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "confirm", title = "Confirm")]
struct Confirm {
    #[field(label = "Declaration", checkbox = "The answers are true")]
    #[validate(custom(function = "actix_wizard::field::ticked"))]
    declared: bool,
}

#[derive(Default)]
struct Quote {
    car: Car,
    confirm: Confirm,
}

/// The quote service is down until the test says it is up.
struct QuoteService {
    up: AtomicBool,
}

impl Wizard for Quote {
    const ID: &'static str = "quote";
    type Outcome = String;
    fn steps() -> Steps<Self> {
        Steps::<Self>::new()
            .step(|q| &mut q.car)
            .step(|q| &mut q.confirm)
    }
    async fn finish(self, finish: &Finish) -> Result<String, FinishError> {
        let service = finish
            .request()
            .app_data::<web::Data<QuoteService>>()
            .ok_or_else(|| FinishError::failed("no quote service"))?;
        if !service.up.load(Ordering::SeqCst) {
            return Err(FinishError::failed("the quote service is down"));
        }
        Ok(self.car.registered.to_string())
    }
    fn render_complete(_: &String, page: &CompletePage<'_>) -> Result<String, askama::Error> {
        page.in_layout("Quoted", "<h1>Your quote is on its way</h1>")
    }
}

async fn quote() -> (TestApp, web::Data<QuoteService>) {
    let service = web::Data::new(QuoteService {
        up: AtomicBool::new(false),
    });
    let data = service.clone();
    let setup = WizardSetup::new(
        MemoryStore::default(),
        common::key(),
        WizardConfig::default(),
    );
    let app = TestApp::new(setup, move |setup| {
        App::new()
            .app_data(data)
            .wrap(setup.middleware())
            .service(setup.wizard::<Quote>("/quote"))
    })
    .await;
    (app, service)
}

fn date(year: i32, month: u8, day: u8) -> Date {
    Date::from_ymd(year, month, day).unwrap_or_else(|| panic!("not a date"))
}

#[actix_rt::test]
async fn a_date_is_sent_in_three_parts_and_a_failed_finish_can_be_retried() {
    let (app, service) = quote().await;
    let mut visitor = app.visitor::<Quote>("/quote");
    visitor.open("/quote").await.assert_step("car");
    let car = Car {
        registered: date(2019, 3, 7),
        colour: Some(Colour::Blue),
    };
    visitor.submit(&car).await.assert_step("confirm");
    let car_page = visitor.open("/quote/car").await;
    assert_eq!(car_page.value("registered-day").as_deref(), Some("7"));
    assert_eq!(car_page.value("registered-month").as_deref(), Some("3"));
    assert_eq!(car_page.value("registered-year").as_deref(), Some("2019"));
    assert_eq!(car_page.value(Car::COLOUR).as_deref(), Some("blue"));
    visitor.submit(&car).await.assert_step("confirm");

    let failed = visitor.submit(&Confirm { declared: true }).await;
    failed.assert_status(500);
    assert!(
        failed.text().contains("answers are safe"),
        "{}",
        failed.describe()
    );
    let run = visitor.run_id().unwrap_or_else(|| panic!("no run id"));
    assert_eq!(app.finish_results(&run), [false]);

    service.up.store(true, Ordering::SeqCst);
    visitor.open("/quote/confirm").await.assert_step("confirm");
    visitor
        .submit(&Confirm { declared: true })
        .await
        .assert_complete();
    assert_eq!(app.finish_results(&run), [false, true]);
}

#[actix_rt::test]
async fn a_date_with_a_missing_part_is_told_by_its_part() {
    let (app, _) = quote().await;
    let mut visitor = app.visitor::<Quote>("/quote");
    visitor.open("/quote").await;
    let page = visitor
        .submit_pairs(&[
            ("registered-day", "7"),
            ("registered-month", ""),
            ("registered-year", "2019"),
            ("colour", ""),
        ])
        .await;
    page.assert_status(422)
        .assert_error(Car::REGISTERED, "First registered must include a month")
        .assert_error(Car::COLOUR, "Select the colour");
    let targets: Vec<String> = page.summary().into_iter().map(|l| l.target).collect();
    assert_eq!(targets, ["registered-month", "colour"]);
}

#[actix_rt::test]
async fn the_confirmation_page_escapes_what_the_visitor_typed() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    let shouting = Profile {
        display_name: "<b>Ann</b>".into(),
        ..profile()
    };
    visitor
        .start_with(
            Answers::new()
                .with(&account("fy@example.com", AccountType::Personal))
                .with(&shouting),
        )
        .await;
    let done = visitor.submit(&Review { accept_terms: true }).await;
    done.assert_complete();
    assert_eq!(done.heading().as_deref(), Some("Welcome, <b>Ann</b>"));
    assert!(!done.body().contains("<b>Ann"), "escaped: {}", done.body());
    assert!(done.text().contains("Your account has been created."));
    assert!(done.body().contains(r#"<a href="/signup">Start again</a>"#));
}

#[actix_rt::test]
async fn a_run_reports_its_funnel_events_in_order_without_answers() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    visitor.open("/signup").await;
    visitor.submit(&Account::default()).await.assert_status(422);
    visitor
        .submit(&account("gi@example.com", AccountType::Personal))
        .await
        .assert_step("profile");
    visitor.back().await.assert_step("account");
    visitor.open("/signup/profile").await;
    visitor.submit(&profile()).await.assert_step("review");
    visitor.open("/signup/profile?change").await;
    visitor.submit(&profile()).await.assert_step("review");
    visitor
        .submit(&Review { accept_terms: true })
        .await
        .assert_complete();

    let run = visitor.run_id().unwrap_or_else(|| panic!("no run id"));
    let events = app.events();
    // The first page was shown before anything was stored, under an id
    // the run does not keep; from its first store on, the run's own.
    assert_ne!(events[0].run, run, "{events:?}");
    assert!(events[1..].iter().all(|e| e.run == run), "{events:?}");
    let seen: Vec<(&str, Option<&str>)> = events.iter().map(|e| (e.kind, e.step)).collect();
    assert_eq!(
        seen,
        [
            ("step_shown", Some("account")),
            ("validation_failed", Some("account")),
            ("run_started", None),
            ("step_saved", Some("account")),
            ("step_shown", Some("profile")),
            ("back", Some("profile")),
            ("step_shown", Some("account")),
            ("step_shown", Some("profile")),
            ("step_saved", Some("profile")),
            ("step_shown", Some("review")),
            ("step_shown", Some("profile")),
            ("step_saved", Some("profile")),
            ("step_shown", Some("review")),
            ("step_saved", Some("review")),
            ("finish_ran", None),
        ]
    );
    assert_eq!(
        events[1].fields,
        ["email", "password", "account_type"],
        "which fields failed"
    );
    let codes: Vec<Option<&str>> = events[1].codes.iter().map(Option::as_deref).collect();
    assert_eq!(
        codes,
        [Some("length"), Some("password"), Some("required")],
        "with validator's codes"
    );
    let dump = format!("{events:?}");
    assert!(!dump.contains("gi@example.com") && !dump.contains("secret123"));
}
