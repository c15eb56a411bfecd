//! The claim example, as far as it goes: eligibility, the claimant, the
//! expenses list (each expense with its details and, for travel, its
//! journey), the bank details and the check page with the total,
//! finishing once into SQLite with a `CLM-` reference. Driven with the
//! testing kit.

mod common;

mod claims;

use actix_session::storage::SessionStore;
use common::servers;

use claims::app::{
    Bank, Category, Check, Claim, Claimant, Claims, Contact, Eligibility, Expense, YesNo,
};
use claims::{bank, claim_app, claim_app_on, claimant, details, reach_check, reach_claimant};

#[actix_rt::test]
async fn a_claim_is_checked_then_kept_once_with_a_reference() {
    let (app, claims) = claim_app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    reach_check(&mut visitor).await;
    let check = visitor.open("/claim/check").await;
    let answers = check.answers();
    // Contact by email: the phone question was not revealed, so it has
    // no row.
    assert!(
        !answers.iter().any(|(label, _)| label == "Phone number"),
        "{answers:?}"
    );
    check.assert_answers(&[
        ("Full name", "Ann Example"),
        ("How should we contact you?", "Email"),
        ("Sort code", "30-94-36"),
        ("Receipt", "receipt.pdf"),
    ]);
    let refused = visitor.submit(&Check { declaration: false }).await;
    refused
        .assert_status(422)
        .assert_error(Check::DECLARATION, "Confirm the information is correct");

    let done = visitor.submit(&Check { declaration: true }).await;
    done.assert_complete();
    assert_eq!(done.heading().as_deref(), Some("Claim submitted"));
    let reference = &claims::reference_on(done);
    assert_eq!(reference.len(), 12);
    assert_eq!(
        claims.language(reference).await.as_deref(),
        Some("en"),
        "the language it was submitted in"
    );
    // The taxi's receipt went to the claim's own place.
    assert_eq!(
        claims.receipts(reference).await,
        [(
            Some("receipt.pdf".to_owned()),
            Some(format!("claims/{reference}/receipt-1.pdf"))
        )]
    );
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
async fn not_employed_leads_to_the_exit_page_and_stores_nothing() {
    let (app, _) = claim_app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    visitor.open("/claim").await;
    let no = Eligibility {
        employee: Some(YesNo::No),
    };
    let exit = visitor.submit(&no).await;
    exit.assert_status(200);
    assert_eq!(exit.redirects(), ["/claim/not-eligible"]);
    assert_eq!(
        exit.heading().as_deref(),
        Some("You cannot use this service")
    );
    assert!(exit.text().contains("employed by us"), "{}", exit.text());
    assert_eq!(
        exit.link("Change your answer").as_deref(),
        Some("/claim/eligibility")
    );
    // Nothing was stored: the run has not started, and the next step is
    // not reachable.
    let kinds: Vec<&str> = app.events().iter().map(|e| e.kind).collect();
    assert!(kinds.contains(&"exit_reached"), "{kinds:?}");
    assert!(!kinds.contains(&"run_started"), "{kinds:?}");
    assert!(!kinds.contains(&"step_saved"), "{kinds:?}");
    visitor
        .open("/claim/claimant")
        .await
        .assert_step("eligibility");
    let question = visitor.page();
    assert_eq!(question.value(Eligibility::EMPLOYEE), None);
    // The exit page is read only.
    let post = visitor
        .fetch("/claim/not-eligible", |request| {
            request.method(actix_web::http::Method::POST)
        })
        .await;
    post.assert_status(405);
    visitor.open("/claim/eligibility").await;
    let page = visitor.submit(&Eligibility { employee: None }).await;
    page.assert_status(422).assert_error(
        Eligibility::EMPLOYEE,
        "Select yes if you are employed by us",
    );
    // Yes goes on.
    let yes = Eligibility {
        employee: Some(YesNo::Yes),
    };
    visitor.submit(&yes).await.assert_step("claimant");
}

#[actix_rt::test]
async fn phone_is_asked_for_when_chosen_and_must_be_a_uk_number() {
    let (app, _) = claim_app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    reach_claimant(&mut visitor).await;
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
            receipt: Default::default(),
        }],
        bank: bank(),
        check: Check { declaration: true },
    };
    let keep = |run: &'static str| {
        let (claims, claim) = (&claims, &claim);
        async move {
            claims
                .keep(claim, run, "en")
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
async fn the_phone_is_revealed_beneath_its_option_and_kept_only_when_chosen() {
    let (app, _) = claim_app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    let page = reach_claimant(&mut visitor).await;
    // Beneath the phone option, which names it for the page's script.
    let body = page.body();
    let option = body.find("id=\"contact-phone\"").unwrap_or(usize::MAX);
    let revealed = body.find("id=\"conditional-contact-phone\"").unwrap_or(0);
    let phone = body.find("id=\"phone\"").unwrap_or(0);
    assert!(option < revealed && revealed < phone, "{body}");
    assert!(body.contains("data-aria-controls=\"conditional-contact-phone\""));
    assert!(!body.contains("Phone number (optional)"));
    // Typed, then email chosen: the number is not kept, nor shown.
    visitor
        .submit_pairs(&[
            ("full_name", "Ann Example"),
            ("email", "ann@example.com"),
            ("contact", "email"),
            ("phone", "not a number"),
        ])
        .await
        .assert_step("expense");
    let claimant = visitor.open("/claim/claimant").await;
    assert_eq!(claimant.value(Claimant::PHONE).as_deref(), Some(""));
}

#[actix_rt::test]
async fn a_change_visit_returns_to_the_check_page_and_cancel_keeps_nothing_typed() {
    let (app, _) = claim_app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    reach_check(&mut visitor).await;
    let change = visitor
        .page()
        .link("Change name on the account")
        .unwrap_or_default();
    assert_eq!(change, "/claim/bank?change#account_name");
    let page = visitor.open("/claim/bank?change").await;
    let buttons = page.buttons();
    assert!(
        buttons.contains(&(
            "next".to_owned(),
            "Save and return to check your answers".to_owned()
        )),
        "{buttons:?}"
    );
    assert!(buttons.contains(&("cancel".to_owned(), "Cancel".to_owned())));
    // Back returns to the check page.
    visitor
        .press("back", &[("account_name", "Half typed")])
        .await
        .assert_step("check");
    // Cancel drops what was typed, a draft the page's script saved too.
    visitor.open("/claim/bank?change").await;
    assert_eq!(visitor.save_draft(&[("account_name", "Typed")]).await, 204);
    visitor
        .press("cancel", &[("account_name", "Typed")])
        .await
        .assert_step("check");
    let kept = visitor.open("/claim/bank").await;
    assert_eq!(kept.value(Bank::ACCOUNT_NAME).as_deref(), Some("A Example"));
    // Saved, the visitor returns to the check page.
    visitor.open("/claim/bank?change").await;
    let saved = visitor
        .submit(&Bank {
            account_name: "B Example".into(),
            ..bank()
        })
        .await;
    saved.assert_step("check");
    assert!(
        saved
            .answers()
            .contains(&("Name on the account".to_owned(), "B Example".to_owned()))
    );
}

#[actix_rt::test]
async fn keep_alive_pushes_the_expiry_back_and_answers_410_once_it_has_passed() {
    use std::time::Duration;
    let (app, _) = claim_app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    let page = reach_claimant(&mut visitor).await;
    let token = page.csrf_token().unwrap_or_default();
    let keep_alive = |token: String| {
        move |request: actix_web::test::TestRequest| {
            request
                .method(actix_web::http::Method::POST)
                .set_form([("csrf_token", token)])
        }
    };
    // A wrong token is refused.
    let wrong = visitor
        .fetch("/claim/keep-alive", keep_alive("forged".into()))
        .await;
    wrong.assert_status(403);
    // 25 minutes idle, then kept alive: 25 more and the answers are there.
    app.clock().advance(Duration::from_secs(25 * 60));
    let kept = visitor
        .fetch("/claim/keep-alive", keep_alive(token.clone()))
        .await;
    kept.assert_status(204);
    app.clock().advance(Duration::from_secs(25 * 60));
    let back = visitor.open("/claim/eligibility").await;
    assert_eq!(back.notice(), None, "{}", back.describe());
    assert_eq!(back.value(Eligibility::EMPLOYEE).as_deref(), Some("yes"));
    // Past the expiry, keeping alive is too late.
    app.clock().advance(Duration::from_secs(31 * 60));
    let late = visitor.fetch("/claim/keep-alive", keep_alive(token)).await;
    late.assert_status(410);
    // It is POST only.
    visitor
        .fetch("/claim/keep-alive", |request| request)
        .await
        .assert_status(405);
}

/// A page's timeout warning counts from the run's real expiry, as the
/// store last set it: a page read soon after a write does not push it
/// back (only every eighth of the idle timeout does), and a page with
/// nothing stored has no warning.
#[actix_rt::test]
async fn the_timeout_warning_counts_from_the_expiry_the_store_last_set() {
    use std::time::Duration;
    let (app, _) = claim_app().await;
    let mut visitor = app.visitor::<Claim>("/claim");
    let first = visitor.open("/claim").await;
    assert_eq!(first.expires_in(), None, "{}", first.describe());
    let page = reach_claimant(&mut visitor).await;
    assert_eq!(page.expires_in(), Some(30 * 60), "{}", page.describe());
    // 100 seconds on, a page read leaves the expiry where it was.
    app.clock().advance(Duration::from_secs(100));
    let read = visitor.open("/claim/claimant").await;
    assert_eq!(read.expires_in(), Some(30 * 60 - 100));
    // An eighth of the idle timeout on, reading the page keeps the run.
    app.clock().advance(Duration::from_secs(150));
    let kept = visitor.open("/claim/claimant").await;
    assert_eq!(kept.expires_in(), Some(30 * 60));
    // The warning is a closed dialog that asks before the answers go.
    assert!(kept.body().contains("data-warn=\"120\""), "{}", kept.body());
    assert!(
        kept.body()
            .contains("data-keep-alive=\"/claim/keep-alive\"")
    );
    assert!(kept.body().contains("Do you need more time?"));
    assert!(
        !kept.text().contains("Do you need more time?"),
        "a closed dialog says nothing"
    );
}

#[actix_rt::test]
async fn the_timeout_warning_can_be_turned_off_and_must_come_before_the_expiry() {
    use actix_wizard::WizardConfig;
    use std::time::Duration;
    let staging = actix_wizard::upload::Staging::in_memory();
    let config = WizardConfig::default()
        .timeout_warning(None)
        .uploads(actix_wizard::upload::Uploads::new(staging));
    let app = common::kit::app_of::<Claim>("/claim", config).await;
    let mut visitor = app.visitor::<Claim>("/claim");
    let page = reach_claimant(&mut visitor).await;
    assert_eq!(page.expires_in(), None, "{}", page.describe());
    assert!(!page.body().contains("<dialog"));

    let panic = common::kit::panic_of(|| {
        let late = WizardConfig::default()
            .idle_timeout(Duration::from_secs(60))
            .timeout_warning(Some(Duration::from_secs(60)));
        let _ = actix_wizard::WizardService::<Claim>::new("/claim", late);
    });
    assert!(
        panic.contains(
            "the timeout warning (60s before) must be shorter than the idle timeout (60s)"
        ),
        "{panic}"
    );
}
