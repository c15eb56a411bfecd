//! The explorer walks every path of the examples through their real
//! applications, in-process, and finds each kind of mistake in a wizard
//! made broken on purpose. (The booking example's walk is in
//! `booking.rs`, beside its application.)

mod common;

mod claims;

use actix_web::HttpRequest;
use actix_wizard::page::Page;
use actix_wizard::testing::{End, Explorer};
use actix_wizard::{Choice, FieldErrors, Finish, FinishError, Step, Steps, Wizard, WizardConfig};
use claims::app::Claim;
use serde::{Deserialize, Serialize};
use validator::Validate;

#[actix_rt::test]
async fn every_path_of_the_claim_finishes_and_every_page_is_sound() {
    let (app, _) = claims::claim_app().await;
    let started = std::time::Instant::now();
    let walked = Explorer::<Claim>::new(&app, "/claim").walk().await;
    // Told, not asserted: how long the walk took here.
    println!("the claim's walk: {:?}", started.elapsed());
    println!("{walked}");
    walked.assert_sound();
    // Eligibility both ways, each way of contact, each category; the list
    // filled to its 10; one path in Welsh.
    assert_eq!(walked.paths.len(), 11, "{walked}");
    assert_eq!(walked.exits, ["not-eligible"]);
    let longest = walked
        .paths
        .iter()
        .map(|p| p.pages.len())
        .max()
        .unwrap_or(0);
    assert!(
        longest >= 10 * 3,
        "the list filled to its maximum: {walked}"
    );
    assert!(
        walked
            .paths
            .iter()
            .any(|p| p.lang == "cy" && p.end == End::Finished)
    );
    for condition in &walked.conditions {
        assert!(condition.held && condition.failed, "{condition:?}");
    }
    common::flows::keep_picture("claim", &walked);
    let dot = walked.dot();
    assert!(
        dot.contains(r#""eligibility" -> "exit:not-eligible" [label="employee=no"]"#),
        "{dot}"
    );
    assert!(
        dot.contains(r#""expenses/expense" -> "expenses/journey" [label="category=travel"]"#),
        "{dot}"
    );
}

#[actix_rt::test]
async fn a_walk_stops_at_its_limit_and_says_so() {
    let (app, _) = claims::claim_app().await;
    let walked = Explorer::<Claim>::new(&app, "/claim")
        .max_paths(3)
        .walk()
        .await;
    assert!(walked.limit_hit, "{walked}");
    // Three paths in the default language, and the one in Welsh.
    assert_eq!(walked.paths.len(), 4, "{walked}");
    let message = common::kit::panic_of(|| walked.assert_sound());
    assert!(
        message.contains("the walk stopped at its limit"),
        "{message}"
    );
}

#[actix_rt::test]
async fn every_path_of_the_signup_finishes_and_every_page_is_sound() {
    let (app, _) = common::kit::signup().await;
    // A VAT number follows a pattern the explorer cannot guess.
    let walked = Explorer::<common::app::Signup>::new(&app, "/signup")
        .sample("company", "vat_id", &["GB123456789"])
        .walk()
        .await;
    println!("{walked}");
    walked.assert_sound();
    // Personal and business; each interest; the newsletter both ways.
    let business = walked
        .paths
        .iter()
        .filter(|p| p.pages.iter().any(|(k, _)| k == "company"));
    assert!(business.count() >= 1, "{walked}");
    assert!(walked.paths.len() >= 6, "{walked}");
    let company = walked.conditions.iter().find(|c| c.page == "company");
    assert!(company.is_some_and(|c| c.held && c.failed), "{walked}");
    common::flows::keep_picture("signup", &walked);
}

// ------------------------------------------------------------ broken on purpose

#[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Choice)]
#[serde(rename_all = "lowercase")]
enum Route {
    Left,
    Right,
    Up,
}

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "start", title = "Which way?")]
struct Start {
    #[field(label = "Which way?", subject = "the way")]
    #[validate(required(message = "Select a way"))]
    route: Option<Route>,
}

/// Guarded by a condition that never holds.
#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "never", title = "Never asked")]
struct Never {
    #[field(label = "Note")]
    note: String,
}

/// On the right: a check that refuses every answer.
#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "dead_end", title = "Dead end", check = refuse_all)]
struct DeadEnd {
    #[field(label = "Code")]
    #[validate(length(min = 1, message = "Enter a code"))]
    code: String,
}

async fn refuse_all(_: &DeadEnd, _: &HttpRequest) -> FieldErrors {
    FieldErrors::of("code", "That code is not one we know")
}

/// A page of its own that gives two elements one id, and an email
/// field without the rule that would refuse what is not one.
#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "doubled", title = "Doubled", render = doubled_page)]
struct Doubled {
    #[field(label = "Name")]
    name: String,
    #[field(label = "Email address", kind = "email")]
    email: String,
}

