//! When a step's async check runs: on submitting the step, and again at
//! the finish unless the step says `check_once`; a `check_once` step that
//! is the last one is still checked when the finish is pressed on it.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::{App, HttpRequest, web};
use actix_wizard::page::CompletePage;
use actix_wizard::testing::TestApp;
use actix_wizard::{
    FieldErrors, Finish, FinishError, MemoryStore, Step, Steps, Wizard, WizardConfig, WizardSetup,
};
use serde::{Deserialize, Serialize};
use validator::Validate;

/// How many times each step's check ran, and the name it refuses.
#[derive(Default)]
struct Counts {
    every_time: AtomicUsize,
    once: AtomicUsize,
    last: AtomicUsize,
}

fn counts(request: &HttpRequest) -> &Counts {
    request
        .app_data::<web::Data<Counts>>()
        .map(|data| data.get_ref())
        .unwrap_or_else(|| panic!("no counts"))
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "first", title = "First", check = count_every_time)]
struct First {
    #[field(label = "Name")]
    name: String,
}

async fn count_every_time(_: &First, request: &HttpRequest) -> FieldErrors {
    counts(request).every_time.fetch_add(1, Ordering::SeqCst);
    FieldErrors::new()
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "second", title = "Second", check = count_once, check_once)]
struct Second {
    #[field(label = "Code")]
    code: String,
}

async fn count_once(_: &Second, request: &HttpRequest) -> FieldErrors {
    counts(request).once.fetch_add(1, Ordering::SeqCst);
    FieldErrors::new()
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "last", title = "Last", check = refuse_no, check_once)]
struct Last {
    #[field(label = "Word")]
    word: String,
}

async fn refuse_no(last: &Last, request: &HttpRequest) -> FieldErrors {
    counts(request).last.fetch_add(1, Ordering::SeqCst);
    match last.word.as_str() {
        "no" => FieldErrors::of(Last::WORD, "Enter a word other than no"),
        _ => FieldErrors::new(),
    }
}

#[derive(Default)]
struct Checked {
    first: First,
    second: Second,
    last: Last,
}

impl Wizard for Checked {
    const ID: &'static str = "checked";
    type Outcome = String;
    fn steps() -> Steps<Self> {
        Steps::<Self>::new()
            .step(|w| &mut w.first)
            .step(|w| &mut w.second)
            .step(|w| &mut w.last)
    }
    async fn finish(self, _: &Finish) -> Result<String, FinishError> {
        Ok(self.first.name)
    }
    fn render_complete(name: &String, page: &CompletePage<'_>) -> Result<String, askama::Error> {
        page.confirmation("Done", name, "Thank you.")
    }
}

async fn app() -> (TestApp, web::Data<Counts>) {
    let counts = web::Data::new(Counts::default());
    let data = counts.clone();
    let setup = WizardSetup::new(
        MemoryStore::default(),
        common::key(),
        WizardConfig::default(),
    );
    let app = TestApp::new(setup, move |setup| {
        App::new()
            .app_data(data)
            .wrap(setup.middleware())
            .service(setup.wizard::<Checked>("/checked"))
    })
    .await;
    (app, counts)
}

#[actix_rt::test]
async fn a_check_once_step_is_checked_when_submitted_and_not_again_at_finish() {
    let (app, counts) = app().await;
    let mut visitor = app.visitor::<Checked>("/checked");
    visitor.open("/checked").await.assert_step("first");
    visitor
        .submit(&First { name: "Ann".into() })
        .await
        .assert_step("second");
    visitor
        .submit(&Second { code: "A1".into() })
        .await
        .assert_step("last");
    assert_eq!(counts.every_time.load(Ordering::SeqCst), 1);
    assert_eq!(counts.once.load(Ordering::SeqCst), 1);

    // The last step's check runs when the finish is pressed on it, even
    // though it is `check_once`: a refusal brings the visitor back there.
    let refused = visitor.submit(&Last { word: "no".into() }).await;
    assert_eq!(refused.redirects(), ["/checked/last"]);
    refused
        .assert_step("last")
        .assert_error(Last::WORD, "Enter a word other than no");
    assert_eq!(counts.last.load(Ordering::SeqCst), 1);

    visitor
        .submit(&Last { word: "yes".into() })
        .await
        .assert_complete();
    assert_eq!(counts.last.load(Ordering::SeqCst), 2);
    // The finish checked the first step again, the `check_once` one not.
    assert_eq!(counts.every_time.load(Ordering::SeqCst), 3);
    assert_eq!(counts.once.load(Ordering::SeqCst), 1);
}
