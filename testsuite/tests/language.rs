//! Languages per request: `?lang=` switches and is remembered, else
//! `Accept-Language`, else the default; the crate's own words in Welsh;
//! switching mid-run keeps every answer and draft.

mod common;

use actix_wizard::page::{CompletePage, Texts};
use actix_wizard::{Finish, FinishError, Step, Steps, Wizard, WizardConfig};
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "name", title = "Your name")]
struct Name {
    #[field(label = "Full name")]
    #[validate(length(min = 1, max = 20))]
    full_name: String,
}

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "when", title = "When")]
struct When {
    #[field(label = "Date")]
    date: Option<actix_wizard::Date>,
}

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "check", title = "Check your answers")]
struct Check {}

#[derive(Default)]
struct Form {
    name: Name,
    when: When,
    check: Check,
}

impl Wizard for Form {
    const ID: &'static str = "languages";
    /// The language the form was finished in.
    type Outcome = String;
    fn steps() -> Steps<Self> {
        Steps::<Self>::new()
            .step(|f| &mut f.name)
            .step(|f| &mut f.when)
            .step(|f| &mut f.check)
    }
    async fn finish(self, finish: &Finish) -> Result<String, FinishError> {
        Ok(finish.language().to_owned())
    }
    fn render_complete(lang: &String, page: &CompletePage<'_>) -> Result<String, askama::Error> {
        page.confirmation("Done", "Done", format_args!("Finished in {lang}"))
    }
}

async fn app() -> actix_wizard::testing::TestApp {
    let config = WizardConfig::default().language(Texts::WELSH);
    common::kit::app_of::<Form>("/form", config).await
}

#[actix_rt::test]
async fn lang_switches_is_remembered_and_keeps_what_was_typed() {
    let app = app().await;
    let mut visitor = app.visitor::<Form>("/form");
    let english = visitor.open("/form").await;
    assert!(
        english.body().contains(r#"<html lang="en""#),
        "{}",
        english.body()
    );
    assert!(english.text().contains("Step 1 of 3"));
    // The switcher links to the same page in Welsh.
    assert!(
        english
            .body()
            .contains(r#"href="/form/name?lang=cy" hreflang="cy" lang="cy""#),
        "{}",
        english.body()
    );
    // Errors in English, then the page in Welsh: the typing stays, the
    // errors speak Welsh.
    let long = "a name far too long to keep";
    visitor
        .submit_pairs(&[("full_name", long)])
        .await
        .assert_status(422);
    let welsh = visitor.open("/form/name?lang=cy").await;
    assert!(
        welsh.body().contains(r#"<html lang="cy""#),
        "{}",
        welsh.body()
    );
    assert!(welsh.text().contains("Cam 1 o 3"), "{}", welsh.describe());
    assert_eq!(
        welsh.value("full_name").as_deref(),
        Some(long),
        "the draft stays"
    );
    let refused = visitor.submit_pairs(&[("full_name", long)]).await;
    refused.assert_status(422);
    assert!(
        refused.text().contains("Mae problem wedi codi"),
        "{}",
        refused.describe()
    );
    assert!(refused.text().contains("Parhau"));
    // Remembered without the query.
    let next = visitor.submit_pairs(&[("full_name", "Ann")]).await;
    next.assert_step("when");
    assert!(
        next.text().contains("Diwrnod") && next.text().contains("Blwyddyn"),
        "{}",
        next.describe()
    );
    // And back to English, answers kept.
    let back = visitor.open("/form/name?lang=en").await;
    assert!(back.text().contains("Step 1 of 3"));
    assert_eq!(back.value("full_name").as_deref(), Some("Ann"));
    // The finish knows the language of the submission.
    visitor.open("/form/when?lang=cy").await;
    visitor.submit_pairs(&[]).await.assert_step("check");
    let done = visitor.press("finish", &[]).await;
    done.assert_complete();
    assert!(
        done.text().contains("Finished in cy"),
        "{}",
        done.describe()
    );
}

#[actix_rt::test]
async fn accept_language_chooses_when_nothing_else_does() {
    let app = app().await;
    let mut visitor = app.visitor::<Form>("/form");
    let page = visitor
        .send("/form/name", |request| {
            request.insert_header(("Accept-Language", "cy-GB,cy;q=0.9,en;q=0.5"))
        })
        .await;
    assert!(
        page.body().contains(r#"<html lang="cy""#),
        "{}",
        page.body()
    );
    // A JSON client too: its errors in the language it asks for.
    let mut client = app.visitor::<Form>("/form");
    client.use_json();
    let opened = client.open("/form").await;
    let token = opened.json().unwrap_or_default()["csrf_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let refused = client
        .send("/form/name", move |request| {
            request
                .method(actix_web::http::Method::POST)
                .insert_header((actix_wizard::http::CSRF_HEADER, token))
                .insert_header(("Accept", "application/json"))
                .insert_header(("Accept-Language", "cy"))
                .insert_header(("Content-Type", "application/json"))
                .set_payload(r#"{"action":"next","full_name":""}"#)
        })
        .await;
    let document = refused.json().unwrap_or_default();
    let error = document["fields"][0]["error"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        error.starts_with("Rhaid") || error.starts_with("Rhowch"),
        "{document}"
    );
}
