//! Pages rendered from a step's declaration alone: every component, a date
//! made of three form keys, serde's renames, a second language, and the
//! start-up checks of pages written by hand. Driven through the real HTTP
//! stack with a cookie jar.

mod common;

use actix_web::App;
use actix_wizard::testing::TestApp;
use actix_wizard::{
    Choice, Date, Finish, FinishError, MemoryStore, Step, Steps, Wizard, WizardConfig,
    WizardService, WizardSetup, page::CompletePage, page::Page, page::Texts,
};
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Choice)]
#[serde(rename_all = "kebab-case")]
enum Cover {
    #[choice(label = "Third party only", hint = "The cheapest")]
    ThirdParty,
    Comprehensive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Choice)]
#[serde(rename_all = "lowercase")]
enum Colour {
    Red,
    #[serde(rename = "blue-ish")]
    Blue,
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[serde(rename_all = "camelCase")]
#[step(name = "driver", title = "About the driver")]
struct Driver {
    #[field(label = "Full name", autocomplete = "name", width = 20)]
    #[validate(length(min = 2))]
    full_name: String,
    #[field(
        label = "Date of birth",
        hint = "For example, 27 3 1990",
        autocomplete = "bday"
    )]
    #[validate(custom(function = "Date::in_the_past"))]
    date_of_birth: Date,
    #[field(label = "Cover")]
    #[validate(required(message = "Select the cover you want"))]
    cover: Option<Cover>,
    #[field(label = "Car colour", kind = "select")]
    colour: Option<Colour>,
    #[field(label = "Registration", uppercase, width = 10)]
    #[validate(length(min = 2))]
    registration: String,
    #[field(label = "Notes", kind = "textarea", max_chars = 20)]
    #[validate(length(max = 20))]
    notes: Option<String>,
    #[serde(skip)]
    #[allow(dead_code)] // on the struct, never on the form
    never_on_the_form: u32,
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "confirm", title = "Check your answers")]
struct Confirm {
    #[field(label = "Declaration", checkbox = "The answers are true")]
    #[validate(custom(function = "ticked"))]
    declared: bool,
}

fn ticked(value: &bool) -> Result<(), validator::ValidationError> {
    if *value {
        Ok(())
    } else {
        Err(validator::ValidationError::new("declaration"))
    }
}

#[derive(Default)]
struct Quote {
    driver: Driver,
    confirm: Confirm,
}

impl Wizard for Quote {
    const ID: &'static str = "quote";
    type Outcome = String;
    fn steps() -> Steps<Self> {
        Steps::<Self>::new()
            .step(|q| &mut q.driver)
            .step(|q| &mut q.confirm)
    }
    async fn finish(self, _: &Finish) -> Result<String, FinishError> {
        Ok(format!(
            "{} born {} reg {}",
            self.driver.full_name, self.driver.date_of_birth, self.driver.registration
        ))
    }
    fn render_complete(done: &String, page: &CompletePage<'_>) -> Result<String, askama::Error> {
        page.in_layout("Done", &format!("<h1>{done}</h1>"))
    }
}

const DRIVER_OK: &[(&str, &str)] = &[
    ("fullName", "Ann Driver"),
    ("dateOfBirth-day", "17"),
    ("dateOfBirth-month", "5"),
    ("dateOfBirth-year", "1990"),
    ("cover", "third-party"),
    ("colour", "blue-ish"),
    ("registration", "ab12 cde"),
];

