//! `Money`: an amount read as a person writes it, refused with a message
//! beside the field when it is not one, shown as `£1,200.50`, kept in
//! pence, and described by the published schema for JSON clients.

mod common;

use actix_web::App;
use actix_wizard::page::CompletePage;
use actix_wizard::testing::TestApp;
use actix_wizard::{
    Finish, FinishError, MemoryStore, Money, Step, Steps, Wizard, WizardConfig, WizardSetup,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use validator::{Validate, ValidationError};

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "expense", title = "Your expense")]
struct Expense {
    #[field(label = "Amount", hint = "In pounds and pence")]
    #[validate(custom(function = "claimable"))]
    amount: Money,
    #[field(label = "Tip")]
    tip: Option<Money>,
}

fn claimable(amount: &Money) -> Result<(), ValidationError> {
    let most = Money::from_pounds(5000).unwrap_or_default();
    match amount.pence() {
        0 => Err(ValidationError::new("range").with_message("Amount must be more than £0".into())),
        _ if *amount > most => {
            Err(ValidationError::new("range").with_message("Amount must be £5,000 or less".into()))
        }
        _ => Ok(()),
    }
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "check", title = "Check your answers")]
struct Check {}

#[derive(Default)]
struct Claim {
    expense: Expense,
    check: Check,
}

impl Wizard for Claim {
    const ID: &'static str = "claim";
    type Outcome = u64;
    fn steps() -> Steps<Self> {
        Steps::<Self>::new()
            .step(|w| &mut w.expense)
            .step(|w| &mut w.check)
    }
    async fn finish(self, _: &Finish) -> Result<u64, FinishError> {
        Ok(self.expense.amount.pence() + self.expense.tip.map_or(0, Money::pence))
    }
    fn render_complete(pence: &u64, page: &CompletePage<'_>) -> Result<String, askama::Error> {
        page.confirmation("Claimed", format_args!("{pence} pence"), "Thank you.")
    }
}

async fn app() -> TestApp {
    let setup = WizardSetup::new(
        MemoryStore::default(),
        common::key(),
        WizardConfig::default(),
    );
    TestApp::new(setup, |setup| {
        App::new()
            .wrap(setup.middleware())
            .service(setup.wizard::<Claim>("/claim"))
    })
    .await
}

#[actix_rt::test]
async fn an_amount_as_a_person_writes_it_is_kept_in_pence_and_shown_in_pounds() {
    let app = app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    let page = visitor.open("/claim").await;
    page.assert_step("expense");
    let body = page.body();
    assert!(body.contains("inputmode=\"decimal\""), "{body}");
    assert!(body.contains("spellcheck=\"false\""), "{body}");
    assert!(body.contains("aria-hidden=\"true\">£</span>"), "{body}");

    visitor
        .submit_pairs(&[("amount", " £1,200.5 "), ("tip", "")])
        .await
        .assert_step("check");
    let check = visitor.open("/claim/check").await;
    let answers = check.answers();
    assert!(
        answers.contains(&("Amount".to_owned(), "£1,200.50".to_owned())),
        "{answers:?}"
    );
    // Back on the step, the input holds the amount as stored.
    let again = visitor.open("/claim/expense").await;
    assert_eq!(again.value(Expense::AMOUNT).as_deref(), Some("1200.50"));
    visitor.open("/claim/check").await;
    let done = visitor.submit(&Check {}).await;
    done.assert_complete();
    assert!(done.text().contains("120050 pence"), "{}", done.text());
}

#[actix_rt::test]
async fn what_is_not_an_amount_is_an_error_beside_the_field_keeping_what_was_typed() {
    let app = app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    visitor.open("/claim").await;
    let cases = [
        (
            "-5",
            "Amount must be an amount without a minus or plus sign",
        ),
        (
            "12.505",
            "Amount must have no more than 2 digits after the point",
        ),
        (
            "twelve",
            "Amount must be an amount of money, like 12.50 or 1,200",
        ),
        (
            "1,20",
            "Amount must be an amount of money, like 12.50 or 1,200",
        ),
        ("", "Enter amount"),
        ("0", "Amount must be more than £0"),
        ("5000.01", "Amount must be £5,000 or less"),
    ];
    for (typed, message) in cases {
        let page = visitor.submit_pairs(&[("amount", typed)]).await;
        page.assert_status(422)
            .assert_step("expense")
            .assert_error(Expense::AMOUNT, message);
        assert_eq!(page.value(Expense::AMOUNT).as_deref(), Some(typed.trim()));
        let summary = page.summary();
        assert!(
            summary.iter().any(|link| link.target == "amount"),
            "{summary:?}"
        );
    }
    // The optional tip: nothing is fine, a wrong amount is not.
    let page = visitor
        .submit_pairs(&[("amount", "10"), ("tip", "1.234")])
        .await;
    page.assert_status(422).assert_error(
        Expense::TIP,
        "Tip must have no more than 2 digits after the point",
    );
    visitor
        .submit_pairs(&[("amount", "5,000"), ("tip", "0.5")])
        .await
        .assert_step("check");
}

#[actix_rt::test]
async fn a_json_client_sends_a_number_or_text_and_the_schema_says_which() {
    let app = app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    visitor.use_json();
    visitor.open("/claim/expense").await;
    let refused = visitor
        .post_json("/claim/expense", &json!({"action": "next", "amount": -3}))
        .await;
    assert_eq!(refused.status(), 422);
    let next = visitor
        .post_json(
            "/claim/expense",
            &json!({"action": "next", "amount": 12.5, "tip": "£0.50"}),
        )
        .await;
    assert_eq!(next.status(), 200, "{}", next.body());
    let check = next.json().unwrap_or_default();
    assert_eq!(check["step"], "check", "{check:#}");

    let schema = visitor.open("/claim/schema.json").await;
    let mut schema = schema.json().unwrap_or_else(|| panic!("no schema"));
    schema["$ref"] = json!("#/$defs/expense");
    let validator = jsonschema::options()
        .build(&schema)
        .unwrap_or_else(|e| panic!("the schema does not compile: {e}"));
    for accepted in [
        json!({"action": "next", "amount": 12.5}),
        json!({"action": "next", "amount": "£1,200.50"}),
        json!({"action": "next", "amount": "12", "tip": null}),
    ] {
        assert!(validator.is_valid(&accepted), "refused {accepted}");
    }
    for refused in [
        json!({"action": "next", "amount": -1}),
        json!({"action": "next", "amount": "12.505"}),
        json!({"action": "next", "amount": "-5"}),
        json!({"action": "next", "amount": "1,20"}),
    ] {
        assert!(!validator.is_valid(&refused), "accepted {refused}");
    }
}
