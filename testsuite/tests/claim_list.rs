//! The claim's list of expenses, after GOV.UK's "add multiple things":
//! the list page and its question, items under their own ids, the remove
//! page, the conditional journey step, the check page's sections and
//! total, re-validation at the finish, drafts and Back inside an item, and
//! the same list for JSON and htmx clients. Driven with the testing kit.

mod claims;

use actix_wizard::testing::{Answers, ItemAnswers};
use claims::app::{Category, Check, Claim, ExpenseDetails};
use claims::{add_expense, bank, claim_app, details, journey, reach_expenses};
use serde_json::json;

#[actix_rt::test]
async fn expenses_are_listed_changed_and_removed_by_their_own_ids() {
    let (app, _) = claim_app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    reach_expenses(&mut visitor).await;
    let taxi = add_expense(
        &mut visitor,
        details(Category::Travel, "Taxi to the airport", 45),
    )
    .await;
    let list = visitor.add_another(true).await;
    list.assert_step("expense");
    let lunch_id = list.item().unwrap_or_default().to_owned();
    assert_ne!(lunch_id, taxi);
    let lunch = add_expense(&mut visitor, details(Category::Meals, "Lunch", 12)).await;
    assert_eq!(lunch, lunch_id);
    let list = visitor.page();
    assert_eq!(
        list.items(),
        [
            ("Taxi to the airport".to_owned(), "£45.00".to_owned()),
            ("Lunch".to_owned(), "£12.00".to_owned())
        ]
    );
    assert_eq!(
        list.link("Change Lunch").as_deref(),
        Some(format!("/claim/expenses/{lunch}/expense").as_str())
    );
    let remove = list.link("Remove Taxi to the airport");
    assert_eq!(remove, Some(format!("/claim/expenses/{taxi}/remove")));

    // Remove asks first; no answer is an error; no keeps it.
    let remove = visitor
        .open(&format!("/claim/expenses/{taxi}/remove"))
        .await;
    remove.assert_status(200);
    assert_eq!(
        remove.heading().as_deref(),
        Some("Are you sure you want to remove Taxi to the airport?")
    );
    visitor
        .submit_pairs(&[])
        .await
        .assert_status(422)
        .assert_error("confirm", "Select yes if you want to remove it");
    // A removal without the form's CSRF token is refused, and removes
    // nothing.
    let forged = visitor
        .fetch(&format!("/claim/expenses/{taxi}/remove"), |request| {
            request
                .method(actix_web::http::Method::POST)
                .set_form([("confirm", "yes"), ("action", "next")])
        })
        .await;
    forged.assert_status(403);
    visitor
        .open(&format!("/claim/expenses/{taxi}/remove"))
        .await;
    visitor
        .submit_pairs(&[("confirm", "no")])
        .await
        .assert_step("expenses");
    assert_eq!(visitor.page().items().len(), 2);
    visitor
        .open(&format!("/claim/expenses/{taxi}/remove"))
        .await;
    let list = visitor.submit_pairs(&[("confirm", "yes")]).await;
    list.assert_step("expenses");
    assert_eq!(list.items(), [("Lunch".to_owned(), "£12.00".to_owned())]);

    // The removed item's pages are gone; the other kept its address.
    for gone in ["expense", "journey", "remove"] {
        let page = visitor
            .open(&format!("/claim/expenses/{taxi}/{gone}"))
            .await;
        page.assert_status(404);
    }
    let page = visitor
        .open(&format!("/claim/expenses/{lunch}/expense"))
        .await;
    page.assert_step("expense");
    assert_eq!(
        page.value(ExpenseDetails::DESCRIPTION).as_deref(),
        Some("Lunch")
    );
    let events: Vec<&str> = app.events().iter().map(|e| e.kind).collect();
    assert_eq!(events.iter().filter(|k| **k == "item_added").count(), 2);
    assert_eq!(events.iter().filter(|k| **k == "item_removed").count(), 1);
}

