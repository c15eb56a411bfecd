//! Lists of items ([`actix_wizard::Repeat`]) in a wizard of their own: an
//! item step whose condition reads the wizard's answers, a list filled
//! from `Wizard::prefill`, a run near the size its store keeps, and the
//! declaration mistakes found at start-up.

mod common;

use actix_web::{App, HttpRequest, web};
use actix_wizard::page::CompletePage;
use actix_wizard::testing::TestApp;
use actix_wizard::{
    Finish, FinishError, MemoryStore, Repeat, Step, Steps, Summary, Wizard, WizardConfig,
    WizardSetup,
};
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "company", title = "Your company")]
struct Company {
    #[field(label = "Company name")]
    #[validate(length(min = 1, message = "Enter the company's name"))]
    name: String,
    #[field(label = "Does it issue shares?", subject = "whether it issues shares")]
    shares: bool,
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "director", title = "A director")]
struct Director {
    #[field(label = "Full name")]
    #[validate(length(min = 1, max = 400, message = "Enter the director's name"))]
    name: String,
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "holding", title = "Their shares")]
struct Holding {
    #[field(
        label = "How many shares do they hold?",
        subject = "how many shares they hold"
    )]
    #[validate(required(message = "Enter how many shares they hold"))]
    count: Option<u32>,
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "confirm", title = "Confirm")]
struct Confirm {
    #[field(label = "Anything else?", subject = "anything else")]
    note: String,
}

#[derive(Debug, Default)]
struct Item {
    director: Director,
    holding: Option<Holding>,
}

#[derive(Debug, Default)]
struct Filing {
    company: Company,
    directors: Vec<Item>,
    confirm: Confirm,
}

fn directors() -> Repeat<Filing, Item> {
    Repeat::new("directors", "Directors")
        .noun("Director")
        .min(1)
        .max(5)
        .summary(|item: &Item| Summary::new(item.director.name.clone(), ""))
        .step(|item| &mut item.director)
        .step_if(|item| &mut item.holding, |_, filing| filing.company.shares)
}

impl Wizard for Filing {
    const ID: &'static str = "filing";
    type Outcome = usize;
    fn steps() -> Steps<Self> {
        Steps::<Self>::new()
            .step(|f| &mut f.company)
            .repeat(|f| &mut f.directors, directors())
            .step(|f| &mut f.confirm)
    }
    async fn prefill(request: &HttpRequest) -> Option<Self> {
        // An application with `Prefilled` starts a run with two directors.
        let names = ["Ann", "Bo"];
        let prefilled = request.app_data::<web::Data<Prefilled>>().is_some();
        prefilled.then(|| Filing {
            company: Company {
                name: "Acme".into(),
                shares: false,
            },
            directors: names
                .iter()
                .map(|name| Item {
                    director: Director {
                        name: (*name).into(),
                    },
                    holding: None,
                })
                .collect(),
            confirm: Confirm::default(),
        })
    }
    async fn finish(self, _: &Finish) -> Result<usize, FinishError> {
        Ok(self.directors.len())
    }
    fn render_complete(count: &usize, page: &CompletePage<'_>) -> Result<String, askama::Error> {
        page.confirmation("Filed", "Filed", format_args!("{count} directors"))
    }
}

/// Whether new runs start from [`Wizard::prefill`].
struct Prefilled;

async fn app(config: WizardConfig) -> TestApp {
    app_with(config, false).await
}

async fn app_with(config: WizardConfig, prefilled: bool) -> TestApp {
    let setup = WizardSetup::new(MemoryStore::default(), common::key(), config);
    TestApp::new(setup, move |setup| {
        let app = App::new()
            .wrap(setup.middleware())
            .service(setup.wizard::<Filing>("/filing"));
        match prefilled {
            true => app.app_data(web::Data::new(Prefilled)),
            false => app,
        }
    })
    .await
}

#[actix_rt::test]
async fn an_item_step_follows_the_wizards_earlier_answers() {
    let app = app(WizardConfig::default()).await;
    let mut visitor = app.visitor::<Filing>("/filing");
    visitor.open("/filing").await;
    let company = Company {
        name: "Acme".into(),
        shares: true,
    };
    visitor.submit(&company).await.assert_step("director");
    let ann = Director { name: "Ann".into() };
    visitor.submit(&ann).await.assert_step("holding");
    let holding = Holding { count: Some(10) };
    visitor.submit(&holding).await.assert_step("directors");
    // No shares after all: the holding goes from every item.
    visitor.open("/filing/company").await;
    let company = Company {
        name: "Acme".into(),
        shares: false,
    };
    visitor.submit(&company).await.assert_step("directors");
    let done = visitor.add_another(false).await;
    done.assert_step("confirm");
    let answers = done.answers();
    assert!(
        answers
            .iter()
            .any(|(label, value)| label == "Full name" && value == "Ann")
    );
    assert!(
        !answers
            .iter()
            .any(|(label, _)| label.contains("shares do they hold")),
        "{answers:?}"
    );
    let complete = visitor.submit(&Confirm::default()).await;
    complete.assert_complete();
    assert!(complete.text().contains("1 directors"));
}