fn doubled_page(page: &Page<'_>) -> Result<String, askama::Error> {
    let body = page.default_body();
    page.in_layout(&format!("<p id=\"name\">Twice</p>\n{body}"))
}

/// Up: a page that fails to render.
#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "crashes", title = "Crashes", render = failing_page, unchecked_placement)]
struct Crashes {
    #[field(label = "Name")]
    name: String,
}

fn failing_page(_: &Page<'_>) -> Result<String, askama::Error> {
    Err(askama::Error::Fmt)
}

#[derive(Default)]
struct Broken {
    start: Start,
    never: Option<Never>,
    dead_end: Option<DeadEnd>,
    crashes: Option<Crashes>,
    doubled: Doubled,
}

impl Wizard for Broken {
    const ID: &'static str = "broken";
    type Outcome = ();
    fn steps() -> Steps<Self> {
        Steps::<Self>::new()
            .step(|w| &mut w.start)
            .step_if(|w| &mut w.never, |_| false)
            .step_if(|w| &mut w.dead_end, |w| w.start.route == Some(Route::Right))
            .step_if(|w| &mut w.crashes, |w| w.start.route == Some(Route::Up))
            .step(|w| &mut w.doubled)
    }
    async fn finish(self, _: &Finish) -> Result<(), FinishError> {
        Ok(())
    }
    fn render_complete(
        _: &(),
        page: &actix_wizard::CompletePage<'_>,
    ) -> Result<String, askama::Error> {
        page.confirmation("Done", "Done", "Done")
    }
}

#[actix_rt::test]
async fn a_broken_wizard_is_told_what_is_wrong() {
    let app = common::kit::app_of::<Broken>("/broken", WizardConfig::default()).await;
    let walked = Explorer::<Broken>::new(&app, "/broken").walk().await;
    println!("{walked}");
    // A condition that never holds: its step is never reached.
    assert_eq!(walked.unreached, ["never"], "{walked}");
    let never = walked.conditions.iter().find(|c| c.page == "never");
    assert!(never.is_some_and(|c| !c.held && c.failed), "{walked}");
    // A branch with no way on: the right turn is stuck on the dead end.
    let stuck: Vec<_> = walked
        .unfinished()
        .filter(|p| matches!(p.end, End::Stuck { .. }))
        .collect();
    assert_eq!(stuck.len(), 1, "{walked}");
    assert!(
        matches!(&stuck[0].end, End::Stuck { page, errors } if page == "dead_end"
            && errors.iter().any(|(field, _)| field == "code")),
        "{walked}"
    );
    assert!(
        stuck[0]
            .pages
            .iter()
            .any(|(page, label)| page == "start" && label == "route=right")
    );
    // Up: a page that does not render.
    assert!(
        walked.unfinished().any(|p| p.end
            == End::Broken {
                page: "crashes".to_owned(),
                status: 500
            }),
        "{walked}"
    );
    // The left turn finishes.
    assert!(walked.paths.iter().any(|p| p.end == End::Finished));
    // A page of its own with a duplicate id.
    // Each other condition was seen both ways.
    for page in ["dead_end", "crashes"] {
        let seen = walked.conditions.iter().find(|c| c.page == page);
        assert!(seen.is_some_and(|c| c.held && c.failed), "{page}: {walked}");
    }
    assert!(
        walked.problems.contains(&(
            "doubled".to_owned(),
            "two elements have the id `name`".to_owned()
        )),
        "{walked}"
    );
    assert!(
        walked.problems.contains(&(
            "doubled".to_owned(),
            "`email` took an answer it should refuse (email=not-an-email)".to_owned()
        )),
        "{walked}"
    );
    let message = common::kit::panic_of(|| walked.assert_sound());
    for said in [
        "crashes: it does not render (500)",
        "two elements have the id `name`",
        "a path never ends",
        "never: no path reaches it",
    ] {
        assert!(message.contains(said), "{said}: {message}");
    }
}

#[actix_rt::test]
async fn the_picture_of_the_flow_is_served_only_when_the_configuration_gives_it() {
    let app = common::kit::app_of::<Broken>("/broken", WizardConfig::default()).await;
    let walked = Explorer::<Broken>::new(&app, "/broken").walk().await;
    let dot = walked.dot();
    assert!(
        dot.contains(r#""start" -> "dead_end" [label="route=right"]"#),
        "{dot}"
    );
    assert!(dot.contains(r#""dead_end" -> "stuck""#), "{dot}");
    let mut visitor = app.visitor::<Broken>("/broken");
    visitor.open("/broken/flow.svg").await.assert_status(404);

    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg"><text>start</text></svg>"#;
    let config = WizardConfig::default().flow_picture(svg);
    let app = common::kit::app_of::<Broken>("/broken", config).await;
    let mut visitor = app.visitor::<Broken>("/broken");
    let picture = visitor.open("/broken/flow.svg").await;
    picture.assert_status(200);
    assert_eq!(picture.header("content-type"), Some("image/svg+xml"));
    assert_eq!(picture.body(), svg);
}
