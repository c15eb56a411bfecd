//! Every field rule of the signup contract, valid and invalid, through the
//! real service, driven with the testing kit.

mod common;

use actix_wizard::Secret;
use actix_wizard::testing::{Answers, Seen, Visitor};
use common::app::{Account, AccountType, Profile, Signup};
use common::kit::{account, profile, reach_profile, signup, with};
use common::{ACCOUNT_OK, COMPANY_OK, PROFILE_OK};

/// A 422 with `message` beside `field` and in the summary, under an
/// "Error: " title.
#[track_caller]
fn assert_field_error(page: &Seen, field: &str, message: &str) {
    page.assert_status(422).assert_error(field, message);
    assert!(
        page.title().is_some_and(|t| t.starts_with("Error: ")),
        "title has no Error: prefix: {}",
        page.describe()
    );
}

/// Sends each `(field, value, message)` case on `step`'s form, built from
/// `base`, and checks its error.
async fn assert_refused(
    visitor: &mut Visitor<'_, Signup>,
    base: &[(&str, &str)],
    cases: &[(&str, Option<&str>, &str)],
) {
    for (field, value, message) in cases {
        let page = visitor.submit_pairs(&with(base, field, *value)).await;
        assert_field_error(page, field, message);
    }
}

/// Sends each `(field, value)` case on `step`'s form, built from `base`,
/// and checks that it leads to `next`.
async fn assert_accepted(
    visitor: &mut Visitor<'_, Signup>,
    step: &str,
    base: &[(&str, &str)],
    cases: &[(&str, Option<&str>)],
    next: &str,
) {
    for (field, value) in cases {
        let page = visitor.submit_pairs(&with(base, field, *value)).await;
        page.assert_no_errors().assert_step(next);
        visitor.open(&format!("/signup/{step}")).await;
    }
}

#[actix_rt::test]
async fn account_rules() {
    let (app, accounts) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    visitor.open("/signup/account").await;
    let long: String = "a1".repeat(65);
    let cases: &[(&str, Option<&str>, &str)] = &[
        ("email", None, "Enter your email address"),
        ("email", Some(""), "Enter your email address"),
        (
            "email",
            Some("not-an-email"),
            "Enter an email address in the correct format, like name@example.com",
        ),
        ("password", Some(""), "Enter a password"),
        (
            "password",
            Some("abc1"),
            "Password must be between 8 and 128 characters",
        ),
        (
            "password",
            Some(&long),
            "Password must be between 8 and 128 characters",
        ),
        (
            "password",
            Some("abcdefghi"),
            "Password must include at least one letter and one number",
        ),
        (
            "password",
            Some("123456789"),
            "Password must include at least one letter and one number",
        ),
        (
            "password_confirm",
            Some("secret124"),
            "Enter the same password as above",
        ),
        ("account_type", None, "Select the type of account"),
        (
            "account_type",
            Some("enterprise"),
            "Select one of the options for account type",
        ),
    ];
    assert_refused(&mut visitor, ACCOUNT_OK, cases).await;

    // 8 and 128 characters are both fine (the confirmation must match).
    for password in ["abcdefg1".to_owned(), format!("{}1", "a".repeat(127))] {
        let mut typed = account("ann@example.com", AccountType::Personal);
        typed.password = Secret::new(password.as_str());
        typed.password_confirm = Secret::new(password.as_str());
        visitor.submit(&typed).await.assert_step("profile");
        visitor.open("/signup/account").await;
    }

    // An address already registered (any case) is refused by the async check.
    let earlier = Signup {
        account: account("taken@example.com", AccountType::Personal),
        ..Signup::default()
    };
    accounts
        .create(&earlier, "an earlier run")
        .await
        .unwrap_or_else(|_| panic!("fresh accounts"));
    let page = visitor
        .submit(&account("Taken@Example.com", AccountType::Personal))
        .await;
    assert_field_error(
        page,
        "email",
        "An account with this email address already exists",
    );
}

