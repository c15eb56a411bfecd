//! The booking example: a wizard on a path with parameters keeps one run
//! per booking, admits only bookings that may change, and opens with the
//! booking as it is. Driven with the testing kit.

#[path = "../../examples/booking/app.rs"]
mod app;
mod common;

use actix_web::{App, cookie::Key, web};
use actix_wizard::testing::TestApp;
use actix_wizard::{Date, MemoryStore, WizardConfig, WizardSetup};
use app::{Bookings, ChangeBooking, Check, Party, Sitting, When};

async fn bookings_app() -> (TestApp, web::Data<Bookings>) {
    bookings_app_on(MemoryStore::default()).await
}

/// The booking example on `store`.
async fn bookings_app_on(store: MemoryStore) -> (TestApp, web::Data<Bookings>) {
    let bookings = web::Data::new(Bookings::sample());
    let data = bookings.clone();
    let setup = WizardSetup::new(store, Key::from(&[3u8; 64]), WizardConfig::default());
    let app = TestApp::new(setup, move |setup| {
        App::new().wrap(setup.middleware()).configure(app::routes(
            setup.wizard::<ChangeBooking>("/bookings/{booking}/change"),
            data,
        ))
    })
    .await;
    (app, bookings)
}

fn party(guests: u32, name: &str) -> Party {
    Party {
        guests: Some(guests),
        name: name.into(),
    }
}

#[actix_rt::test]
async fn one_booking_has_one_run_however_its_number_is_written() {
    let (app, _) = bookings_app().await;
    let mut visitor = app.visitor::<ChangeBooking>("/bookings/7/change");
    visitor.open("/bookings/7/change/party").await;
    visitor
        .submit(&party(5, "Ann Lee"))
        .await
        .assert_step("check");
    for other in ["007", "+7"] {
        // A page under another spelling goes to the canonical URL, where
        // the run is the same one.
        let page = visitor
            .open(&format!("/bookings/{other}/change/party?change"))
            .await;
        assert_eq!(
            page.redirects(),
            ["/bookings/7/change/party?change"],
            "{}",
            page.describe()
        );
        assert_eq!(page.value(Party::GUESTS).as_deref(), Some("5"), "{other}");
        let entry = visitor.open(&format!("/bookings/{other}/change")).await;
        assert_eq!(
            entry.redirects(),
            ["/bookings/7/change", "/bookings/7/change/check"],
            "{other}"
        );
        // A form sent there is refused, and changes nothing.
        let posted = visitor
            .send(&format!("/bookings/{other}/change/party"), |r| {
                r.method(actix_web::http::Method::POST)
                    .insert_header(("content-type", "application/x-www-form-urlencoded"))
                    .set_payload("guests=1&name=Mallory")
            })
            .await;
        assert_eq!(posted.status().as_u16(), 404, "{other}");
    }
    let page = visitor.open("/bookings/7/change/party").await;
    assert_eq!(page.value(Party::GUESTS).as_deref(), Some("5"));
    // A number that is no number names no booking.
    let none = visitor.send("/bookings/seven/change/when", |r| r).await;
    assert_eq!(none.status().as_u16(), 404);
}