#[actix_rt::test]
async fn the_list_needs_a_finished_expense_and_holds_at_most_ten() {
    let (app, _) = claim_app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    reach_expenses(&mut visitor).await;
    // A new item's page stores nothing: the list is still empty.
    let list = visitor.open("/claim/expenses").await;
    list.assert_step("expenses");
    assert!(list.text().contains("None added yet."), "{}", list.text());
    visitor
        .add_another(false)
        .await
        .assert_status(422)
        .assert_error("add_another", "Add at least 1 before you continue");
    visitor
        .submit_pairs(&[])
        .await
        .assert_status(422)
        .assert_error("add_another", "Select yes if you need to add another");
    // A travel expense without its journey is not finished.
    let page = visitor.add_another(true).await;
    page.assert_step("expense");
    let taxi = page.item().unwrap_or_default().to_owned();
    visitor
        .submit(&details(Category::Travel, "Taxi", 30))
        .await
        .assert_step("journey");
    let list = visitor.open("/claim/expenses").await;
    assert_eq!(
        list.items(),
        [("Taxi".to_owned(), "Not finished".to_owned())]
    );
    assert_eq!(
        list.link("Continue Taxi"),
        Some(format!("/claim/expenses/{taxi}/journey"))
    );
    visitor
        .add_another(false)
        .await
        .assert_status(422)
        .assert_error(
            "add_another",
            "Finish or remove each one marked as not finished before you continue",
        );
    // Later steps wait until the list is done.
    visitor.open("/claim/bank").await.assert_step("expenses");
    visitor
        .open(&format!("/claim/expenses/{taxi}/journey"))
        .await;
    visitor.submit(&journey()).await.assert_step("receipt");
    // Over £25: its receipt is needed.
    visitor
        .submit_files(&[], &[])
        .await
        .assert_status(422)
        .assert_error("receipt", "Select a receipt for an expense over £25");
    let pdf = claims::receipt_pdf("taxi");
    visitor
        .submit_files(&[], &[("receipt", "taxi.pdf", &pdf)])
        .await
        .assert_step("expenses");
    for n in 2..=10 {
        visitor.add_another(true).await.assert_step("expense");
        add_expense(
            &mut visitor,
            details(Category::Other, &format!("Thing {n}"), 1),
        )
        .await;
    }
    let full = visitor.page();
    assert_eq!(full.items().len(), 10);
    assert!(full.value("add_another").is_none());
    assert!(
        full.text()
            .contains("You have added the most you can (10)."),
        "{}",
        full.text()
    );
    // At the maximum a new item's address leads back to the list.
    let list = visitor.open("/claim/expenses").await;
    let body = list.body().to_owned();
    assert!(!body.contains("name=\"add_another\""));
    visitor.submit_pairs(&[]).await.assert_step("bank");
}

#[actix_rt::test]
async fn the_journey_is_asked_for_travel_only_and_dropped_when_it_no_longer_is() {
    let (app, _) = claim_app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    reach_expenses(&mut visitor).await;
    let lunch = add_expense(&mut visitor, details(Category::Meals, "Lunch", 12)).await;
    visitor
        .open(&format!("/claim/expenses/{lunch}/journey"))
        .await
        .assert_status(404);
    visitor.open("/claim/expenses").await;
    visitor.add_another(true).await;
    let taxi = add_expense(&mut visitor, details(Category::Travel, "Taxi", 40)).await;
    visitor.add_another(false).await.assert_step("bank");
    visitor.submit(&bank()).await.assert_step("check");
    let answers = visitor.page().answers();
    assert!(
        answers.contains(&("From".to_owned(), "Home".to_owned())),
        "{answers:?}"
    );
    // Change the taxi into a meal: its journey goes, and with `?change`
    // the visitor returns to the check page.
    let change = visitor.page().link("Change what the expense was for");
    assert!(change.is_some());
    visitor
        .open(&format!("/claim/expenses/{taxi}/expense?change"))
        .await;
    visitor
        .submit(&details(Category::Meals, "Dinner", 40))
        .await
        .assert_step("check");
    let check = visitor.page();
    let answers = check.answers();
    assert!(
        !answers.iter().any(|(label, _)| label == "From"),
        "{answers:?}"
    );
    let text = check.text();
    assert!(text.contains("Expense 1: Lunch"), "{text}");
    assert!(text.contains("Expense 2: Dinner"), "{text}");
    assert!(
        answers.contains(&("Total claimed".to_owned(), "£52.00".to_owned())),
        "{answers:?}"
    );
    visitor
        .open(&format!("/claim/expenses/{taxi}/journey"))
        .await
        .assert_status(404);
}

#[actix_rt::test]
async fn an_item_id_the_run_did_not_give_is_404() {
    let (app, _) = claim_app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    reach_expenses(&mut visitor).await;
    let offered = visitor.page().item().unwrap_or_default().to_owned();
    // The same address is offered again: a view stores nothing.
    let again = visitor.open("/claim/expenses").await;
    assert!(again.items().is_empty());
    visitor.add_another(true).await;
    assert_eq!(visitor.page().item(), Some(offered.as_str()));
    for forged in ["AAAAAAAAAAAAAAAA", "short", "a/b"] {
        visitor
            .open(&format!("/claim/expenses/{forged}/expense"))
            .await
            .assert_status(404);
    }
    // Another visitor's id means nothing here.
    let mut other = app.visitor::<Claim>("/claim");
    reach_expenses(&mut other).await;
    let theirs = other.page().item().unwrap_or_default().to_owned();
    assert_ne!(theirs, offered);
    visitor
        .open(&format!("/claim/expenses/{theirs}/expense"))
        .await
        .assert_status(404);
}

