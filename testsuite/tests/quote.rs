//! The new user's car-insurance quote (`examples/quote`), written from the
//! README alone: every message it shows is the crate's default, and each
//! must read as a sentence GOV.UK would write; its check page formats
//! money, dates and choices from the declarations.

mod common;

#[allow(dead_code)]
#[path = "../../examples/quote/app.rs"]
mod quote;

use actix_wizard::WizardConfig;
use quote::{Car, Cover, Driver, Quote};

async fn app() -> actix_wizard::testing::TestApp {
    common::kit::app_of::<Quote>("/quote", WizardConfig::default()).await
}

#[actix_rt::test]
async fn every_default_message_of_the_quote_reads_as_a_sentence() {
    let app = app().await;
    let mut visitor = app.visitor::<Quote>("/quote");
    visitor.open("/quote").await.assert_step("driver");
    let blank = visitor.submit_pairs(&[]).await;
    blank
        .assert_status(422)
        .assert_error("name", "Enter full name")
        .assert_error(Driver::BORN, "Enter your date of birth")
        .assert_error(
            Driver::LICENCE_YEARS,
            "Enter the years you have held a full licence",
        );
    let wrong = visitor
        .submit_pairs(&[
            ("name", "Ann Example"),
            ("born-day", "31"),
            ("born-month", "2"),
            ("born-year", "1990"),
            ("licence_years", "ten"),
        ])
        .await;
    wrong
        .assert_error(Driver::BORN, "Your date of birth must be a real date")
        .assert_error(
            Driver::LICENCE_YEARS,
            "The years you have held a full licence must be a whole number",
        );
    let driver = [
        ("name", "Ann Example"),
        ("born-day", "27"),
        ("born-month", "3"),
        ("born-year", "1990"),
        ("licence_years", "8"),
    ];
    visitor.submit_pairs(&driver).await.assert_step("car");

    let blank = visitor.submit_pairs(&[]).await;
    blank
        .assert_error(Car::REGISTRATION, "Enter registration number")
        .assert_error(Car::VALUE, "Enter the value of the car")
        .assert_error(Car::USAGE, "Select what you use the car for");
    let cheap = visitor
        .submit_pairs(&[
            ("registration", "ab12 cde"),
            ("value", "12"),
            ("usage", "business"),
        ])
        .await;
    cheap.assert_error(
        Car::VALUE,
        "The value of the car must be between £500 and £250,000",
    );
    let car = [
        ("registration", "ab12 cde"),
        ("value", "12,000"),
        ("usage", "commuting"),
    ];
    visitor.submit_pairs(&car).await.assert_step("cover");

    let past = visitor
        .submit_pairs(&[
            ("starts-day", "1"),
            ("starts-month", "1"),
            ("starts-year", "2020"),
        ])
        .await;
    past.assert_error(Cover::STARTS, "The start date must be in the future")
        .assert_error(Cover::EXCESS, "Select the excess");
    let next_year = (actix_wizard::Date::today().value().year() + 1).to_string();
    let cover = [
        ("starts-day", "1"),
        ("starts-month", "2"),
        ("starts-year", next_year.as_str()),
        ("excess", "250"),
    ];
    let check = visitor.submit_pairs(&cover).await;
    check.assert_step("check");
    let answers = check.answers();
    for (label, value) in [
        ("What is the car worth?", "£12,000".to_owned()),
        (
            "What do you use the car for?",
            "Commuting to work".to_owned(),
        ),
        ("How much excess do you want to pay?", "£250".to_owned()),
        ("Date of birth", "27 March 1990".to_owned()),
        (
            "When should the cover start?",
            format!("1 February {next_year}"),
        ),
        ("Registration number", "AB12 CDE".to_owned()),
    ] {
        assert!(
            answers.contains(&(label.to_owned(), value.clone())),
            "{label}: {value} not in {answers:?}"
        );
    }
    // The finish prices it: 300 + 120 (value) - 120 (8 years) - 50 (excess).
    let done = visitor.press("finish", &[]).await;
    done.assert_complete();
    assert!(done.text().contains("£250 a year"), "{}", done.describe());
}