#[actix_rt::test]
async fn a_prefilled_list_is_stored_with_the_first_answer_and_its_items_keep_their_ids() {
    let app = app_with(WizardConfig::default(), true).await;
    let mut visitor = app.visitor::<Filing>("/filing");
    let page = visitor.open("/filing").await;
    page.assert_step("confirm");
    let list = visitor.open("/filing/directors").await;
    assert_eq!(
        list.items(),
        [
            ("Ann".to_owned(), String::new()),
            ("Bo".to_owned(), String::new())
        ]
    );
    let first = list.link("Change Ann").unwrap_or_default();
    assert!(first.starts_with("/filing/directors/"), "{first}");
    let ann = visitor.open(&first).await;
    ann.assert_step("director");
    assert_eq!(ann.value("name").as_deref(), Some("Ann"));
    visitor.open("/filing/confirm").await;
    visitor.submit(&Confirm::default()).await.assert_complete();
    assert!(visitor.page().text().contains("2 directors"));
}

#[actix_rt::test]
async fn a_run_near_its_size_cap_says_so_on_the_list_instead_of_failing() {
    // A cap a few directors fill.
    let config = WizardConfig::default().max_state_bytes(2500);
    let app = app(config).await;
    let mut visitor = app.visitor::<Filing>("/filing");
    visitor.open("/filing").await;
    let company = Company {
        name: "Acme".into(),
        shares: false,
    };
    visitor.submit(&company).await;
    let long = "x".repeat(350);
    let mut added = 0;
    loop {
        let page = visitor.submit(&Director { name: long.clone() }).await;
        page.assert_step("directors");
        added += 1;
        if page.value("add_another").is_none() && !page.body().contains("name=\"add_another\"") {
            break;
        }
        assert!(added < 5, "the cap was never near: {}", page.describe());
        visitor.add_another(true).await.assert_step("director");
    }
    let list = visitor.page();
    assert!(
        list.text()
            .contains("You cannot add another here: this form holds as much as it can keep."),
        "{}",
        list.text()
    );
    assert!(added < 5, "stopped by the maximum, not the cap");
    // What is there stays, and the visitor goes on.
    visitor.submit_pairs(&[]).await.assert_step("confirm");
}

fn build(steps: fn() -> Steps<Filing>) -> String {
    common::kit::panic_of(|| {
        let _ = steps();
    })
}

#[test]
fn a_list_without_steps_or_with_its_minimum_over_its_maximum_is_refused_at_start_up() {
    let empty = build(|| {
        Steps::<Filing>::new().repeat(|f| &mut f.directors, Repeat::new("directors", "D"))
    });
    assert!(empty.contains("declares no step for its items"), "{empty}");
    let upside_down =
        build(|| Steps::<Filing>::new().repeat(|f| &mut f.directors, directors().min(6)));
    assert!(
        upside_down.contains("minimum (6) is over its maximum (5)"),
        "{upside_down}"
    );
}

#[derive(Default)]
struct LastList(Filing);

impl Wizard for LastList {
    const ID: &'static str = "last-list";
    type Outcome = ();
    fn steps() -> Steps<Self> {
        Steps::<Self>::new().repeat(
            |w| &mut w.0.directors,
            Repeat::new("directors", "D").step(|item: &mut Item| &mut item.director),
        )
    }
    async fn finish(self, _: &Finish) -> Result<(), FinishError> {
        Ok(())
    }
    fn render_complete(_: &(), _: &CompletePage<'_>) -> Result<String, askama::Error> {
        Ok(String::new())
    }
}

#[test]
fn a_list_as_the_last_step_is_refused_when_the_service_is_built() {
    let panic = common::kit::refusal_of::<LastList>();
    assert!(
        panic.contains("list `directors` is the last step"),
        "{panic}"
    );
}

#[actix_rt::test]
async fn a_question_field_is_named_by_its_subject_in_messages_and_the_hidden_change_text() {
    let app = app(WizardConfig::default()).await;
    let mut visitor = app.visitor::<Filing>("/filing");
    visitor.open("/filing").await;
    let company = Company {
        name: "Acme".into(),
        shares: true,
    };
    visitor.submit(&company).await;
    visitor
        .submit(&Director { name: "Ann".into() })
        .await
        .assert_step("holding");
    visitor
        .submit_pairs(&[("count", "lots")])
        .await
        .assert_status(422)
        .assert_error("count", "How many shares they hold must be a whole number");
    visitor.submit(&Holding { count: Some(5) }).await;
    let confirm = visitor.add_another(false).await;
    confirm.assert_step("confirm");
    assert!(
        confirm.link("Change whether it issues shares").is_some(),
        "{}",
        confirm.body()
    );
}

#[derive(Debug, Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "partial", title = "Partial", render = empty_page)]
struct Partial {
    #[field(label = "Left out")]
    left_out: String,
}

fn empty_page(_: &actix_wizard::page::Page<'_>) -> Result<String, askama::Error> {
    Ok(String::new())
}

#[derive(Debug, Default)]
struct PartialItem {
    partial: Partial,
}

#[derive(Debug, Default)]
struct PartialList {
    items: Vec<PartialItem>,
    confirm: Confirm,
}

impl Wizard for PartialList {
    const ID: &'static str = "partial-list";
    type Outcome = ();
    fn steps() -> Steps<Self> {
        Steps::<Self>::new()
            .repeat(
                |w| &mut w.items,
                Repeat::new("items", "Items").step(|item: &mut PartialItem| &mut item.partial),
            )
            .step(|w| &mut w.confirm)
    }
    async fn finish(self, _: &Finish) -> Result<(), FinishError> {
        Ok(())
    }
    fn render_complete(_: &(), _: &CompletePage<'_>) -> Result<String, askama::Error> {
        Ok(String::new())
    }
}

#[test]
fn an_item_steps_page_that_leaves_a_field_out_is_refused_at_start_up() {
    let panic = common::kit::refusal_of::<PartialList>();
    assert!(
        panic.contains("the page of step `partial` never places field `left_out`"),
        "{panic}"
    );
}
