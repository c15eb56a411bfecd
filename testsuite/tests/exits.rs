//! Exit pages ([`actix_wizard::Exit`]) in a wizard of their own: the
//! answer that leads there is not stored, the page reads nothing of the
//! run, and a segment that clashes is refused when the service is built.

mod common;

use actix_wizard::page::CompletePage;
use actix_wizard::{Exit, Finish, FinishError, Step, Steps, Wizard, WizardConfig};
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "age", title = "Your age")]
struct Age {
    #[field(label = "Age in years")]
    #[validate(required(message = "Enter your age"))]
    years: Option<u32>,
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "name", title = "Your name")]
struct Name {
    #[field(label = "Full name")]
    full_name: String,
}

#[derive(Debug, Default)]
struct Entry {
    age: Age,
    name: Name,
}

const TOO_YOUNG: Exit = Exit::new(
    "too-young",
    "You cannot enter yet",
    "You must be 18 or over.\n\nCome back on your birthday.",
);

impl Wizard for Entry {
    const ID: &'static str = "entry";
    type Outcome = ();
    fn steps() -> Steps<Self> {
        Steps::<Self>::new()
            .step(|e| &mut e.age)
            .exit_if(|e| e.age.years.is_some_and(|y| y < 18), TOO_YOUNG)
            .step(|e| &mut e.name)
    }
    async fn finish(self, _: &Finish) -> Result<(), FinishError> {
        Ok(())
    }
    fn render_complete(_: &(), page: &CompletePage<'_>) -> Result<String, askama::Error> {
        page.confirmation("Entered", "Entered", "Good luck.")
    }
}

#[actix_rt::test]
async fn an_answer_that_leads_to_an_exit_is_not_stored_and_a_changed_one_goes_on() {
    let app = common::kit::app_of::<Entry>("/entry", WizardConfig::default()).await;
    let mut visitor = app.visitor::<Entry>("/entry");
    visitor.open("/entry").await;
    let exit = visitor.submit(&Age { years: Some(12) }).await;
    assert_eq!(exit.redirects(), ["/entry/too-young"]);
    assert_eq!(exit.heading().as_deref(), Some("You cannot enter yet"));
    assert!(exit.text().contains("Come back on your birthday."));
    let back = visitor.open("/entry/age").await;
    assert_eq!(
        back.value("years").as_deref(),
        Some(""),
        "the answer was stored"
    );
    visitor
        .submit(&Age { years: Some(30) })
        .await
        .assert_step("name");
    // Answered and stored, the same exit answer later still leads out,
    // and leaves the stored answer as it was.
    visitor.open("/entry/age").await;
    visitor.submit(&Age { years: Some(9) }).await;
    let kept = visitor.open("/entry/age").await;
    assert_eq!(kept.value("years").as_deref(), Some("30"));
}

#[derive(Debug, Default)]
struct Clash(Entry);

impl Wizard for Clash {
    const ID: &'static str = "clash";
    type Outcome = ();
    fn steps() -> Steps<Self> {
        Steps::<Self>::new()
            .step(|c| &mut c.0.age)
            .exit_if(|_| true, Exit::new("name", "Out", "Out."))
            .step(|c| &mut c.0.name)
    }
    async fn finish(self, _: &Finish) -> Result<(), FinishError> {
        Ok(())
    }
    fn render_complete(_: &(), _: &CompletePage<'_>) -> Result<String, askama::Error> {
        Ok(String::new())
    }
}

#[test]
fn an_exit_named_as_a_step_is_refused_when_the_service_is_built() {
    let panic = common::kit::refusal_of::<Clash>();
    assert!(panic.contains("exit page `name`"), "{panic}");
}
