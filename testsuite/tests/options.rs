//! Choices declared on the field, for a plain type (numbers, strings)
//! without an enum: radios (or a select) of the declared values and
//! labels, a value outside them refused, the label on the check page.

mod common;

use actix_wizard::page::CompletePage;
use actix_wizard::{Finish, FinishError, Step, Steps, Wizard, WizardConfig};
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "cover", title = "Your cover")]
struct Cover {
    #[field(
        label = "How much excess do you want to pay?",
        subject = "the excess",
        options = "0=None, 100=£100, 250=£250"
    )]
    #[validate(required(message = "Select the excess"))]
    excess: Option<u32>,
    #[field(
        label = "Pay by",
        kind = "select",
        options = "month=Every month, year=Once a year"
    )]
    #[validate(required(message = "Select how to pay"))]
    pay: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "check", title = "Check your answers")]
struct Check {}

#[derive(Debug, Default)]
struct Quote {
    cover: Cover,
    check: Check,
}

impl Wizard for Quote {
    const ID: &'static str = "options-quote";
    type Outcome = u32;
    fn steps() -> Steps<Self> {
        Steps::<Self>::new()
            .step(|q| &mut q.cover)
            .step(|q| &mut q.check)
    }
    async fn finish(self, _: &Finish) -> Result<u32, FinishError> {
        Ok(self.cover.excess.unwrap_or_default())
    }
    fn render_complete(excess: &u32, page: &CompletePage<'_>) -> Result<String, askama::Error> {
        page.confirmation("Done", "Done", format_args!("Excess {excess}"))
    }
}

#[actix_rt::test]
async fn options_on_a_plain_field_are_offered_checked_and_shown_by_their_labels() {
    let app = common::kit::app_of::<Quote>("/quote", WizardConfig::default()).await;
    let mut visitor = app.visitor::<Quote>("/quote");
    let page = visitor.open("/quote").await;
    let body = page.body();
    assert!(body.contains(r#"type="radio" value="100""#), "{body}");
    assert!(body.contains("£250"));
    assert!(body.contains(r#"<option value="year""#), "{body}");
    visitor
        .submit_pairs(&[("excess", "99"), ("pay", "week")])
        .await
        .assert_status(422)
        .assert_error("excess", "Select one of the options for the excess")
        .assert_error("pay", "Select one of the options for pay by");
    let check = visitor
        .submit_pairs(&[("excess", "100"), ("pay", "year")])
        .await;
    check.assert_step("check");
    let answers = check.answers();
    assert!(
        answers.contains(&(
            "How much excess do you want to pay?".to_owned(),
            "£100".to_owned()
        )),
        "{answers:?}"
    );
    assert!(answers.contains(&("Pay by".to_owned(), "Once a year".to_owned())));
    let done = visitor.submit(&Check {}).await;
    done.assert_complete();
    assert!(done.text().contains("Excess 100"));
}