#[actix_rt::test]
async fn a_claim_keeps_its_expenses_and_total() {
    let (app, claims) = claim_app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    reach_expenses(&mut visitor).await;
    add_expense(&mut visitor, details(Category::Travel, "Taxi", 45)).await;
    visitor.add_another(true).await;
    add_expense(&mut visitor, details(Category::Meals, "Lunch", 12)).await;
    visitor.add_another(false).await;
    visitor.submit(&bank()).await;
    let done = visitor.submit(&Check { declaration: true }).await;
    done.assert_complete();
    let text = done.text();
    assert!(text.contains("Total claimed: £57.00."), "{text}");
    let reference = claims::reference_on(done);
    assert_eq!(
        claims.expenses(&reference).await,
        [("Taxi".to_owned(), 4500), ("Lunch".to_owned(), 1200)]
    );
}

/// Eligibility, the claimant and the bank answered as a visitor would
/// have, with `items` in the list: the run lands on the check page.
fn answered(items: Vec<ItemAnswers>) -> Answers<Claim> {
    use claims::app::{Contact, Eligibility, YesNo};
    let mut answers = Answers::<Claim>::new()
        .with(&Eligibility {
            employee: Some(YesNo::Yes),
        })
        .with(&claims::claimant(Contact::Email, None))
        .with(&bank());
    for item in items {
        answers = answers.item("expenses", item);
    }
    answers
}

#[actix_rt::test]
async fn every_expense_is_checked_again_at_the_finish_and_the_first_wrong_one_is_shown() {
    let (app, claims) = claim_app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    // Stored as given: the second expense's amount breaks its rule (as an
    // answer stored under an older rule would).
    let none = claims::app::Receipt::default();
    let lunch = ItemAnswers::new()
        .with(&details(Category::Meals, "Lunch", 12))
        .with(&none);
    let hotel = ItemAnswers::new()
        .with(&details(Category::Accommodation, "Hotel", 6000))
        .with(&none);
    let check = visitor.start_with(answered(vec![lunch, hotel])).await;
    check.assert_step("check");
    let page = visitor.submit(&Check { declaration: true }).await;
    page.assert_step("expense").assert_error(
        ExpenseDetails::AMOUNT,
        "Enter an amount more than £0 and at most £5,000.00",
    );
    assert_eq!(
        page.value(ExpenseDetails::DESCRIPTION).as_deref(),
        Some("Hotel")
    );
    assert_eq!(claims.count().await, 0);
    // Put right, the claim goes on to the check page and finishes.
    visitor
        .submit(&details(Category::Accommodation, "Hotel", 600))
        .await
        .assert_step("receipt");
    // Over £25 now: its receipt is asked for.
    let pdf = claims::receipt_pdf("hotel");
    visitor
        .submit_files(&[], &[("receipt", "hotel.pdf", &pdf)])
        .await
        .assert_step("expenses");
    visitor.add_another(false).await;
    visitor.open("/claim/check").await;
    visitor
        .submit(&Check { declaration: true })
        .await
        .assert_complete();
    assert_eq!(claims.count().await, 1);
}

#[actix_rt::test]
async fn back_inside_an_item_keeps_what_was_typed_and_leads_to_the_list_from_its_first_step() {
    let (app, _) = claim_app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    reach_expenses(&mut visitor).await;
    let page = visitor
        .submit(&details(Category::Travel, "Train", 30))
        .await;
    page.assert_step("journey");
    let item = page.item().unwrap_or_default().to_owned();
    let typed = claims::app::Journey {
        from: "Leeds".into(),
        ..journey()
    };
    visitor.back_with(&typed).await.assert_step("expense");
    let journey_page = visitor
        .open(&format!("/claim/expenses/{item}/journey"))
        .await;
    assert_eq!(journey_page.value("from").as_deref(), Some("Leeds"));
    // A draft the page's script saves is kept as Back keeps one.
    assert_eq!(visitor.save_draft(&[("from", "York")]).await, 204);
    let again = visitor
        .open(&format!("/claim/expenses/{item}/journey"))
        .await;
    assert_eq!(again.value("from").as_deref(), Some("York"));
    visitor
        .open(&format!("/claim/expenses/{item}/expense"))
        .await;
    visitor.back().await.assert_step("expenses");
    // Skipping ahead within an item, or past an unfinished list, is not
    // possible: each leads to the step to be on.
    visitor.open("/claim/check").await.assert_step("expenses");
}