#[actix_rt::test]
async fn a_change_opens_with_the_booking_as_it_is() {
    let (app, _) = bookings_app().await;
    let mut visitor = app.visitor::<ChangeBooking>("/bookings/7/change");
    // Every step is answered already: the entry leads to the check page.
    let entry = visitor.open("/bookings/7/change").await;
    assert_eq!(entry.redirects(), ["/bookings/7/change/check"]);
    let when = visitor.open("/bookings/7/change/when").await;
    when.assert_step("when");
    assert_eq!(when.value("date-day").as_deref(), Some("14"));
    assert_eq!(when.value("date-month").as_deref(), Some("6"));
    assert_eq!(when.value("date-year").as_deref(), Some("2030"));
    assert_eq!(when.value(When::SITTING).as_deref(), Some("dinner"));
    let check = visitor.open("/bookings/7/change/check").await;
    check.assert_step("check");
    let answers = check.answers();
    assert!(
        answers.contains(&("Number of guests".into(), "2".into())),
        "{answers:?}"
    );
    assert!(answers.contains(&("Name for the booking".into(), "Ann Lee".into())));
    assert!(
        check
            .buttons()
            .contains(&("finish".to_owned(), "Save changes".to_owned()))
    );
    assert!(
        check
            .body()
            .contains(r#"href="/bookings/7/change/party?change#guests""#)
    );
    assert!(
        !check.body().contains("/bookings/{booking}"),
        "no pattern in a URL"
    );
}

#[actix_rt::test]
async fn two_bookings_changed_in_two_tabs_never_see_each_other() {
    let (app, bookings) = bookings_app().await;
    let mut seven = app.visitor::<ChangeBooking>("/bookings/7/change");
    seven
        .open("/bookings/7/change/party")
        .await
        .assert_step("party");
    // The same browser, another tab, another booking.
    let mut eight = seven.tab_on("/bookings/8/change");
    let eight_party = eight.open("/bookings/8/change/party").await;
    assert_eq!(eight_party.value(Party::GUESTS).as_deref(), Some("4"));

    seven
        .submit(&party(5, "Ann Lee"))
        .await
        .assert_step("check");
    let eight_party = eight.open("/bookings/8/change/party").await;
    assert_eq!(
        eight_party.value(Party::GUESTS).as_deref(),
        Some("4"),
        "booking 8's run does not see booking 7's answers"
    );
    eight
        .submit(&party(6, "Bo Chan"))
        .await
        .assert_step("check");

    let done = seven.open("/bookings/7/change/check").await;
    assert!(
        done.answers()
            .contains(&("Number of guests".into(), "5".into()))
    );
    let seven_done = seven.submit(&Check { email_me: true }).await;
    seven_done.assert_status(200);
    assert_eq!(seven_done.url(), "/bookings/7/change/complete");
    assert_eq!(seven_done.heading().as_deref(), Some("Booking 7 changed"));
    assert_eq!(bookings.get(7).map(|b| b.guests), Some(5));
    assert_eq!(
        bookings.get(8).map(|b| b.guests),
        Some(4),
        "8 not yet saved"
    );

    // Booking 8's run is untouched by 7's finish.
    eight
        .open("/bookings/8/change/check")
        .await
        .assert_step("check");
    eight.submit(&Check::default()).await.assert_status(200);
    assert_eq!(bookings.get(8).map(|b| b.guests), Some(6));
    assert_eq!(app.all_finishes(), 2);
}

#[actix_rt::test]
async fn an_unknown_booking_is_404_and_a_checked_in_one_403_and_nothing_is_stored() {
    let (app, _) = bookings_app().await;
    let mut visitor = app.visitor::<ChangeBooking>("/bookings/99/change");
    for path in ["/bookings/99/change", "/bookings/99/change/when"] {
        let page = visitor.open(path).await;
        page.assert_status(404);
        assert_eq!(page.heading().as_deref(), Some("Page not found"));
    }
    let page = visitor.open("/bookings/9/change/when").await;
    page.assert_status(403);
    assert_eq!(page.heading().as_deref(), Some("You cannot use this page"));
    let posted = visitor
        .post_to("/bookings/9/change/when", "next", &[("sitting", "lunch")])
        .await;
    posted.assert_status(403);
    assert!(
        visitor.jar().names().is_empty(),
        "{:?}",
        visitor.jar().names()
    );
}

#[actix_rt::test]
async fn a_change_is_checked_again_and_the_date_must_be_ahead() {
    let (app, bookings) = bookings_app().await;
    let mut visitor = app.visitor::<ChangeBooking>("/bookings/8/change");
    visitor.open("/bookings/8/change/when").await;
    let past = When {
        date: Date::from_ymd(2001, 1, 1).unwrap_or_else(|| panic!("a date")),
        sitting: Some(Sitting::Lunch),
    };
    let page = visitor.submit(&past).await;
    page.assert_status(422)
        .assert_error(When::DATE, "Date must be in the future");
    assert_eq!(
        bookings.get(8).map(|b| b.date.to_string()),
        Some("2030-06-15".into())
    );
}

#[actix_rt::test]
async fn after_an_expiry_or_a_finish_the_next_change_starts_from_the_booking_again() {
    let (app, bookings) = bookings_app().await;
    let mut visitor = app.visitor::<ChangeBooking>("/bookings/7/change");
    visitor.open("/bookings/7/change/party").await;
    visitor
        .submit(&party(3, "Ann Lee"))
        .await
        .assert_step("check");

    // Idle past the timeout: the typed change is gone, the booking is
    // shown as it is, and the visitor is told.
    app.clock().advance(std::time::Duration::from_secs(31 * 60));
    let page = visitor.open("/bookings/7/change/party").await;
    page.assert_step("party");
    assert_eq!(page.value(Party::GUESTS).as_deref(), Some("2"));
    assert!(
        page.notice()
            .is_some_and(|n| n.contains("Your earlier answers were deleted")),
        "{}",
        page.describe()
    );
    assert_eq!(
        visitor.open("/bookings/7/change/party").await.notice(),
        None
    );

    // Saved: a later change starts from the booking as saved, afresh.
    visitor
        .submit(&party(3, "Ann Lee"))
        .await
        .assert_step("check");
    visitor.submit(&Check::default()).await.assert_status(200);
    let first_run = visitor.run_id();
    assert_eq!(bookings.get(7).map(|b| b.guests), Some(3));
    let again = visitor.open("/bookings/7/change/party").await;
    assert_eq!(again.value(Party::GUESTS).as_deref(), Some("3"));
    assert_eq!(again.notice(), None);
    assert_ne!(visitor.run_id(), first_run, "a new run");
}

#[actix_rt::test]
async fn the_testing_kit_starts_a_run_on_one_booking_only() {
    let (app, _) = bookings_app().await;
    let mut visitor = app.visitor::<ChangeBooking>("/bookings/8/change");
    let when = When {
        date: Date::from_ymd(2031, 2, 3).unwrap_or_else(|| panic!("a date")),
        sitting: Some(Sitting::Dinner),
    };
    let check = visitor
        .start_with(
            actix_wizard::testing::Answers::new()
                .with(&when)
                .with(&party(9, "Bo Chan")),
        )
        .await;
    check.assert_step("check");
    assert!(
        check
            .answers()
            .contains(&("Number of guests".into(), "9".into()))
    );
    // Booking 7, in the same browser, is its own run, from the booking.
    let mut seven = visitor.tab_on("/bookings/7/change");
    let party_page = seven.open("/bookings/7/change/party").await;
    assert_eq!(party_page.value(Party::GUESTS).as_deref(), Some("2"));
}

#[actix_rt::test]
async fn page_views_of_a_prefilled_change_store_nothing_until_the_first_answer() {
    let store = MemoryStore::default();
    let (app, _) = bookings_app_on(store.clone()).await;
    // A flood of cookieless page views, each shown the booking as it is.
    for _ in 0..50 {
        let mut looker = app.visitor::<ChangeBooking>("/bookings/7/change");
        let when = looker.open("/bookings/7/change/when").await;
        assert_eq!(when.value(When::SITTING).as_deref(), Some("dinner"));
        looker.open("/bookings/7/change").await;
    }
    assert_eq!(
        store.session_count().await,
        0,
        "a page view stored a session"
    );

    // The first answer stores the run, prefilled steps and all.
    let mut visitor = app.visitor::<ChangeBooking>("/bookings/7/change");
    visitor.open("/bookings/7/change/party").await;
    visitor
        .submit(&party(4, "Ann Lee"))
        .await
        .assert_step("check");
    assert_eq!(store.session_count().await, 1);
    let check = visitor.open("/bookings/7/change/check").await;
    assert!(
        check
            .answers()
            .contains(&("Number of guests".into(), "4".into()))
    );
    assert!(
        check
            .answers()
            .iter()
            .any(|(_, value)| value.contains("2030")),
        "the prefilled date is kept: {:?}",
        check.answers()
    );
}

#[actix_rt::test]
async fn a_change_finished_after_the_guests_checked_in_changes_nothing() {
    let (app, bookings) = bookings_app().await;
    let mut visitor = app.visitor::<ChangeBooking>("/bookings/8/change");
    visitor.open("/bookings/8/change/party").await;
    visitor
        .submit(&party(6, "Bo Chan"))
        .await
        .assert_step("check");
    // The guests arrive while the change waits on its check page.
    bookings.check_in(8);
    let refused = visitor.submit(&Check::default()).await;
    refused.assert_step("when");
    assert_eq!(refused.error(When::DATE).as_deref(), Some(app::CHECKED_IN));
    assert_eq!(
        bookings.get(8).map(|b| b.guests),
        Some(4),
        "nothing changed"
    );
}

#[actix_rt::test]
async fn head_of_a_prefilled_step_answers_as_get_does() {
    let (app, _) = bookings_app().await;
    for path in ["/bookings/7/change/party", "/bookings/7/change"] {
        let mut get = app.visitor::<ChangeBooking>("/bookings/7/change");
        let shown = get.send(path, |r| r).await.clone();
        let mut head = app.visitor::<ChangeBooking>("/bookings/7/change");
        let headed = head
            .send(path, |r| r.method(actix_web::http::Method::HEAD))
            .await;
        assert_eq!(headed.status(), shown.status(), "{path}");
        assert_eq!(headed.redirects(), shown.redirects(), "{path}");
        assert_eq!(headed.header("content-type"), shown.header("content-type"));
    }
}

/// Per resource: a booking's change, saved to come back later, resumes on
/// its own booking's pages, and the other booking's run is its own.
#[actix_rt::test]
async fn a_saved_change_resumes_on_its_own_booking() {
    use actix_wizard::save_return::{SaveAndReturn, SqlSavedRuns};
    use actix_wizard::testing::Mailbag;
    let saved = SqlSavedRuns::connect("sqlite::memory:")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    saved.migrate().await.unwrap_or_else(|e| panic!("{e}"));
    let mailbag = Mailbag::new();
    let config =
        WizardConfig::default().save_and_return(SaveAndReturn::new(saved, mailbag.clone()));
    let data = web::Data::new(Bookings::sample());
    let setup = WizardSetup::new(MemoryStore::default(), Key::from(&[3u8; 64]), config);
    let app = TestApp::new(setup, move |setup| {
        App::new().wrap(setup.middleware()).configure(app::routes(
            setup.wizard::<ChangeBooking>("/bookings/{booking}/change"),
            data,
        ))
    })
    .await;
    let mut visitor = app.visitor::<ChangeBooking>("/bookings/7/change");
    visitor.open("/bookings/7/change/party").await;
    visitor
        .press("save", &[("guests", "9"), ("name", "Ann Lee")])
        .await;
    visitor
        .submit_pairs(&[("email", "ann@example.com")])
        .await
        .assert_status(200);
    let link = mailbag.newest_link().unwrap_or_default();
    assert!(link.starts_with("/bookings/7/change/resume/"), "{link}");
    let mut elsewhere = app.visitor::<ChangeBooking>("/bookings/7/change");
    let resumed = elsewhere.resume(&link, "ann@example.com").await;
    assert_eq!(
        resumed.url(),
        "/bookings/7/change/party",
        "{}",
        resumed.describe()
    );
    assert_eq!(resumed.value("guests").as_deref(), Some("9"));
    // Booking 7's run, not another booking's.
    let other = elsewhere.open("/bookings/8/change/party").await;
    other.assert_status(200);
    assert_eq!(
        other.value("guests").as_deref(),
        Some("4"),
        "booking 8 as it is"
    );
}

#[actix_rt::test]
async fn every_path_of_a_bookings_change_finishes_and_every_page_is_sound() {
    let (app, _) = bookings_app().await;
    let walked = actix_wizard::testing::Explorer::<ChangeBooking>::new(&app, "/bookings/7/change")
        .walk()
        .await;
    println!("{walked}");
    walked.assert_sound();
    assert!(
        walked
            .paths
            .iter()
            .all(actix_wizard::testing::Path::finishes),
        "{walked}"
    );
    assert_eq!(
        walked.paths.len(),
        4,
        "each sitting, the email both ways: {walked}"
    );
    common::flows::keep_picture("booking", &walked);
}
