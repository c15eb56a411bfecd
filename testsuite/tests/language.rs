//! Languages per request: `?lang=` switches and is remembered, else
//! `Accept-Language`, else the default; the crate's own words in Welsh;
//! switching mid-run keeps every answer and draft.

mod common;

use actix_wizard::catalogue::Catalogue;
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
    #[field(label = "How did you travel?", subject = "how you travelled")]
    #[validate(required(message = "Select how you travelled"))]
    travel: Option<Travel>,
}

#[derive(Clone, Copy, Serialize, Deserialize, actix_wizard::Choice)]
#[serde(rename_all = "lowercase")]
enum Travel {
    #[choice(label = "By train")]
    Train,
    #[choice(label = "By bus", hint = "Or coach")]
    Bus,
}

/// The form's own words in Welsh.
const WELSH: &str = "\
name = Eich enw
name-full_name = Enw llawn
when = Pryd
when-date = Dyddiad
when-travel = Sut wnaethoch chi deithio?
    .subject = sut y gwnaethoch deithio
    .option-train = Ar y trên
    .option-bus = Ar y bws
    .option-bus-hint = Neu goets
    .message-required = Dewiswch sut y gwnaethoch deithio
check = Gwiriwch eich atebion
";

fn welsh(source: &str) -> Texts {
    let catalogue = Catalogue::fluent("cy", source).unwrap_or_else(|error| panic!("{error}"));
    Texts::WELSH.with_catalogue(catalogue)
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
    let config = WizardConfig::default().language(welsh(WELSH));
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
    visitor
        .submit_pairs(&[("travel", "bus")])
        .await
        .assert_step("check");
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
    assert_eq!(document["title"], "Eich enw", "{document}");
    assert_eq!(document["fields"][0]["label"], "Enw llawn", "{document}");
    let error = document["fields"][0]["error"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        error.starts_with("Rhaid") || error.starts_with("Rhowch"),
        "{document}"
    );
}

#[actix_rt::test]
async fn the_forms_own_words_follow_the_language_and_the_declaration_fills_in_the_english() {
    let app = app().await;
    let mut visitor = app.visitor::<Form>("/form");
    let english = visitor.open("/form").await;
    assert_eq!(english.heading().as_deref(), Some("Your name"));
    let welsh = visitor.open("/form/name?lang=cy").await;
    assert_eq!(welsh.heading().as_deref(), Some("Eich enw"));
    assert!(welsh.text().contains("Enw llawn"), "{}", welsh.describe());
    assert!(!welsh.text().contains("Full name"), "{}", welsh.describe());
    // A default message names the field in Welsh.
    let refused = visitor.submit_pairs(&[("full_name", "")]).await;
    refused.assert_error("full_name", "Rhowch enw llawn");
    visitor.submit_pairs(&[("full_name", "Ann")]).await;
    let when = visitor.open("/form/when").await;
    assert_eq!(when.heading().as_deref(), Some("Pryd"));
    let text = when.text();
    for word in [
        "Sut wnaethoch chi deithio?",
        "Ar y trên",
        "Ar y bws",
        "Neu goets",
    ] {
        assert!(text.contains(word), "{word}: {}", when.describe());
    }
    // A declared message, in the catalogue's words.
    let refused = visitor.submit_pairs(&[]).await;
    refused.assert_error("travel", "Dewiswch sut y gwnaethoch deithio");
    // The check page: titles, labels and the option chosen, in Welsh.
    let check = visitor.submit_pairs(&[("travel", "train")]).await;
    check.assert_step("check");
    check.assert_answers(&[
        ("Enw llawn", "Ann"),
        ("Sut wnaethoch chi deithio?", "Ar y trên"),
    ]);
    assert!(check.text().contains("Pryd"), "{}", check.describe());
    // The same page in English: the declaration's words.
    let check = visitor.open("/form/check?lang=en").await;
    check.assert_answers(&[("How did you travel?", "By train")]);
}

#[actix_rt::test]
#[should_panic(expected = "`when-travel.option-bus` is missing")]
async fn the_kit_fails_on_a_word_the_catalogue_lacks() {
    let lacking = WELSH.replace("    .option-bus = Ar y bws\n", "");
    let config = WizardConfig::default().language(welsh(&lacking));
    common::kit::app_of::<Form>("/form", config).await;
}

#[actix_rt::test]
#[should_panic(expected = "`name-ful_name` is in the catalogue, but no declaration has it")]
async fn the_kit_fails_on_a_word_no_declaration_has() {
    let stray = format!("{WELSH}name-ful_name = Enw llawn\n");
    let config = WizardConfig::default().language(welsh(&stray));
    common::kit::app_of::<Form>("/form", config).await;
}

#[test]
fn a_server_starts_with_words_missing_and_logs_them() {
    // Outside the kit a wizard with an untranslated word still starts.
    let config = WizardConfig::default().language(Texts::WELSH);
    let service = actix_wizard::WizardService::<Form>::new("/form", config);
    let missing: Vec<&str> = service
        .untranslated()
        .iter()
        .filter(|finding| finding.is_missing() && finding.lang == "cy")
        .map(|finding| finding.key.as_str())
        .collect();
    for key in [
        "name",
        "name-full_name",
        "when-travel.option-bus-hint",
        "when-travel.message-required",
        "check",
    ] {
        assert!(missing.contains(&key), "{key}: {missing:?}");
    }
    // With the catalogue, nothing.
    let config = WizardConfig::default().language(welsh(WELSH));
    let service = actix_wizard::WizardService::<Form>::new("/form", config);
    assert_eq!(service.untranslated(), &[]);
}
