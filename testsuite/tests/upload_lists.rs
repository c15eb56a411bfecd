//! A list of files (`Vec<Upload>`): one input that takes several, each
//! post adding to those held, each held file removed on its own, and
//! validator's `length` rule bounding how many.

mod common;

use actix_wizard::page::CompletePage;
use actix_wizard::testing::Seen;
use actix_wizard::upload::{Staging, Upload, Uploads};
use actix_wizard::{Finish, FinishError, Step, Steps, Wizard, WizardConfig};
use common::servers::TempDir;
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "damage", title = "Photos of the damage")]
struct Damage {
    #[field(
        label = "Photos of the damage",
        subject = "photos",
        accept = "jpeg, png"
    )]
    #[validate(length(min = 1, max = 3))]
    photos: Vec<Upload>,
    #[field(label = "What happened")]
    #[validate(length(max = 20))]
    notes: String,
}

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "check", title = "Check your answers")]
struct Check {}

#[derive(Default)]
struct Report {
    damage: Damage,
    check: Check,
}

impl Wizard for Report {
    const ID: &'static str = "upload-lists";
    type Outcome = Vec<String>;
    fn steps() -> Steps<Self> {
        Steps::<Self>::new()
            .step(|r| &mut r.damage)
            .step(|r| &mut r.check)
    }
    async fn finish(self, finish: &Finish) -> Result<Vec<String>, FinishError> {
        let mut names = Vec::new();
        for (n, photo) in self.damage.photos.iter().enumerate() {
            finish.keep_file(photo, &format!("kept/photo-{n}")).await?;
            names.push(photo.name().to_owned());
        }
        Ok(names)
    }
    fn render_complete(
        names: &Vec<String>,
        page: &CompletePage<'_>,
    ) -> Result<String, askama::Error> {
        page.confirmation("Done", "Done", format_args!("Kept {}", names.join(" and ")))
    }
}

/// A PNG (by its first bytes) carrying `marker`.
fn png(marker: &str) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.extend_from_slice(marker.as_bytes());
    bytes
}

/// How many files are staged under `dir` (not the sweeper's marks).
fn staged(dir: &TempDir) -> usize {
    common::mail::staged(&dir.0.join("staging"))
}

/// The Remove button's action for the held file named `name`.
fn remove_action(page: &Seen, name: &str) -> String {
    let body = page.body();
    let label = format!(">Remove {name}</button>");
    let end = body
        .find(&label)
        .unwrap_or_else(|| panic!("no Remove {name}: {body}"));
    let start = body[..end].rfind("value=\"").unwrap_or(end) + "value=\"".len();
    body[start..end].trim_end_matches('"').to_owned()
}

async fn app() -> (actix_wizard::testing::TestApp, TempDir) {
    let dir = TempDir::new("staging-lists");
    let staging = Staging::local(&dir.0).unwrap_or_else(|e| panic!("{e}"));
    let config = WizardConfig::default().uploads(Uploads::new(staging));
    let app = common::kit::app_of::<Report>("/report", config).await;
    (app, dir)
}

