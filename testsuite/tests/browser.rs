//! The signup example in a real browser: headless Chromium over WebDriver
//! (chromedriver), against the app served on 127.0.0.1. Every page visited
//! is checked with axe-core, and screenshots go to `docs/screenshots/`.
//!
//! Needs `chromium`, `chromium-driver` (Debian packages) and `npm ci` in
//! `testsuite/` (axe-core). Without them the tests print why they skip; with `CI=true`
//! they fail instead.

mod common;

// The claim's module carries its own copy of the examples' migrator, as
// the signup's does: two modules from one file, on purpose.
#[allow(dead_code, clippy::duplicate_mod)]
#[path = "../../examples/claim/app.rs"]
mod claim_app;

#[path = "browser/harness.rs"]
mod harness;

use fantoccini::key::Key;
use harness::{FUNNEL_TOKEN, Session, open, open_with};
use serde_json::{Value, json};

#[actix_rt::test]
async fn a_person_signs_up_for_a_business_account_fixing_mistakes_on_the_way() {
    let Some(s) = open().await else { return };

    s.goto("/signup").await;
    assert_eq!(s.path().await, "/signup/account");
    s.record("account").await;

    // Continue without answering: the error summary takes the focus and
    // links to each field.
    s.press("next").await;
    assert!(s.text().await.contains("There is a problem"));
    let focused = s.script("return document.activeElement.className").await;
    assert_eq!(
        focused,
        json!("error-summary"),
        "focus is not on the error summary"
    );
    assert!(
        s.script("return document.title")
            .await
            .as_str()
            .unwrap_or("")
            .starts_with("Error: ")
    );
    s.record("account-errors").await;
    s.assert_summary_links_focus_their_controls(3).await;
    s.click(r##".error-summary a[href="#email"]"##).await;
    assert_eq!(s.script("return location.hash").await, json!("#email"));

    s.type_into("email", "grace@example.com").await;
    s.type_into("password", "analytical1").await;
    s.type_into("password_confirm", "analytical1").await;
    s.click("#account_type-business").await;
    s.press("next").await;
    assert_eq!(s.path().await, "/signup/company");
    s.record("company").await;

    s.type_into("company_name", "Engines Ltd").await;
    s.type_into("employees", "many").await;
    s.press("next").await;
    let message = s
        .find("#employees-error")
        .await
        .text()
        .await
        .unwrap_or_default();
    assert_eq!(
        message.split_whitespace().collect::<Vec<_>>().join(" "),
        "Error: Enter a whole number"
    );
    assert_eq!(
        s.value_of("employees").await,
        "many",
        "the typed value is kept"
    );
    s.record("company-errors").await;
    s.type_into("employees", "12").await;
    s.press("next").await;
    assert_eq!(s.path().await, "/signup/profile");
    s.record("profile").await;

    s.type_into("display_name", "Grace").await;
    s.type_into("age", "9").await;
    s.press("next").await;
    s.record("profile-errors").await;
    // Age, and the interests group: its first checkbox takes the focus.
    s.assert_summary_links_focus_their_controls(2).await;
    s.type_into("age", "36").await;
    s.click("#interests-data").await;
    s.click("#newsletter").await;
    s.press("next").await;
    assert_eq!(s.path().await, "/signup/review");
    let review = s.text().await;
    for shown in [
        "grace@example.com",
        "Business",
        "Engines Ltd",
        "Grace",
        "36",
        "Data",
    ] {
        assert!(review.contains(shown), "review lacks {shown}");
    }
    assert!(!review.contains("analytical1"));
    s.record("review").await;

    s.press("finish").await;
    s.record("review-errors").await;
    // The single "accept the terms" checkbox.
    s.assert_summary_links_focus_their_controls(1).await;
    s.click("#accept_terms").await;
    s.press("finish").await;
    assert_eq!(s.path().await, "/signup/complete");
    assert!(s.text().await.contains("Welcome, Grace"));
    s.record("complete").await;
    assert_eq!(s.accounts.count().await, 1);

    // The operator's funnel page shows this run, accessible too.
    s.funnel.flush().await;
    s.goto(&format!("/funnel?token={FUNNEL_TOKEN}")).await;
    let funnel = s.text().await;
    assert!(funnel.contains("Runs started: 1. Finished: 1."), "{funnel}");
    s.record("funnel").await;
    s.close().await;
}

#[actix_rt::test]
async fn refresh_back_and_change_keep_what_was_typed() {
    let Some(s) = open().await else { return };
    s.goto("/signup/account").await;
    s.type_into("email", "ada@example.com").await;
    s.type_into("password", "engine123").await;
    s.type_into("password_confirm", "engine123").await;
    s.click("#account_type").await;
    s.press("next").await;
    assert_eq!(s.path().await, "/signup/profile");

    // Back keeps the draft.
    s.type_into("display_name", "Ada L").await;
    s.press("back").await;
    assert_eq!(s.path().await, "/signup/account");
    // A refresh shows the stored answers again (not the passwords).
    s.script("window.__before_submit = true").await;
    s.client.refresh().await.unwrap_or_else(|e| panic!("{e}"));
    s.settle().await;
    assert_eq!(s.value_of("email").await, "ada@example.com");
    assert_eq!(s.value_of("password").await, "");
    assert!(
        s.find("#account_type")
            .await
            .is_selected()
            .await
            .unwrap_or(false)
    );
    s.goto("/signup/profile").await;
    assert_eq!(s.value_of("display_name").await, "Ada L");

    s.type_into("age", "36").await;
    s.click("#interests").await;
    s.press("next").await;
    assert_eq!(s.path().await, "/signup/review");

    // Change from the review page, and back to it.
    s.click(r#"a[href="/signup/profile?change#display_name"]"#)
        .await;
    s.settle().await;
    assert_eq!(s.path().await, "/signup/profile?change");
    s.type_into("display_name", "Ada Lovelace").await;
    s.press("next").await;
    assert_eq!(s.path().await, "/signup/review");
    assert!(s.text().await.contains("Ada Lovelace"));

    // The 404 page is accessible too.
    s.goto("/signup/company").await;
    assert!(s.text().await.contains("Page not found"));
    s.assert_accessible("404").await;
    // The check can fail: an image without a text alternative is caught.
    s.script(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')",
    )
    .await;
    let caught = s.axe_violations().await;
    assert!(
        caught.iter().any(|v| v.starts_with("image-alt")),
        "{caught:?}"
    );
    s.close().await;
}

#[actix_rt::test]
async fn typing_not_sent_survives_a_reload_and_leaving_the_page() {
    let Some(s) = open().await else { return };
    s.goto("/signup/account").await;
    s.type_into("email", "grace@example.com").await;
    s.type_into("password", "cobol1959").await;
    s.click("#account_type-business").await;
    // The page's script saves the typing after a pause, and marks the form.
    common::wait::until("the drafts script saves the typing", || async {
        let saved = s
            .client
            .execute(
                "return document.querySelector('form').hasAttribute('data-draft-saved')",
                vec![],
            )
            .await;
        matches!(saved, Ok(Value::Bool(true)))
    })
    .await;
    // F5: the reloaded page shows it (once the server has it; a reload
    // itself sends nothing, since nothing was typed on the new page).
    reload_until(&s, "email", "grace@example.com").await;
    assert_eq!(s.value_of("password").await, "", "never a password");
    assert!(
        s.find("#account_type-business")
            .await
            .is_selected()
            .await
            .unwrap_or(false)
    );
    assert!(
        !s.text().await.contains("There is a problem"),
        "a draft is not validated"
    );

    // Typing, then leaving at once (another address, as a closed tab
    // would): the beacon on leaving keeps it.
    s.type_into("email", "grace.hopper@example.com").await;
    s.goto("/signup").await;
    s.goto("/signup/account").await;
    reload_until(&s, "email", "grace.hopper@example.com").await;
    s.assert_accessible("a step with a draft").await;
    s.close().await;
}

/// Reloads the page until field `id` shows `expected`.
async fn reload_until(s: &Session, id: &str, expected: &str) {
    common::wait::until(&format!("a reload shows {expected} in #{id}"), || async {
        s.script("window.__before_submit = true").await;
        s.client.refresh().await.unwrap_or_else(|e| panic!("{e}"));
        s.settle().await;
        s.value_of(id).await == expected
    })
    .await;
}

#[actix_rt::test]
async fn a_step_can_be_done_with_the_keyboard_only() {
    let Some(s) = open().await else { return };
    s.goto("/signup/account").await;
    let tab = Key::Tab.to_string();

    // Tab from the top of the page to the email field, then through the form.
    let mut reached = false;
    for _ in 0..6 {
        let active = s
            .client
            .active_element()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        if active.attr("id").await.ok().flatten().as_deref() == Some("email") {
            reached = true;
            break;
        }
        active
            .send_keys(&tab)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    assert!(reached, "Tab never reached the email field");
    let keys = [
        "kbd@example.com".to_owned(),
        tab.clone(),
        "typing123".to_owned(),
        tab.clone(),
        "typing123".to_owned(),
        tab.clone(),
        " ".to_owned(), // select the focused radio
        tab.clone(),
    ];
    for key in keys {
        let active = s
            .client
            .active_element()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        active
            .send_keys(&key)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let button = s
        .client
        .active_element()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        button.text().await.unwrap_or_default(),
        "Continue",
        "Tab after the radios reaches Continue"
    );
    button
        .send_keys(&Key::Enter.to_string())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    s.settle().await;
    assert_eq!(s.path().await, "/signup/profile", "{}", s.text().await);
    s.close().await;
}

#[actix_rt::test]
async fn two_tabs_each_keep_their_own_signup_and_the_base_lists_them() {
    let Some(s) = open_with(common::config().runs_per_tab(true)).await else {
        return;
    };
    let fill_account = |email: &'static str, kind: &'static str| {
        let s = &s;
        async move {
            s.type_into("email", email).await;
            s.type_into("password", "analytical1").await;
            s.type_into("password_confirm", "analytical1").await;
            // The group's first radio carries the field's own id.
            let radio = match kind {
                "personal" => "#account_type".to_owned(),
                other => format!("#account_type-{other}"),
            };
            s.click(&radio).await;
            s.press("next").await;
        }
    };
    s.goto("/signup").await;
    let first = s.path().await;
    assert!(
        first.starts_with("/signup/r/") && first.ends_with("/account"),
        "{first}"
    );
    fill_account("grace@example.com", "personal").await;
    let first_run = first.trim_end_matches("/account").to_owned();
    assert_eq!(s.path().await, format!("{first_run}/profile"));

    // A second tab of the same browser starts a signup of its own.
    let first_tab = s.new_tab().await;
    s.goto("/signup/new").await;
    assert_eq!(s.value_of("email").await, "");
    let second = s.path().await;
    let second_run = second.trim_end_matches("/account").to_owned();
    assert_ne!(first_run, second_run);
    fill_account("ada@example.com", "business").await;
    assert_eq!(s.path().await, format!("{second_run}/company"));

    // Each tab reloads into its own run.
    s.client.refresh().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.path().await, format!("{second_run}/company"));
    s.goto(&format!("{second_run}/account")).await;
    assert_eq!(s.value_of("email").await, "ada@example.com");
    s.switch_to(first_tab).await;
    s.client.refresh().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.path().await, format!("{first_run}/profile"));
    s.goto(&format!("{first_run}/account")).await;
    assert_eq!(s.value_of("email").await, "grace@example.com");

    // The base lists both, accessibly.
    s.goto("/signup").await;
    assert_eq!(s.path().await, "/signup");
    let list = s.text().await;
    assert!(list.contains("Continue where you left off"), "{list}");
    s.record("runs").await;
    // Continue resumes that run on the step it is on.
    s.click(&format!(r#"a[href="{first_run}"]"#)).await;
    assert_eq!(s.path().await, format!("{first_run}/profile"));
    s.close().await;
}

/// The claim's list of expenses in the browser: a new expense's page and
/// its journey, the list, its question unanswered, and a remove page,
/// each passing axe and fitting a phone; screenshots of the list and the
/// remove page.
/// The taxi's receipt: asked for over £25, then a real file chosen in
/// the browser's file input and sent as the browser sends it.
async fn add_receipt(s: &Session) {
    assert!(s.path().await.ends_with("/receipt"), "{}", s.path().await);
    s.record("claim-receipt").await;
    s.press("next").await;
    s.record("claim-receipt-errors").await;
    s.assert_summary_links_focus_their_controls(1).await;
    let pdf = std::env::temp_dir().join(format!("actix-wizard-taxi-{}.pdf", std::process::id()));
    std::fs::write(&pdf, b"%PDF-1.4\n% a taxi receipt, 45.00\n%%EOF\n")
        .unwrap_or_else(|e| panic!("{e}"));
    s.find("#receipt")
        .await
        .send_keys(&pdf.display().to_string())
        .await
        .unwrap_or_else(|e| panic!("choose the file: {e}"));
    s.type_into("notes", "Paid by card").await;
    s.press("next").await;
    let _ = std::fs::remove_file(&pdf);
    assert_eq!(s.path().await, "/claim/expenses");
}

async fn add_expenses(s: &Session) {
    let path = s.path().await;
    assert!(
        path.starts_with("/claim/expenses/") && path.ends_with("/expense"),
        "{path}"
    );
    s.record("claim-expense").await;
    s.press("next").await;
    s.record("claim-expense-errors").await;
    s.assert_summary_links_focus_their_controls(4).await;
    s.type_into("date-day", "2").await;
    s.type_into("date-month", "11").await;
    s.type_into("date-year", "2026").await;
    s.click("#category").await;
    s.type_into("description", "Taxi to the airport").await;
    s.type_into("amount", "£45").await;
    s.press("next").await;
    assert!(s.path().await.ends_with("/journey"));
    s.record("claim-journey").await;
    s.type_into("from", "Home").await;
    s.type_into("to", "Airport").await;
    s.type_into("miles", "12").await;
    s.press("next").await;
    add_receipt(s).await;
    s.press("next").await;
    s.record("claim-expenses-errors").await;
    s.assert_summary_links_focus_their_controls(1).await;
    s.click("#add_another").await;
    s.press("next").await;
    s.type_into("date-day", "3").await;
    s.type_into("date-month", "11").await;
    s.type_into("date-year", "2026").await;
    s.click("#category-meals").await;
    s.type_into("description", "Lunch").await;
    s.type_into("amount", "12.50").await;
    s.press("next").await;
    // £12.50 needs no receipt.
    assert!(s.path().await.ends_with("/receipt"));
    s.press("next").await;
    assert_eq!(s.path().await, "/claim/expenses");
    s.record("claim-expenses").await;
    s.click("a[href$='/remove']").await;
    assert!(s.path().await.ends_with("/remove"));
    s.record("claim-remove").await;
    s.press("next").await;
    s.record("claim-remove-errors").await;
    s.assert_summary_links_focus_their_controls(1).await;
    s.click("#confirm-no").await;
    s.press("next").await;
    assert_eq!(s.path().await, "/claim/expenses");
    assert!(s.text().await.contains("Taxi to the airport"));
}

/// Each page of the claim example, with and without errors, passes axe,
/// fits a phone, and its error summary's links focus their controls.
#[actix_rt::test]
async fn a_claim_is_filled_in_with_mistakes_and_every_page_is_accessible() {
    let Some(s) = open().await else { return };
    let check = |what: &'static str| claim_page_sound(&s, "en", what);
    s.goto("/claim").await;
    assert_eq!(s.path().await, "/claim/eligibility");
    check("claim eligibility").await;
    s.press("next").await;
    check("claim eligibility, unanswered").await;
    s.assert_summary_links_focus_their_controls(1).await;
    // No: the exit page, and back to the question from it.
    s.click("#employee-no").await;
    s.press("next").await;
    assert_eq!(s.path().await, "/claim/not-eligible");
    s.record("claim-not-eligible").await;
    s.click("main a[href='/claim/eligibility']").await;
    assert_eq!(s.path().await, "/claim/eligibility");
    s.click("#employee").await;
    s.press("next").await;
    assert_eq!(s.path().await, "/claim/claimant");
    check("claimant").await;

    s.press("next").await;
    check("claimant, unanswered").await;
    s.assert_summary_links_focus_their_controls(3).await;
    s.type_into("full_name", "Ada Example").await;
    s.type_into("email", "ada@example.com").await;
    // The phone question shows beneath its option once it is chosen.
    assert!(
        !s.is_shown("#phone").await,
        "the phone question shows before it is chosen"
    );
    s.click("#contact-phone").await;
    assert!(
        s.is_shown("#phone").await,
        "choosing phone does not reveal its question"
    );
    s.record("claim-phone-revealed").await;
    s.press("next").await;
    check("claimant, phone missing").await;
    s.assert_summary_links_focus_their_controls(1).await;
    s.type_into("phone", "01632 960 001").await;
    s.press("next").await;
    add_expenses(&s).await;
    s.click("#add_another-no").await;
    s.press("next").await;
    assert_eq!(s.path().await, "/claim/bank");
    check("bank").await;

    s.type_into("account_name", "A Example").await;
    s.type_into("sort_code", "30-94").await;
    s.type_into("account_number", "00733445").await;
    s.press("next").await;
    check("bank, sort code wrong").await;
    s.assert_summary_links_focus_their_controls(1).await;
    s.type_into("sort_code", "30 94 36").await;
    s.press("next").await;
    assert_eq!(s.path().await, "/claim/check");
    check("claim check").await;
    assert!(s.text().await.contains("30-94-36"));

    s.press("finish").await;
    check("claim check, not confirmed").await;
    s.assert_summary_links_focus_their_controls(1).await;
    s.click("#declaration").await;
    s.press("finish").await;
    assert_eq!(s.path().await, "/claim/complete");
    assert!(s.text().await.contains("CLM-"));
    check("claim submitted").await;
    s.close().await;
}

/// The claim's page is in `lang`, passes axe and fits a phone.
async fn claim_page_sound(s: &Session, lang: &str, what: &str) {
    assert_eq!(lang_of(s).await, lang, "{what}");
    s.assert_accessible(what).await;
    s.assert_fits_a_phone(what).await;
}

/// The page's `lang`, as the browser reads it.
async fn lang_of(s: &Session) -> String {
    let lang = s.script("return document.documentElement.lang").await;
    lang.as_str().unwrap_or_default().to_owned()
}

/// The claim in Welsh: every page in Welsh (its `lang`, its words),
/// passing axe with and without errors and fitting a phone; screenshots
/// of Welsh steps with errors; the switcher back to English keeps what
/// was typed.
#[actix_rt::test]
async fn a_claim_in_welsh_is_accessible_and_every_page_says_so() {
    let Some(s) = open().await else { return };
    let check = |what: &'static str| claim_page_sound(&s, "cy", what);
    s.goto("/claim?lang=cy").await;
    assert_eq!(s.path().await, "/claim/eligibility");
    check("cy eligibility").await;
    assert!(
        s.text()
            .await
            .contains("Ydych chi'n cael eich cyflogi gennym ni?")
    );
    s.press("next").await;
    check("cy eligibility, unanswered").await;
    s.assert_summary_links_focus_their_controls(1).await;
    s.click("#employee").await;
    s.press("next").await;
    assert_eq!(s.path().await, "/claim/claimant");
    check("cy claimant").await;
    s.type_into("full_name", "Ada Example").await;
    s.type_into("email", "not an address").await;
    s.press("next").await;
    s.record("claim-cy-claimant-errors").await;
    assert_eq!(lang_of(&s).await, "cy");
    let text = s.text().await;
    assert!(text.contains("Mae problem wedi codi"), "{text}");
    assert!(
        text.contains("Rhowch gyfeiriad e-bost yn y fformat cywir"),
        "{text}"
    );
    s.assert_summary_links_focus_their_controls(2).await;
    // To English and back: the typing stays, the errors follow.
    s.click("a[hreflang='en']").await;
    assert_eq!(lang_of(&s).await, "en");
    assert_eq!(s.value_of("full_name").await, "Ada Example");
    s.click("a[hreflang='cy']").await;
    assert_eq!(lang_of(&s).await, "cy");
    s.type_into("email", "ada@example.com").await;
    s.click("#contact").await;
    s.press("next").await;
    assert!(s.path().await.ends_with("/expense"), "{}", s.path().await);
    s.press("next").await;
    s.record("claim-cy-expense-errors").await;
    assert_eq!(lang_of(&s).await, "cy");
    assert!(s.text().await.contains("Rhowch ddyddiad y draul"));
    s.assert_summary_links_focus_their_controls(4).await;
    s.type_into("date-day", "2").await;
    s.type_into("date-month", "11").await;
    s.type_into("date-year", "2026").await;
    s.click("#category-meals").await;
    s.type_into("description", "Cinio").await;
    s.type_into("amount", "12.50").await;
    s.press("next").await;
    assert!(s.path().await.ends_with("/receipt"));
    check("cy receipt").await;
    s.press("next").await;
    assert_eq!(s.path().await, "/claim/expenses");
    check("cy expenses").await;
    s.click("#add_another-no").await;
    s.press("next").await;
    check("cy bank").await;
    s.type_into("account_name", "A Example").await;
    s.type_into("sort_code", "30 94 36").await;
    s.type_into("account_number", "00733445").await;
    s.press("next").await;
    assert_eq!(s.path().await, "/claim/check");
    check("cy check").await;
    s.press("finish").await;
    check("cy check, not confirmed").await;
    assert!(
        s.text()
            .await
            .contains("Cadarnhewch fod yr wybodaeth yn gywir")
    );
    s.click("#declaration").await;
    s.press("finish").await;
    assert_eq!(s.path().await, "/claim/complete");
    check("cy claim submitted").await;
    assert!(s.text().await.contains("Hawliad wedi'i anfon"));
    s.close().await;
}

/// Whether the timeout warning's dialog is open in the current tab.
async fn warning_open(s: &Session) -> bool {
    s.script("const d = document.getElementById('wizard-timeout'); return !!(d && d.open)")
        .await
        == json!(true)
}

/// Waits until the current tab's timeout warning is open (`open`) or
/// closed.
async fn wait_for_warning(s: &Session, open: bool, what: &str) {
    common::wait::until(what, || async { warning_open(s).await == open }).await;
}

/// The timeout warning with a one-minute idle timeout that warns 50
/// seconds before: it opens about ten seconds after the run was last
/// written, in every tab of the run, with the focus on its heading;
/// Continue in one tab keeps the run and closes the dialogs of both;
/// Escape asks too, and once the session is gone the dialog says so.
#[actix_rt::test]
async fn the_timeout_warning_asks_every_tab_and_continue_in_one_closes_both() {
    use std::time::Duration;
    let config = common::config()
        .idle_timeout(Duration::from_secs(60))
        .timeout_warning(Some(Duration::from_secs(50)));
    let Some(s) = open_with(config).await else {
        return;
    };
    s.goto("/claim").await;
    s.click("#employee").await;
    s.press("next").await;
    assert_eq!(s.path().await, "/claim/claimant");
    let first = s.new_tab().await;
    let second = s.client.window().await.unwrap_or_else(|e| panic!("{e}"));
    s.goto("/claim/claimant").await;
    wait_for_warning(&s, true, "the second tab warns").await;
    let focused = s.script("return document.activeElement.id").await;
    assert_eq!(focused, json!("wizard-timeout-heading"));
    let said = s.find("#wizard-timeout-text").await.text().await;
    let said = said.unwrap_or_default();
    assert!(
        said.contains("we will delete your answers in") && said.contains("second"),
        "{said}"
    );
    s.record("claim-timeout-warning").await;
    let expiry = "return Number(localStorage.getItem('actix-wizard-expiry:/claim/keep-alive'))";
    let before = s.script(expiry).await.as_f64().unwrap_or(0.0);

    // Continue in the first tab keeps the run: both dialogs close.
    s.switch_to(first).await;
    wait_for_warning(&s, true, "the first tab warns").await;
    s.click("#wizard-timeout .timeout__continue").await;
    wait_for_warning(&s, false, "Continue closes the first tab's warning").await;
    s.switch_to(second).await;
    wait_for_warning(&s, false, "the second tab's warning closes").await;
    let after = s.script(expiry).await.as_f64().unwrap_or(0.0);
    assert!(after > before, "the expiry moved from {before} to {after}");

    // The session gone, Escape asks to continue and hears it is too late.
    s.client
        .delete_all_cookies()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    wait_for_warning(&s, true, "the second tab warns again").await;
    let active = s
        .client
        .active_element()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    active
        .send_keys(&fantoccini::key::Key::Escape.to_string())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    common::wait::until("the warning says the answers are gone", || async {
        s.text().await.contains("Your answers have been deleted")
    })
    .await;
    assert!(warning_open(&s).await, "the dialog closed instead");
    s.find("#wizard-timeout a[href='/claim']").await;
    s.assert_accessible("the timeout warning, too late").await;
    s.close().await;
}

/// "Save and come back later" in real browsers: a claim saved halfway
/// through an expense in one browser profile, resumed in another from the
/// link in the outbox, after its address is confirmed; every page passes
/// axe.
#[actix_rt::test]
async fn a_claim_saved_in_one_browser_is_resumed_in_another_from_the_email() {
    let Some(s) = open().await else { return };
    s.goto("/claim").await;
    s.click("#employee").await;
    s.press("next").await;
    s.type_into("full_name", "Ada Example").await;
    s.type_into("email", "ada@example.com").await;
    s.click("#contact").await;
    s.press("next").await;
    assert!(s.path().await.ends_with("/expense"), "{}", s.path().await);
    s.type_into("description", "Train to the conference").await;
    s.press("save").await;
    assert!(
        s.path().await.starts_with("/claim/save"),
        "{}",
        s.path().await
    );
    s.record("claim-save").await;
    s.press("send").await;
    assert_eq!(s.path().await, "/claim/saved");
    s.record("claim-saved").await;
    assert!(s.text().await.contains("a***@example.com"));
    let link = common::mail::newest_link(&s.outbox.0, "/claim/resume/");

    let Some(other) = s.another_profile().await else {
        return;
    };
    other.goto(&link).await;
    assert_eq!(
        other.path().await,
        "/claim/resume",
        "the token leaves the address bar"
    );
    other.record("claim-resume").await;
    assert!(
        !other.text().await.contains("Ada"),
        "a link alone shows nothing"
    );
    other.type_into("email", "someone@example.com").await;
    other.press("send").await;
    other.record("claim-resume-errors").await;
    other.assert_summary_links_focus_their_controls(1).await;
    other.type_into("email", "ada@example.com").await;
    other.press("send").await;
    assert!(
        other.path().await.ends_with("/expense"),
        "{}",
        other.path().await
    );
    assert_eq!(
        other.value_of("description").await,
        "Train to the conference"
    );
    other.assert_accessible("claim resumed").await;
    other.close().await;
    s.close().await;
}
