//! The claim example, as far as it goes: eligibility, the claimant, the
//! expenses list (each expense with its details and, for travel, its
//! journey), the bank details and the check page with the total,
//! finishing once into SQLite with a `CLM-` reference. Driven with the
//! testing kit.

mod common;

// The claim's module carries its own copy of the examples' migrator, as
// the signup's (in `common`) does.
#[allow(dead_code, clippy::duplicate_mod)]
#[path = "../../examples/claim/app.rs"]
mod app;

use actix_session::storage::SessionStore;
use common::servers;

use actix_web::{App, cookie::Key, web};
use actix_wizard::testing::{TestApp, Visitor};
use actix_wizard::{Date, MemoryStore, Money, WizardConfig, WizardSetup};
use app::{
    Bank, Category, Check, Claim, Claimant, Claims, Contact, Eligibility, Expense, ExpenseDetails,
    Journey, SortCode, YesNo,
};

async fn claim_app() -> (TestApp, web::Data<Claims>) {
    claim_app_on(MemoryStore::default()).await
}

/// The claim example with its sessions in `store`.
async fn claim_app_on<S>(store: S) -> (TestApp, web::Data<Claims>)
where
    S: SessionStore + Clone + Send + Sync + 'static,
{
    let claims = Claims::open("sqlite::memory:")
        .await
        .unwrap_or_else(|e| panic!("the claims database: {e}"));
    let claims = web::Data::new(claims);
    let data = claims.clone();
    let setup = WizardSetup::new(store, Key::from(&[7u8; 64]), WizardConfig::default());
    let app = TestApp::new(setup, move |setup| {
        App::new()
            .wrap(setup.middleware())
            .configure(app::routes(setup.wizard::<Claim>("/claim"), data))
    })
    .await;
    (app, claims)
}

fn claimant(contact: Contact, phone: Option<&str>) -> Claimant {
    Claimant {
        full_name: "Ann Example".into(),
        email: "ann@example.com".into(),
        contact: Some(contact),
        phone: phone.map(str::to_owned),
    }
}

fn bank() -> Bank {
    Bank {
        account_name: "A Example".into(),
        sort_code: SortCode::from("30 94-36".to_owned()),
        account_number: "0073 3445".into(),
    }
}

fn details(category: Category, description: &str, pounds: u64) -> ExpenseDetails {
    ExpenseDetails {
        date: Date::from_ymd(2026, 11, 2),
        category: Some(category),
        description: description.into(),
        amount: Money::from_pounds(pounds),
    }
}

fn journey() -> Journey {
    Journey {
        from: "Home".into(),
        to: "Airport".into(),
        miles: Some(12),
    }
}

/// Adds an expense from the page of a new one: its details, then its
/// journey for travel; back on the list. The item's id.
async fn add_expense(visitor: &mut Visitor<'_, Claim>, expense: ExpenseDetails) -> String {
    let travel = expense.category == Some(Category::Travel);
    let page = visitor.page();
    page.assert_step("expense");
    let item = page.item().unwrap_or_default().to_owned();
    let page = visitor.submit(&expense).await;
    if travel {
        page.assert_step("journey");
        assert_eq!(page.item(), Some(item.as_str()));
        visitor.submit(&journey()).await;
    }
    visitor.page().assert_step("expenses");
    item
}

/// Eligibility and the claimant answered: on a new expense's page.
async fn reach_expenses(visitor: &mut Visitor<'_, Claim>) {
    visitor.open("/claim").await.assert_step("eligibility");
    let employee = Eligibility {
        employee: Some(YesNo::Yes),
    };
    visitor.submit(&employee).await.assert_step("claimant");
    visitor
        .submit(&claimant(Contact::Email, None))
        .await
        .assert_step("expense");
}

async fn reach_check(visitor: &mut Visitor<'_, Claim>) {
    reach_expenses(visitor).await;
    add_expense(
        visitor,
        details(Category::Travel, "Taxi to the airport", 45),
    )
    .await;
    visitor.add_another(false).await.assert_step("bank");
    visitor.submit(&bank()).await.assert_step("check");
}

#[actix_rt::test]
async fn a_claim_is_checked_then_kept_once_with_a_reference() {
    let (app, claims) = claim_app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    reach_check(&mut visitor).await;
    let check = visitor.open("/claim/check").await;
    let answers = check.answers();
    for row in [
        ("Full name", "Ann Example"),
        ("How should we contact you?", "Email"),
        ("Sort code", "30-94-36"),
    ] {
        assert!(
            answers.contains(&(row.0.to_owned(), row.1.to_owned())),
            "{row:?} not in {answers:?}"
        );
    }
    let refused = visitor.submit(&Check { declaration: false }).await;
    refused
        .assert_status(422)
        .assert_error(Check::DECLARATION, "Confirm the information is correct");

    let done = visitor.submit(&Check { declaration: true }).await;
    done.assert_complete();
    assert_eq!(done.heading().as_deref(), Some("Claim submitted"));
    let text = done.text();
    let reference = text
        .split_whitespace()
        .find(|word| word.starts_with("CLM-"))
        .map(|word| word.trim_end_matches('.'))
        .unwrap_or_else(|| panic!("no reference in {text}"));
    assert_eq!(reference.len(), 12);
    assert!(
        reference[4..]
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    );
    assert_eq!(claims.count().await, 1);
    // The run is finished: the same finish again keeps nothing more.
    let run = visitor.run_id().unwrap_or_default();
    assert_eq!(app.finishes(&run), 1);
}

