//! Rules across steps ([`actix_wizard::Steps::step_checked`] and
//! [`actix_wizard::Repeat::step_checked`]): a step's rule that reads the
//! other steps' answers, when the step is sent and again at the finish.

mod common;

use actix_wizard::page::CompletePage;
use actix_wizard::{
    FieldErrors, Finish, FinishError, Repeat, Step, Steps, Summary, Wizard, WizardConfig,
};
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "expense", title = "An expense")]
struct Details {
    #[field(label = "Amount", prefix = "£")]
    amount: u32,
}

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "receipt", title = "Its receipt")]
struct Receipt {
    #[field(label = "Receipt number")]
    number: Option<String>,
}

#[derive(Default)]
struct Expense {
    details: Details,
    receipt: Receipt,
}

/// A receipt is needed over £25.
fn receipt_over_25(expense: &Expense, receipt: &Receipt) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if expense.details.amount > 25 && receipt.number.is_none() {
        errors.add("number", "Enter the receipt number for an expense over £25");
    }
    errors
}

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "check", title = "Check your answers")]
struct Check {}

#[derive(Default)]
struct Claim {
    expenses: Vec<Expense>,
    check: Check,
}

impl Wizard for Claim {
    const ID: &'static str = "across-claim";
    type Outcome = usize;
    fn steps() -> Steps<Self> {
        let expenses = Repeat::new("expenses", "Your expenses")
            .noun("Expense")
            .summary(|e: &Expense| Summary::new(format!("£{}", e.details.amount), ""))
            .step(|e| &mut e.details)
            .step_checked(|e| &mut e.receipt, receipt_over_25);
        Steps::<Self>::new()
            .repeat(|c| &mut c.expenses, expenses)
            .step(|c| &mut c.check)
    }
    async fn finish(self, _: &Finish) -> Result<usize, FinishError> {
        Ok(self.expenses.len())
    }
    fn render_complete(count: &usize, page: &CompletePage<'_>) -> Result<String, askama::Error> {
        page.confirmation("Done", "Done", format_args!("{count} expenses"))
    }
}

#[actix_rt::test]
async fn an_items_step_is_checked_against_its_other_steps_when_sent_and_at_the_finish() {
    let app = common::kit::app_of::<Claim>("/claim", WizardConfig::default()).await;
    let mut visitor = app.visitor::<Claim>("/claim");
    visitor.open("/claim").await.assert_step("expense");
    visitor
        .submit(&Details { amount: 40 })
        .await
        .assert_step("receipt");
    // Over £25, the receipt is needed.
    visitor
        .submit_pairs(&[])
        .await
        .assert_status(422)
        .assert_error("number", "Enter the receipt number for an expense over £25");
    // At £20 it is not: the rule reads the item's amount as it is now.
    let list = visitor.submit_pairs(&[("number", "R-1")]).await;
    list.assert_step("expenses");
    let change = list.link("Change £40").unwrap_or_default();
    visitor.open(&change).await.assert_step("expense");
    visitor.submit(&Details { amount: 20 }).await;
    let receipt = format!("{}/receipt", change.trim_end_matches("/expense"));
    visitor.open(&receipt).await;
    visitor.submit_pairs(&[]).await.assert_step("expenses");
    // Raised again above £25 from the check page: the visit goes on to
    // the receipt it now needs, then back to the check page.
    visitor.open("/claim/expenses").await;
    visitor.add_another(false).await.assert_step("check");
    visitor.open(&format!("{change}?change")).await;
    visitor
        .submit(&Details { amount: 35 })
        .await
        .assert_step("receipt");
    visitor
        .submit_pairs(&[])
        .await
        .assert_error("number", "Enter the receipt number for an expense over £25");
    visitor
        .submit_pairs(&[("number", "R-2")])
        .await
        .assert_step("check");
    // Raised without a receipt some other way (the amount lowered, its
    // receipt cleared, then the amount raised through its own page, not
    // from the check page): the finish checks the rule again and sends
    // the visitor to the receipt.
    visitor.open(&change).await;
    visitor.submit(&Details { amount: 20 }).await;
    visitor.open(&receipt).await;
    visitor.submit_pairs(&[]).await;
    visitor.open(&change).await;
    visitor.submit(&Details { amount: 30 }).await;
    visitor.open("/claim/check").await.assert_step("check");
    let refused = visitor.press("finish", &[]).await;
    refused
        .assert_step("receipt")
        .assert_error("number", "Enter the receipt number for an expense over £25");
    assert_eq!(app.all_finishes(), 0);
}