#[actix_rt::test]
async fn every_account_error_at_once_in_field_order_without_echoing_passwords() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    visitor.open("/signup/account").await;
    let page = visitor
        .submit(&Account {
            email: "nope".into(),
            password: Secret::new("hunter2"),
            password_confirm: Secret::new("other-secret"),
            account_type: None,
        })
        .await;
    page.assert_status(422);
    let summary = page.summary();
    let targets: Vec<&str> = summary.iter().map(|l| l.target.as_str()).collect();
    assert_eq!(
        targets,
        ["email", "password", "password_confirm", "account_type"]
    );
    assert_eq!(page.errors().len(), 4, "{}", page.describe());
    for link in &summary {
        assert_eq!(page.error(link.target.as_str()), Some(link.message.clone()));
        assert!(
            page.body().contains(&format!(r#"id="{}""#, link.target)),
            "the summary links to a missing id {}",
            link.target
        );
    }
    assert_eq!(page.value(Account::EMAIL).as_deref(), Some("nope"));
    assert_eq!(page.value(Account::PASSWORD).as_deref(), Some(""));
    assert!(!page.body().contains("hunter2"));
    assert!(!page.body().contains("other-secret"));
    assert!(
        page.body()
            .contains(r#"aria-invalid="true" aria-describedby="email-error""#)
    );
    // The summary comes before the first field.
    let summary_at = page.body().find("error-summary").unwrap_or(usize::MAX);
    let first_field = page.body().find(r#"id="email""#).unwrap_or(0);
    assert!(summary_at < first_field);
}

#[actix_rt::test]
async fn company_rules() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    visitor
        .start_with(Answers::new().with(&account("ann@example.com", AccountType::Business)))
        .await
        .assert_step("company");

    let long_name = "x".repeat(101);
    let vat = "Enter a VAT number that starts with two capital letters followed by 8 to 12 letters or numbers, like GB123456789";
    let employees = "Number of employees must be between 1 and 100,000";
    let name = "Company name must be between 2 and 100 characters";
    let invalid: &[(&str, Option<&str>, &str)] = &[
        ("company_name", Some("A"), name),
        ("company_name", Some(&long_name), name),
        ("vat_id", Some("gb123456789"), vat),
        ("vat_id", Some("GB1234567"), vat),
        ("vat_id", Some("GB1234567890123"), vat),
        ("employees", None, "Enter the number of employees"),
        ("employees", Some("abc"), "Enter a whole number"),
        ("employees", Some("1.5"), "Enter a whole number"),
        ("employees", Some("0"), employees),
        ("employees", Some("100001"), employees),
    ];
    assert_refused(&mut visitor, COMPANY_OK, invalid).await;
    let name_100 = "y".repeat(100);
    let valid: &[(&str, Option<&str>)] = &[
        ("company_name", Some("Ab")),
        ("company_name", Some(&name_100)),
        ("vat_id", None),
        ("vat_id", Some("")),
        ("vat_id", Some("GB12345678")),
        ("vat_id", Some("DEab12cd34ef56")),
        ("employees", Some("1")),
        ("employees", Some("100000")),
    ];
    assert_accepted(&mut visitor, "company", COMPANY_OK, valid, "profile").await;
}

#[actix_rt::test]
async fn profile_rules() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    reach_profile(&mut visitor).await;

    let long_name = "n".repeat(41);
    let long_bio = "b".repeat(501);
    let display = "Display name must be between 1 and 40 characters";
    let invalid: &[(&str, Option<&str>, &str)] = &[
        ("display_name", None, "Enter display name"),
        ("display_name", Some("    "), "Enter display name"),
        ("display_name", Some(&long_name), display),
        ("age", None, "Enter your age"),
        ("age", Some("abc"), "Enter a whole number"),
        ("age", Some("-5"), "Enter a whole number"),
        ("age", Some("12"), "Age must be between 13 and 120"),
        ("age", Some("121"), "Age must be between 13 and 120"),
        ("interests", None, "Select at least one interest"),
        (
            "interests",
            Some("cobol"),
            "Select one of the options for interests",
        ),
        (
            "bio",
            Some(&long_bio),
            "Bio must be 500 characters or fewer",
        ),
    ];
    assert_refused(&mut visitor, PROFILE_OK, invalid).await;
    let name_40 = format!("  {}  ", "n".repeat(40));
    let bio_500 = "b".repeat(500);
    let valid: &[(&str, Option<&str>)] = &[
        ("display_name", Some(&name_40)),
        ("age", Some("13")),
        ("age", Some("120")),
        ("newsletter", None),
        ("bio", None),
        ("bio", Some(&bio_500)),
    ];
    assert_accepted(&mut visitor, "profile", PROFILE_OK, valid, "review").await;
}

#[actix_rt::test]
async fn a_wrong_type_keeps_what_was_typed_and_is_never_a_400() {
    let (app, _) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    reach_profile(&mut visitor).await;
    let page = visitor
        .submit_pairs(&with(PROFILE_OK, "age", Some("abc")))
        .await;
    assert_field_error(page, "age", "Enter a whole number");
    assert_eq!(page.value(Profile::AGE).as_deref(), Some("abc"));
    assert_eq!(page.value(Profile::DISPLAY_NAME).as_deref(), Some("Ann"));
    assert_eq!(page.values(Profile::INTERESTS), ["rust", "web"]);
    assert_eq!(page.value(Profile::NEWSLETTER).as_deref(), Some("yes"));
    // Only the broken field is reported.
    assert_eq!(page.summary().len(), 1);
    // Refreshing shows the draft again.
    let again = visitor.open("/signup/profile").await;
    assert_eq!(again.value(Profile::AGE).as_deref(), Some("abc"));
}

#[actix_rt::test]
async fn review_requires_accepting_the_terms() {
    let (app, accounts) = signup().await;
    let mut visitor = app.visitor::<Signup>("/signup");
    visitor
        .start_with(
            Answers::new()
                .with(&account("ann@example.com", AccountType::Personal))
                .with(&profile()),
        )
        .await
        .assert_step("review");
    let page = visitor.submit_pairs(&[]).await;
    assert_field_error(
        page,
        "accept_terms",
        "Accept the terms and conditions to create your account",
    );
    assert_eq!(accounts.count().await, 0);
    assert_eq!(app.all_finishes(), 0);
}