#[actix_rt::test]
async fn a_list_of_files_grows_by_each_post_and_loses_one_file_at_a_time() {
    let (app, dir) = app().await;
    let mut visitor = app.visitor::<Report>("/report");
    let page = visitor.open("/report").await;
    assert!(
        page.body()
            .contains(r#"name="photos" accept=".jpg,.jpeg,.png" multiple"#),
        "{}",
        page.body()
    );
    visitor
        .submit_files(&[], &[])
        .await
        .assert_status(422)
        .assert_error("photos", "Select photos");
    // Two at once, held across another field's error.
    let too_long = [("notes", "far too long for these notes")];
    let two = [
        ("photos", "door.png", &png("door")[..]),
        ("photos", "roof.png", &png("roof")[..]),
    ];
    let held = visitor.submit_files(&too_long, &two).await;
    held.assert_status(422);
    assert!(held.error("photos").is_none(), "{}", held.describe());
    assert!(held.text().contains("door.png") && held.text().contains("roof.png"));
    // One more: three held.
    let wall = [("photos", "wall.png", &png("wall")[..])];
    visitor
        .submit_files(&too_long, &wall)
        .await
        .assert_status(422);
    assert_eq!(staged(&dir), 3);
    // A fourth is more than the list takes: refused, not kept.
    let fourth = [("photos", "gate.png", &png("gate")[..])];
    let full = visitor.submit_files(&too_long, &fourth).await;
    full.assert_error("photos", "You can only add up to 3 files");
    assert!(!full.text().contains("gate.png"), "{}", full.describe());
    assert_eq!(staged(&dir), 3);
    // A refused file is named in the message; those held stay.
    let words = [("photos", "notes.png", &b"just words, no picture"[..])];
    let refused = visitor.submit_files(&too_long, &words).await;
    refused.assert_error(
        "photos",
        "notes.png: The selected file must be a JPG or PNG",
    );
    assert!(refused.text().contains("wall.png"));
    // Remove the roof only.
    let action = remove_action(visitor.page(), "roof.png");
    assert!(action.starts_with("remove-photos/"), "{action}");
    let removed = visitor.press_with_files(&action, &[], &[]).await;
    removed.assert_step("damage");
    assert!(
        !removed.text().contains("roof.png"),
        "{}",
        removed.describe()
    );
    assert!(removed.text().contains("door.png") && removed.text().contains("wall.png"));
    assert_eq!(staged(&dir), 2);
    // On to the check page, which lists both; the finish keeps both.
    let check = visitor.submit_files(&[("notes", "A storm")], &[]).await;
    check.assert_step("check");
    let answers = check.answers();
    let row = (
        "Photos of the damage".to_owned(),
        "door.png, wall.png".to_owned(),
    );
    assert!(answers.contains(&row), "{answers:?}");
    let done = visitor.press("finish", &[]).await;
    done.assert_complete();
    assert!(
        done.text().contains("Kept door.png and wall.png"),
        "{}",
        done.describe()
    );
    assert_eq!(
        std::fs::read(dir.0.join("kept/photo-1")).unwrap_or_default(),
        png("wall")
    );
    assert_eq!(staged(&dir), 0, "the staged files go once they are kept");
}

#[actix_rt::test]
async fn a_json_client_reads_the_list_and_removes_a_file_by_its_id() {
    let (app, dir) = app().await;
    let mut visitor = app.visitor::<Report>("/report");
    visitor.use_json();
    visitor.open("/report").await;
    let two = [
        ("photos", "a.png", &png("a")[..]),
        ("photos", "b.jpg", &png("b")[..]),
    ];
    let page = visitor
        .press_with_files("next", &[("notes", "far too long for these notes")], &two)
        .await;
    page.assert_status(422);
    let document = page.json().unwrap_or_default();
    let fields = document["fields"].as_array().cloned().unwrap_or_default();
    let photos = fields
        .iter()
        .find(|f| f["name"] == "photos")
        .cloned()
        .unwrap_or_default();
    assert_eq!(photos["kind"], "files", "{document}");
    let held = photos["value"].as_array().cloned().unwrap_or_default();
    let names: Vec<&str> = held.iter().filter_map(|f| f["name"].as_str()).collect();
    assert_eq!(names, ["a.png", "b.jpg"]);
    let id = held[0]["id"].as_str().unwrap_or_default().to_owned();
    assert!(!id.is_empty() && !id.contains('/'), "{id}");
    visitor
        .press_with_files(&format!("remove-photos/{id}"), &[], &[])
        .await;
    assert_eq!(staged(&dir), 1);
    // An id the run does not hold removes nothing.
    visitor
        .press_with_files("remove-photos/not-one-of-ours", &[], &[])
        .await;
    assert_eq!(staged(&dir), 1);
}