#[actix_rt::test]
async fn the_list_for_json_clients() {
    let (app, _) = claim_app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    visitor.use_json();
    visitor.open("/claim").await;
    // An answer that leads to an exit page: its document, nothing stored.
    let exit = visitor
        .post_json(
            "/claim/eligibility",
            &json!({"action": "next", "employee": "no"}),
        )
        .await;
    assert_eq!(exit.status(), 200);
    let exit = exit.json().unwrap_or_default();
    assert_eq!(exit["exit"], "not-eligible", "{exit}");
    assert_eq!(exit["title"], "You cannot use this service");
    assert_eq!(exit["back"], "/claim/eligibility");
    visitor
        .post_json(
            "/claim/eligibility",
            &json!({"action": "next", "employee": "yes"}),
        )
        .await;
    let first = visitor
        .post_json(
            "/claim/claimant",
            &json!({"action": "next", "full_name": "Ann", "email": "ann@example.com", "contact": "email"}),
        )
        .await;
    let first = first.json().unwrap_or_default();
    assert_eq!(first["step"], "expense", "{first}");
    let url = first["url"].as_str().unwrap_or_default().to_owned();
    assert!(url.starts_with("/claim/expenses/"), "{url}");
    let list = visitor
        .post_json(
            &url,
            &json!({"action": "next", "date-day": "2", "date-month": "11", "date-year": "2026",
                    "category": "meals", "description": "Lunch", "amount": "12.50"}),
        )
        .await;
    assert_eq!(list.status(), 200, "{}", list.describe());
    let receipt = list.json().unwrap_or_default();
    assert_eq!(receipt["step"], "receipt", "{receipt}");
    // £12.50 needs no receipt.
    let receipt_url = receipt["url"].as_str().unwrap_or_default().to_owned();
    let list = visitor
        .post_json(&receipt_url, &json!({"action": "next"}))
        .await;
    let list = list.json().unwrap_or_default();
    assert_eq!(list["step"], "expenses", "{list}");
    assert_eq!(list["items"][0]["name"], "Lunch");
    assert_eq!(list["items"][0]["detail"], "£12.50");
    assert_eq!(list["items"][0]["finished"], true);
    assert_eq!(list["fields"][0]["name"], "add_another");
    let refused = visitor
        .post_json("/claim/expenses", &json!({"action": "next"}))
        .await;
    assert_eq!(refused.status(), 422);
    let bank = visitor
        .post_json(
            "/claim/expenses",
            &json!({"action": "next", "add_another": "no"}),
        )
        .await
        .json()
        .unwrap_or_default();
    assert_eq!(bank["step"], "bank", "{bank}");
    // The schema describes the list, its items' steps and the remove page.
    let schema = visitor
        .open("/claim/schema.json")
        .await
        .json()
        .unwrap_or_default();
    for def in [
        "expenses",
        "expenses.expense",
        "expenses.journey",
        "expenses.remove",
    ] {
        assert!(schema["$defs"][def].is_object(), "no {def} in the schema");
    }
    assert_eq!(
        schema["$defs"]["expenses.expense"]["properties"]["amount"]["title"],
        "Amount, in pounds"
    );
    // The phone is asked for when its option is chosen.
    let claimant = &schema["$defs"]["claimant"]["then"];
    assert_eq!(claimant["allOf"][0]["then"]["required"], json!(["phone"]));
    assert!(
        !claimant["required"]
            .as_array()
            .is_some_and(|r| r.contains(&json!("phone")))
    );
}

#[actix_rt::test]
async fn the_list_for_htmx_swaps_its_pages_in() {
    let (app, _) = claim_app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    reach_expenses(&mut visitor).await;
    visitor.use_htmx();
    visitor
        .submit(&details(Category::Meals, "Lunch", 12))
        .await
        .assert_step("receipt");
    let list = visitor.submit_files(&[], &[]).await;
    list.assert_step("expenses");
    assert_eq!(list.redirects(), ["/claim/expenses"]);
    assert!(!list.body().contains("<html"), "{}", list.body());
    let item = visitor.add_another(true).await;
    item.assert_step("expense");
    assert!(!item.body().contains("<html"));
    assert!(item.item().is_some());
}