fn driver_with(field: &str, value: Option<&str>) -> Vec<(&'static str, String)> {
    let mut fields: Vec<(&'static str, String)> = DRIVER_OK
        .iter()
        .filter(|(name, _)| *name != field)
        .map(|(n, v)| (*n, (*v).to_owned()))
        .collect();
    if let (Some(value), Some((name, _))) = (value, DRIVER_OK.iter().find(|(n, _)| *n == field)) {
        fields.push((name, value.to_owned()));
    }
    fields
}

/// The quote wizard at `/quote`, with `config`.
async fn quote_app(config: WizardConfig) -> TestApp {
    let setup = WizardSetup::new(MemoryStore::default(), common::key(), config);
    TestApp::new(setup, |setup| {
        App::new()
            .wrap(setup.middleware())
            .service(setup.wizard::<Quote>("/quote"))
    })
    .await
}

fn plain_config() -> WizardConfig {
    WizardConfig::default().secure_cookies(false)
}

/// Every `href="#id"` of the error summary names an element that can take
/// focus: an input, a select or a textarea, never a fieldset.
fn assert_links_land_on_controls(body: &str) {
    let summary = &body[body.find("error-summary").unwrap_or(0)..];
    let summary = &summary[..summary.find("</div>").unwrap_or(summary.len())];
    let links: Vec<&str> = summary
        .split(r##"href="#"##)
        .skip(1)
        .filter_map(|part| part.split('"').next())
        .collect();
    assert!(!links.is_empty(), "no summary links in {summary}");
    for id in links {
        let marker = format!(r#"id="{id}""#);
        let at = body
            .find(&marker)
            .unwrap_or_else(|| panic!("the summary links to #{id}, which is not on the page"));
        let tag_start = body[..at].rfind('<').unwrap_or(0);
        let tag = &body[tag_start..at];
        assert!(
            tag.starts_with("<input") || tag.starts_with("<select") || tag.starts_with("<textarea"),
            "#{id} is on `{tag}`, which cannot take focus"
        );
    }
}

#[actix_rt::test]
async fn a_derived_step_is_a_whole_accessible_page_without_a_template() {
    let app = quote_app(plain_config()).await;
    let mut b = app.visitor::<Quote>("/quote");
    let page = b.open("/quote/driver").await;
    page.assert_status(200);
    let body = page.body();
    assert!(body.starts_with("<!DOCTYPE html>") && body.contains("<style>"));
    assert!(body.contains(r#"<label class="label" for="fullName">Full name</label>"#));
    // serde's camelCase names the form's keys, the date's parts included.
    for id in ["dateOfBirth-day", "dateOfBirth-month", "dateOfBirth-year"] {
        assert!(body.contains(&format!(r#"id="{id}" name="{id}""#)), "{id}");
    }
    assert!(body.contains(r#"autocomplete="bday-month""#));
    assert!(body.contains(
        r#"<fieldset class="fieldset" role="group" aria-describedby="dateOfBirth-hint">"#
    ));
    // Choice values follow serde; labels and hints come from the enum.
    assert!(body.contains(r#"id="cover" name="cover" type="radio" value="third-party""#));
    assert!(body.contains("Third party only") && body.contains("The cheapest"));
    assert!(body.contains(r#"<option value="blue-ish">Blue</option>"#));
    // An optional field says so on the form.
    assert!(body.contains("Car colour (optional)") && body.contains("Notes (optional)"));
    assert!(body.contains("You can enter up to 20 characters"));
    assert!(!body.contains("never_on_the_form") && !body.contains("neverOnTheForm"));
    assert!(body.contains(r#"class="input input--width-10" id="registration""#));
}

#[actix_rt::test]
async fn every_error_at_once_links_to_a_control_that_takes_focus() {
    let app = quote_app(plain_config()).await;
    let mut b = app.visitor::<Quote>("/quote");
    b.open("/quote/driver").await;
    let reply = b
        .submit_pairs(&[("dateOfBirth-day", "3"), ("notes", "x".repeat(25).as_str())])
        .await;
    assert_eq!(reply.status().as_u16(), 422);
    // validator's errors are keyed by the Rust names; the page uses the form's.
    let fields: Vec<String> = reply
        .summary()
        .into_iter()
        .map(|link| link.target)
        .collect();
    assert_eq!(
        fields,
        [
            "fullName",
            "dateOfBirth-month",
            "cover",
            "registration",
            "notes"
        ]
    );
    assert_links_land_on_controls(reply.body());
    assert_eq!(
        reply.error("dateOfBirth").as_deref(),
        Some("Date of birth must include a month and year")
    );
    // An empty answer to a length rule is asked for, as GOV.UK words it.
    assert_eq!(reply.error("fullName").as_deref(), Some("Enter full name"));
    assert_eq!(
        reply.error("cover").as_deref(),
        Some("Select the cover you want")
    );
    // Every control of an invalid group carries aria-invalid.
    assert!(reply.body().contains(r#"id="cover-comprehensive" name="cover" type="radio" value="comprehensive" aria-invalid="true""#));
    assert!(reply.body().contains(r#"id="dateOfBirth-year" name="dateOfBirth-year" type="text" inputmode="numeric" value="" autocomplete="bday-year" aria-invalid="true""#));
    // What was typed is kept, the day of the date included.
    assert!(reply.body().contains(
        r#"id="dateOfBirth-day" name="dateOfBirth-day" type="text" inputmode="numeric" value="3""#
    ));
    assert!(reply.body().contains("You have 5 characters too many"));
}

#[actix_rt::test]
async fn a_date_is_checked_in_govuk_order_and_kept_through_back_and_review() {
    let app = quote_app(plain_config()).await;
    let mut b = app.visitor::<Quote>("/quote");
    b.open("/quote/driver").await;
    // (the date's parts as typed, the message, where the summary links)
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: &[Case<'_>] = &[
        (&[], "Enter date of birth", "dateOfBirth-day"),
        (
            &[
                ("dateOfBirth-day", "31"),
                ("dateOfBirth-month", "2"),
                ("dateOfBirth-year", "1990"),
            ],
            "Date of birth must be a real date",
            "dateOfBirth-day",
        ),
        (
            &[
                ("dateOfBirth-day", "1"),
                ("dateOfBirth-month", "13"),
                ("dateOfBirth-year", "1990"),
            ],
            "Date of birth must be a real date",
            "dateOfBirth-month",
        ),
        (
            &[
                ("dateOfBirth-day", "1"),
                ("dateOfBirth-month", "1"),
                ("dateOfBirth-year", "90"),
            ],
            "Year must include 4 numbers",
            "dateOfBirth-year",
        ),
        (
            &[
                ("dateOfBirth-day", "1"),
                ("dateOfBirth-month", "1"),
                ("dateOfBirth-year", "2999"),
            ],
            "Date of birth must be in the past",
            "dateOfBirth-day",
        ),
    ];
    for (parts, message, target) in cases {
        let mut fields: Vec<(&str, &str)> = DRIVER_OK
            .iter()
            .copied()
            .filter(|(n, _)| !n.starts_with("dateOfBirth"))
            .collect();
        fields.extend_from_slice(parts);
        let reply = b.submit_pairs(&fields).await;
        assert_eq!(reply.status().as_u16(), 422, "{message}");
        assert_eq!(reply.error("dateOfBirth").as_deref(), Some(*message));
        assert_eq!(reply.summary()[0].target, *target, "{message}");
    }

    let reply = b.submit_pairs(DRIVER_OK).await;
    reply.assert_step("confirm");
    let review = b.open("/quote/confirm").await;
    assert!(review.body().contains("17 May 1990"), "{}", review.body());
    assert!(review.body().contains("Third party only") && review.body().contains("Blue"));
    // Normalised before it is checked and stored.
    assert!(review.body().contains("AB12 CDE"));
    assert!(
        review
            .body()
            .contains(r##"href="/quote/driver?change#dateOfBirth-day""##)
    );
    // The stored date reads back into its three parts.
    let again = b.open("/quote/driver").await;
    assert!(again.body().contains(r#"id="dateOfBirth-month" name="dateOfBirth-month" type="text" inputmode="numeric" value="5""#));
    // A draft keeps the parts as typed when going back.
    let back = b
        .post_to("/quote/confirm", "back", &[("declared", "yes")])
        .await;
    back.assert_step("driver");
    let finished = {
        b.open("/quote/confirm").await;
        b.submit_pairs(&[("declared", "yes")]).await
    };
    finished.assert_complete();
    let done = b.open("/quote/complete").await;
    assert!(
        done.body()
            .contains("Ann Driver born 1990-05-17 reg AB12 CDE"),
        "{}",
        done.body()
    );
}

#[actix_rt::test]
async fn a_draft_keeps_a_half_typed_date() {
    let app = quote_app(plain_config()).await;
    let mut b = app.visitor::<Quote>("/quote");
    b.open("/quote/driver").await;
    b.submit_pairs(DRIVER_OK).await.assert_step("confirm");
    b.open("/quote/driver?change").await;
    let changed = driver_with("dateOfBirth-year", Some("19"));
    let fields: Vec<(&str, &str)> = changed.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let reply = b.submit_pairs(&fields).await;
    assert_eq!(reply.status().as_u16(), 422);
    let again = b.open("/quote/driver").await;
    assert!(
        again
            .body()
            .contains(r#"name="dateOfBirth-year" type="text" inputmode="numeric" value="19""#),
        "{}",
        again.body()
    );
}

fn french() -> Texts {
    Texts {
        lang: "fr".into(),
        error_title_prefix: "Erreur : ".into(),
        error_summary_title: "Il y a un problème".into(),
        error_prefix: "Erreur :".into(),
        progress: "Étape {current} sur {total}".into(),
        continue_button: "Continuer".into(),
        back_button: "Retour".into(),
        finish_button: "Envoyer".into(),
        change: "Modifier".into(),
        optional_suffix: " (facultatif)".into(),
        date_incomplete: "{label} doit comporter : {parts}".into(),
        date_part_names: ["jour".into(), "mois".into(), "année".into()],
        and: "et".into(),
        rule_length_min: "{label} : au moins {min} caractères".into(),
        month_names: [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ]
        .map(Into::into),
        not_found: actix_wizard::page::ProblemWords {
            heading: "Page introuvable".into(),
            body: "Cette page n’existe pas.".into(),
        },
        start_again_link: "Recommencer".into(),
        ..Texts::default()
    }
}

#[actix_rt::test]
async fn every_text_the_crate_writes_comes_from_the_table() {
    // Only the crate's words are in French here: the quote's own stay as
    // declared, which the start-up check is told is the page's language.
    let config = plain_config().texts(french()).declared_in("fr");
    let app = quote_app(config).await;
    let mut b = app.visitor::<Quote>("/quote");
    let page = b.open("/quote/driver").await;
    assert!(page.body().contains(r#"<html lang="fr">"#));
    assert!(page.body().contains("Étape 1 sur 2"));
    assert!(page.body().contains(r#"value="next">Continuer</button>"#));
    assert!(page.body().contains("Car colour (facultatif)"));
    let reply = b
        .submit_pairs(&[("dateOfBirth-day", "3"), ("fullName", "A")])
        .await;
    assert!(
        reply
            .body()
            .contains("<title>Erreur : About the driver</title>")
    );
    assert!(reply.body().contains("Il y a un problème"));
    assert!(
        reply
            .body()
            .contains(r#"<span class="visually-hidden">Erreur :</span>"#)
    );
    assert!(
        reply
            .body()
            .contains("Date of birth doit comporter : mois et année")
    );
    assert!(reply.body().contains("Full name : au moins 2 caractères"));
    let reply = b.submit_pairs(DRIVER_OK).await;
    reply.assert_step("confirm");
    let review = b.open("/quote/confirm").await;
    assert!(review.body().contains("17 mai 1990") && review.body().contains(">Modifier<"));
    assert!(review.body().contains(r#"value="finish">Envoyer</button>"#));
    assert!(review.body().contains(r#"value="back">Retour</button>"#));
    let missing = b.open("/quote/nowhere").await;
    missing.assert_status(404);
    assert!(missing.body().contains("Page introuvable") && missing.body().contains("Recommencer"));
}

// ---------------------------------------------------------------- start-up checks

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "misspelt", title = "Misspelt", render = misspelt_page)]
struct Misspelt {
    #[field(label = "Email address", kind = "email")]
    email: String,
}

fn misspelt_page(page: &Page<'_>) -> Result<String, askama::Error> {
    page.in_layout(&format!("{}{}", page.field("emial"), page.buttons()))
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "forgetful", title = "Forgetful", render = forgetful_page)]
struct Forgetful {
    #[field(label = "Email address", kind = "email")]
    email: String,
    #[field(label = "Phone", kind = "tel")]
    phone: String,
}

fn forgetful_page(page: &Page<'_>) -> Result<String, askama::Error> {
    page.in_layout(&format!(
        "{}{}",
        page.field(Forgetful::EMAIL),
        page.buttons()
    ))
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "hidden", title = "Hidden", render = forgetful_page, unchecked_placement)]
struct Conditional {
    #[field(label = "Email address", kind = "email")]
    email: String,
    #[field(label = "Phone", kind = "tel")]
    phone: String,
}

macro_rules! one_step_wizard {
    ($wizard:ident, $id:literal, $step:ty) => {
        #[derive(Default)]
        struct $wizard {
            only: $step,
        }
        impl Wizard for $wizard {
            const ID: &'static str = $id;
            type Outcome = ();
            fn steps() -> Steps<Self> {
                Steps::<Self>::new().step(|w| &mut w.only)
            }
            async fn finish(self, _: &Finish) -> Result<(), FinishError> {
                Ok(())
            }
            fn render_complete(_: &(), _: &CompletePage<'_>) -> Result<String, askama::Error> {
                Ok(String::new())
            }
        }
    };
}

one_step_wizard!(MisspeltWizard, "misspelt", Misspelt);
one_step_wizard!(ForgetfulWizard, "forgetful", Forgetful);
one_step_wizard!(ConditionalWizard, "conditional", Conditional);

fn start_up_panic(build: impl FnOnce() + std::panic::UnwindSafe) -> String {
    let failure = std::panic::catch_unwind(build).expect_err("the service should not build");
    failure
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn a_page_that_places_a_field_its_step_lacks_fails_at_start_up() {
    let message = start_up_panic(|| {
        let _ = WizardService::<MisspeltWizard>::new("/m", WizardConfig::default());
    });
    assert!(
        message.contains("step `misspelt` places field `emial`"),
        "{message}"
    );
    assert!(message.contains("its fields: email"), "{message}");
}

#[test]
fn a_page_that_leaves_a_field_out_fails_at_start_up_unless_told() {
    let message = start_up_panic(|| {
        let _ = WizardService::<ForgetfulWizard>::new("/f", WizardConfig::default());
    });
    assert!(
        message.contains("step `forgetful` never places field `phone`"),
        "{message}"
    );
    let _ = WizardService::<ConditionalWizard>::new("/c", WizardConfig::default());
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(title = "Where you live")]
struct HomeAddress {
    post_code: String,
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(title = "Anything else?")]
struct Notes {
    #[field(kind = "textarea")]
    notes: Option<String>,
}

#[test]
fn a_step_without_a_name_is_named_after_its_struct_and_a_field_after_itself() {
    assert_eq!(HomeAddress::NAME, "home_address");
    assert_eq!(Notes::NAME, "notes");
    assert_eq!(HomeAddress::FIELDS[0].label, "Post code");
}