#[actix_rt::test]
async fn not_employed_is_refused_on_the_question_until_the_exit_page_exists() {
    let (app, _) = claim_app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    visitor.open("/claim").await;
    let page = visitor
        .submit(&Eligibility {
            employee: Some(YesNo::No),
        })
        .await;
    page.assert_status(422).assert_error(
        Eligibility::EMPLOYEE,
        "You can only claim expenses if you are employed by us",
    );
    let page = visitor.submit(&Eligibility { employee: None }).await;
    page.assert_status(422).assert_error(
        Eligibility::EMPLOYEE,
        "Select yes if you are employed by us",
    );
}

#[actix_rt::test]
async fn phone_is_asked_for_when_chosen_and_must_be_a_uk_number() {
    let (app, _) = claim_app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    visitor.open("/claim").await;
    let employee = Eligibility {
        employee: Some(YesNo::Yes),
    };
    visitor.submit(&employee).await.assert_step("claimant");
    visitor
        .submit(&claimant(Contact::Phone, None))
        .await
        .assert_status(422)
        .assert_error(Claimant::PHONE, "Enter a phone number, as you chose phone");
    for wrong in ["12345", "+33 1 23 45 67 89", "0161 496 00000 1"] {
        visitor
            .submit(&claimant(Contact::Phone, Some(wrong)))
            .await
            .assert_status(422)
            .assert_error(
                Claimant::PHONE,
                "Enter a UK phone number, like 01632 960 001 or +44 7700 900 982",
            );
    }
    for right in ["(01632) 960-001", "+44 7700 900 982"] {
        visitor
            .submit(&claimant(Contact::Phone, Some(right)))
            .await
            .assert_step("expense");
        visitor.open("/claim/claimant").await;
    }
}

#[actix_rt::test]
async fn bank_details_are_read_with_spaces_and_dashes_and_checked() {
    let (app, _) = claim_app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    reach_check(&mut visitor).await;
    visitor.open("/claim/bank").await;
    let page = visitor
        .submit_pairs(&[
            ("account_name", ""),
            ("sort_code", "12-34"),
            ("account_number", "12 34"),
        ])
        .await;
    page.assert_status(422)
        .assert_error(
            Bank::ACCOUNT_NAME,
            "Enter the name on the account, in 100 characters or fewer",
        )
        .assert_error(Bank::SORT_CODE, "Enter a valid sort code like 30-94-36")
        .assert_error(
            Bank::ACCOUNT_NUMBER,
            "Enter a valid account number like 00733445",
        );
    visitor
        .submit_pairs(&[
            ("account_name", "A Example"),
            ("sort_code", "12 34 56"),
            ("account_number", "12345678"),
        ])
        .await
        .assert_step("check");
    let check = visitor.open("/claim/check").await;
    assert!(
        check
            .answers()
            .contains(&("Sort code".to_owned(), "12-34-56".to_owned())),
        "{:?}",
        check.answers()
    );
}

#[actix_rt::test]
async fn keeping_a_run_again_finds_its_claim_under_the_same_reference() {
    let claims = Claims::open("sqlite::memory:")
        .await
        .unwrap_or_else(|e| panic!("the claims database: {e}"));
    let claim = Claim {
        eligibility: Eligibility {
            employee: Some(YesNo::Yes),
        },
        claimant: claimant(Contact::Phone, Some("01632 960 001")),
        expenses: vec![Expense {
            expense: details(Category::Meals, "Lunch", 12),
            journey: None,
        }],
        bank: bank(),
        check: Check { declaration: true },
    };
    let keep = |run: &'static str| {
        let (claims, claim) = (&claims, &claim);
        async move {
            claims
                .keep(claim, run)
                .await
                .unwrap_or_else(|_| panic!("{run} not kept"))
        }
    };
    let first = keep("run-1").await;
    assert_eq!(keep("run-1").await, first);
    assert_eq!(claims.count().await, 1);
    assert_ne!(keep("run-2").await, first);
    assert_eq!(claims.count().await, 2);
}

/// The journey up to the finish, with the state sealed in a shared store.
async fn claim_on<S>(store: S)
where
    S: SessionStore + Clone + Send + Sync + 'static,
{
    let (app, claims) = claim_app_on(store).await;
    let mut visitor = app.visitor::<Claim>("/claim");
    reach_check(&mut visitor).await;
    // Back to an earlier step and forward again: the answers are there.
    let claimant = visitor.open("/claim/claimant").await;
    assert_eq!(
        claimant.value(Claimant::FULL_NAME).as_deref(),
        Some("Ann Example")
    );
    visitor.open("/claim/check").await;
    visitor
        .submit(&Check { declaration: true })
        .await
        .assert_complete();
    assert_eq!(claims.count().await, 1);
}

#[actix_rt::test]
async fn a_claim_goes_through_on_redis() {
    let Some(redis) = servers::shared_redis().await else {
        return;
    };
    claim_on(redis.session_store()).await;
}

#[actix_rt::test]
async fn a_claim_goes_through_on_memcached() {
    let Some((store, _server)) = servers::memcached().await else {
        return;
    };
    claim_on(store).await;
}

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
    visitor.submit(&journey()).await.assert_step("expenses");
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
    let change = visitor.page().link("Change what was it for?");
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
    let reference = text
        .split_whitespace()
        .find(|word| word.starts_with("CLM-"))
        .map(|word| word.trim_end_matches('.').to_owned())
        .unwrap_or_default();
    assert_eq!(
        claims.expenses(&reference).await,
        [("Taxi".to_owned(), 4500), ("Lunch".to_owned(), 1200)]
    );
}
