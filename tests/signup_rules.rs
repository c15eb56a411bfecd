//! Every field rule of the signup contract, valid and invalid, through the
//! real service.

mod common;

use actix_web::http::StatusCode;
use actix_wizard::MemoryStore;
use common::{ACCOUNT_OK, Browser, COMPANY_OK, PROFILE_OK, Reply};

fn assert_field_error(reply: &Reply, field: &str, message: &str) {
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{field}: {}",
        reply.body
    );
    assert_eq!(
        reply.field_error(field).as_deref(),
        Some(message),
        "{field}"
    );
    assert!(
        reply
            .summary_links()
            .contains(&(field.to_owned(), message.to_owned())),
        "summary lacks {field}: {:?}",
        reply.summary_links()
    );
    assert!(
        reply.body.contains("<title>Error: "),
        "title has no Error: prefix"
    );
}

#[actix_rt::test]
async fn account_rules() {
    let (app, accounts) = signup_app!(MemoryStore::default(), common::config());
    let mut b = Browser::new(&app);
    b.get("/signup/account").await;

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
            "Select one of the options",
        ),
    ];
    for (field, value, message) in cases {
        let reply = b.post_with("account", ACCOUNT_OK, field, *value).await;
        assert_field_error(&reply, field, message);
    }
    let long: String = "a1".repeat(65);
    let reply = b
        .post_with("account", ACCOUNT_OK, "password", Some(&long))
        .await;
    assert_field_error(
        &reply,
        "password",
        "Password must be between 8 and 128 characters",
    );

    // 8 and 128 characters are both fine (the confirmation must match).
    for password in ["abcdefg1".to_owned(), format!("{}1", "a".repeat(127))] {
        let fields = [
            ("email", "ann@example.com"),
            ("password", password.as_str()),
            ("password_confirm", password.as_str()),
            ("account_type", "personal"),
        ];
        b.post("/signup/account", "next", &fields)
            .await
            .assert_redirect("/signup/profile");
    }

    // An address already registered (any case) is refused by the async check.
    accounts
        .create(common::app::CreatedAccount {
            email: "taken@example.com".into(),
            display_name: "T".into(),
            business: None,
            run: "r".into(),
        })
        .unwrap_or_else(|_| panic!("fresh accounts"));
    let reply = b
        .post_with("account", ACCOUNT_OK, "email", Some("Taken@Example.com"))
        .await;
    assert_field_error(
        &reply,
        "email",
        "An account with this email address already exists",
    );
}

#[actix_rt::test]
async fn every_account_error_at_once_in_field_order_without_echoing_passwords() {
    let (app, _) = signup_app!(MemoryStore::default(), common::config());
    let mut b = Browser::new(&app);
    b.get("/signup/account").await;
    let reply = b
        .post(
            "/signup/account",
            "next",
            &[
                ("email", "nope"),
                ("password", "hunter2"),
                ("password_confirm", "other-secret"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = reply.summary_links().into_iter().map(|(f, _)| f).collect();
    assert_eq!(
        fields,
        ["email", "password", "password_confirm", "account_type"]
    );
    for (field, message) in reply.summary_links() {
        assert_eq!(reply.field_error(&field), Some(message));
        assert!(
            reply.body.contains(&format!(r#"id="{field}""#)),
            "the summary links to a missing id {field}"
        );
    }
    assert_eq!(reply.input_value("email").as_deref(), Some("nope"));
    assert_eq!(reply.input_value("password").as_deref(), Some(""));
    assert!(!reply.body.contains("hunter2"));
    assert!(!reply.body.contains("other-secret"));
    assert!(
        reply
            .body
            .contains(r#"aria-invalid="true" aria-describedby="email-error""#)
    );
    // The summary comes before the first field.
    let summary = reply.body.find("error-summary").unwrap_or(usize::MAX);
    let first_field = reply.body.find(r#"id="email""#).unwrap_or(0);
    assert!(summary < first_field);
}

#[actix_rt::test]
async fn company_rules() {
    let (app, _) = signup_app!(MemoryStore::default(), common::config());
    let mut b = Browser::new(&app);
    let mut business = ACCOUNT_OK.to_vec();
    business[3] = ("account_type", "business");
    b.complete_step("account", &business, "/signup/company")
        .await;
    b.get("/signup/company").await;

    let long_name = "x".repeat(101);
    let invalid: &[(&str, Option<&str>, &str)] = &[
        (
            "company_name",
            Some("A"),
            "Company name must be between 2 and 100 characters",
        ),
        (
            "company_name",
            Some(&long_name),
            "Company name must be between 2 and 100 characters",
        ),
        (
            "vat_id",
            Some("gb123456789"),
            "Enter a VAT number that starts with two capital letters followed by 8 to 12 letters or numbers, like GB123456789",
        ),
        (
            "vat_id",
            Some("GB1234567"),
            "Enter a VAT number that starts with two capital letters followed by 8 to 12 letters or numbers, like GB123456789",
        ),
        (
            "vat_id",
            Some("GB1234567890123"),
            "Enter a VAT number that starts with two capital letters followed by 8 to 12 letters or numbers, like GB123456789",
        ),
        ("employees", None, "Enter the number of employees"),
        ("employees", Some("abc"), "Enter a whole number"),
        ("employees", Some("1.5"), "Enter a whole number"),
        (
            "employees",
            Some("0"),
            "Number of employees must be between 1 and 100,000",
        ),
        (
            "employees",
            Some("100001"),
            "Number of employees must be between 1 and 100,000",
        ),
    ];
    for (field, value, message) in invalid {
        let reply = b.post_with("company", COMPANY_OK, field, *value).await;
        assert_field_error(&reply, field, message);
    }
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
    for (field, value) in valid {
        let reply = b.post_with("company", COMPANY_OK, field, *value).await;
        reply.assert_redirect("/signup/profile");
    }
}

#[actix_rt::test]
async fn profile_rules() {
    let (app, _) = signup_app!(MemoryStore::default(), common::config());
    let mut b = Browser::new(&app);
    b.reach_profile().await;

    let long_name = "n".repeat(41);
    let long_bio = "b".repeat(501);
    let invalid: &[(&str, Option<&str>, &str)] = &[
        (
            "display_name",
            None,
            "Enter a display name of 1 to 40 characters",
        ),
        (
            "display_name",
            Some("    "),
            "Enter a display name of 1 to 40 characters",
        ),
        (
            "display_name",
            Some(&long_name),
            "Enter a display name of 1 to 40 characters",
        ),
        ("age", None, "Enter your age"),
        ("age", Some("abc"), "Enter a whole number"),
        ("age", Some("-5"), "Age must be between 0 and 4294967295"),
        ("age", Some("12"), "Age must be between 13 and 120"),
        ("age", Some("121"), "Age must be between 13 and 120"),
        ("interests", None, "Select at least one interest"),
        ("interests", Some("cobol"), "Select one of the options"),
        (
            "bio",
            Some(&long_bio),
            "Bio must be 500 characters or fewer",
        ),
    ];
    for (field, value, message) in invalid {
        let reply = b.post_with("profile", PROFILE_OK, field, *value).await;
        assert_field_error(&reply, field, message);
    }
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
    for (field, value) in valid {
        let reply = b.post_with("profile", PROFILE_OK, field, *value).await;
        reply.assert_redirect("/signup/review");
    }
}

#[actix_rt::test]
async fn a_wrong_type_keeps_what_was_typed_and_is_never_a_400() {
    let (app, _) = signup_app!(MemoryStore::default(), common::config());
    let mut b = Browser::new(&app);
    b.reach_profile().await;
    let mut fields = PROFILE_OK.to_vec();
    fields[1] = ("age", "abc");
    let reply = b.post("/signup/profile", "next", &fields).await;
    assert_field_error(&reply, "age", "Enter a whole number");
    assert_eq!(reply.input_value("age").as_deref(), Some("abc"));
    assert_eq!(reply.input_value("display_name").as_deref(), Some("Ann"));
    assert!(reply.is_checked("interests") && reply.is_checked("interests-web"));
    assert!(!reply.is_checked("interests-data"));
    assert!(reply.is_checked("newsletter"));
    // Only the broken field is reported.
    assert_eq!(reply.summary_links().len(), 1);
    // Refreshing shows the draft again.
    let again = b.get("/signup/profile").await;
    assert_eq!(again.input_value("age").as_deref(), Some("abc"));
}

#[actix_rt::test]
async fn review_requires_accepting_the_terms() {
    let (app, accounts) = signup_app!(MemoryStore::default(), common::config());
    let mut b = Browser::new(&app);
    b.reach_review("ann@example.com").await;
    let reply = b.post("/signup/review", "finish", &[]).await;
    assert_field_error(
        &reply,
        "accept_terms",
        "Accept the terms and conditions to create your account",
    );
    assert_eq!(accounts.count(), 0);
}
