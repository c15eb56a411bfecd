//! "Save and come back later": a run saved to a real database (SQLite, and
//! PostgreSQL where it runs), its link sent through a real SMTP server
//! (aiosmtpd, started by the test) and read from the message received,
//! resumed from the link by another browser.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use actix_wizard::page::CompletePage;
use actix_wizard::save_return::{
    LinkStatus, Mailer, Outbox, SaveAndReturn, SavedRun, SavedRuns, Sends, Smtp, SqlSavedRuns,
};
use actix_wizard::testing::TestApp;
use actix_wizard::{Finish, FinishError, Step, Steps, Wizard, WizardConfig};
use common::servers::{TempDir, free_port, own_smtp};
use futures_util::future::LocalBoxFuture;
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "details", title = "Your details")]
struct Details {
    #[field(label = "Full name")]
    #[validate(length(min = 1))]
    name: String,
    #[field(label = "Email address", kind = "email")]
    #[validate(email)]
    email: String,
}

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "story", title = "What happened")]
struct Story {
    #[field(label = "What happened")]
    #[validate(length(min = 1, max = 200))]
    text: String,
}

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "check", title = "Check your answers")]
struct Check {}

#[derive(Default)]
struct Report {
    details: Details,
    story: Story,
    check: Check,
}

impl Wizard for Report {
    const ID: &'static str = "save-return";
    type Outcome = String;
    fn steps() -> Steps<Self> {
        Steps::<Self>::new()
            .step(|r| &mut r.details)
            .step(|r| &mut r.story)
            .step(|r| &mut r.check)
    }
    async fn finish(self, _: &Finish) -> Result<String, FinishError> {
        Ok(format!("{}: {}", self.details.name, self.story.text))
    }
    fn render_complete(done: &String, page: &CompletePage<'_>) -> Result<String, askama::Error> {
        page.confirmation("Sent", "Sent", format_args!("Kept {done}"))
    }
}

/// Saved runs that count the statements each call costs (one each; the
/// purge two).
struct Counted {
    inner: SqlSavedRuns,
    statements: Arc<AtomicUsize>,
}

impl Counted {
    fn count(&self, n: usize) {
        self.statements.fetch_add(n, Ordering::SeqCst);
    }
}

impl SavedRuns for Counted {
    fn keep<'a>(&'a self, saved: &'a SavedRun) -> LocalBoxFuture<'a, anyhow::Result<()>> {
        self.count(1);
        self.inner.keep(saved)
    }
    fn find<'a>(&'a self, hash: &'a str) -> LocalBoxFuture<'a, anyhow::Result<Option<SavedRun>>> {
        self.count(1);
        self.inner.find(hash)
    }
    fn miss<'a>(&'a self, hash: &'a str, most: u32) -> LocalBoxFuture<'a, anyhow::Result<u32>> {
        self.count(1);
        self.inner.miss(hash, most)
    }
    fn take<'a>(
        &'a self,
        hash: &'a str,
        now: u64,
    ) -> LocalBoxFuture<'a, anyhow::Result<Option<SavedRun>>> {
        self.count(1);
        self.inner.take(hash, now)
    }
    fn finished<'a>(&'a self, run: &'a str) -> LocalBoxFuture<'a, anyhow::Result<()>> {
        self.count(1);
        self.inner.finished(run)
    }
    fn sends<'a>(
        &'a self,
        senders: &'a [String],
        since: u64,
    ) -> LocalBoxFuture<'a, anyhow::Result<Vec<Sends>>> {
        self.count(1);
        self.inner.sends(senders, since)
    }
    fn sent<'a>(
        &'a self,
        senders: &'a [String],
        at: u64,
    ) -> LocalBoxFuture<'a, anyhow::Result<()>> {
        self.count(1);
        self.inner.sent(senders, at)
    }
    fn purge<'a>(&'a self, now: u64, before: u64) -> LocalBoxFuture<'a, anyhow::Result<u64>> {
        self.count(2);
        self.inner.purge(now, before)
    }
}

struct Fixture {
    app: TestApp,
    saved: SqlSavedRuns,
    statements: Arc<AtomicUsize>,
    maildir: std::path::PathBuf,
    _smtp: common::servers::ServerProcess,
}

/// The wizard with saved runs in an in-memory SQLite database, links sent
/// through a real SMTP server of the test's own.
async fn fixture() -> Option<Fixture> {
    let (smtp, maildir) = own_smtp()?;
    let saved = common::mail::memory_saved_runs().await;
    let mailer = Smtp::new(
        &format!("smtp://127.0.0.1:{}", smtp.port),
        "Reports <no-reply@example.com>",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let statements = Arc::new(AtomicUsize::new(0));
    let counted = Counted {
        inner: saved.clone(),
        statements: Arc::clone(&statements),
    };
    let save = SaveAndReturn::new(counted, mailer).email_from("details", "email");
    let config = WizardConfig::default().save_and_return(save);
    let app = common::kit::app_of::<Report>("/report", config).await;
    Some(Fixture {
        app,
        saved,
        statements,
        maildir,
        _smtp: smtp,
    })
}

/// The messages the SMTP server received, decoded: (to, subject, body).
fn messages(maildir: &std::path::Path) -> Vec<(String, String, String)> {
    common::mail::letters_in(&maildir.join("new"))
}

/// The path of the link in the newest message.
fn newest_link(maildir: &std::path::Path) -> String {
    common::mail::newest_link(&maildir.join("new"), "/report/resume/")
}

/// Answers the details and types on the story, then saves to the address.
async fn save_run(visitor: &mut actix_wizard::testing::Visitor<'_, Report>, address: &str) {
    visitor.open("/report").await;
    visitor
        .submit_pairs(&[("name", "Ann Example"), ("email", "ann@example.com")])
        .await
        .assert_step("story");
    let ask = visitor.press("save", &[("text", "The roof leaked")]).await;
    ask.assert_status(200);
    assert!(
        ask.url().starts_with("/report/save?from=%2Freport%2Fstory"),
        "{}",
        ask.url()
    );
    assert_eq!(ask.value("email").as_deref(), Some("ann@example.com"));
    let sent = visitor.submit_pairs(&[("email", address)]).await;
    sent.assert_status(200);
    assert!(sent.url().ends_with("/report/saved"), "{}", sent.describe());
}

#[actix_rt::test]
async fn a_saved_run_resumes_in_another_browser_from_the_link_in_the_email() {
    let Some(f) = fixture().await else { return };
    let mut first = f.app.visitor::<Report>("/report");
    let views_before = f.statements.load(Ordering::SeqCst);
    first.open("/report").await;
    assert_eq!(
        f.statements.load(Ordering::SeqCst),
        views_before,
        "a page view costs no statement"
    );
    save_run(&mut first, "ann@example.com").await;
    let sent = first.page();
    assert!(
        sent.text().contains("a***@example.com"),
        "{}",
        sent.describe()
    );
    let per_save = f.statements.load(Ordering::SeqCst) - views_before;
    assert_eq!(per_save, 3, "statements per save");
    let mail = messages(&f.maildir);
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].0, "ann@example.com");
    let link = newest_link(&f.maildir);
    // Another browser: the link alone shows nothing of the answers.
    let before_resume = f.statements.load(Ordering::SeqCst);
    let mut second = f.app.visitor::<Report>("/report");
    let asked = second.open(&link).await;
    asked.assert_status(200);
    assert!(
        asked.url().ends_with("/report/resume"),
        "the token leaves the address bar: {}",
        asked.url()
    );
    assert!(
        !asked.text().contains("Ann") && !asked.text().contains("roof"),
        "{}",
        asked.describe()
    );
    let wrong = second.submit_pairs(&[("email", "bob@example.com")]).await;
    wrong
        .assert_status(422)
        .assert_error("email", "Enter the email address the link was sent to");
    let resumed = second.submit_pairs(&[("email", " Ann@Example.com ")]).await;
    resumed.assert_step("story");
    assert_eq!(
        resumed.value("text").as_deref(),
        Some("The roof leaked"),
        "the draft came back"
    );
    let per_resume = f.statements.load(Ordering::SeqCst) - before_resume;
    // The link (1), the page (1), a wrong address (find, count: 2), the
    // right one (find, take: 2).
    assert_eq!(
        per_resume, 6,
        "statements from the link to the resumed page"
    );
    assert_eq!(second.run_id(), first.run_id(), "the run keeps its id");
    // The link works once.
    second.open(&link).await.assert_status(410);
    // Both copies finish once between them.
    second.open("/report/story").await;
    second
        .submit_pairs(&[("text", "The roof leaked")])
        .await
        .assert_step("check");
    second.press("finish", &[]).await.assert_complete();
    first.open("/report/story").await;
    first.submit_pairs(&[("text", "Another story")]).await;
    first.press("finish", &[]).await;
    let run = first.run_id().unwrap_or_default();
    assert_eq!(f.app.finishes(&run), 1, "one finish for the two copies");
    let events: Vec<&str> = f
        .app
        .events()
        .iter()
        .map(|e| e.kind)
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    assert!(
        events.contains(&"run_saved") && events.contains(&"run_resumed"),
        "{events:?}"
    );
    // Finished: the saved copy is dropped, and its link says so.
    let row: (String, String) =
        sqlx::query_as("SELECT status, sealed FROM wizard_saved_runs WHERE run_id = $1")
            .bind(&run)
            .fetch_one(f.saved.pool())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(row, ("finished".to_owned(), String::new()));
}

#[actix_rt::test]
async fn links_guessed_replaced_expired_or_answered_wrongly_do_not_open_the_run() {
    let Some(f) = fixture().await else { return };
    let mut visitor = f.app.visitor::<Report>("/report");
    save_run(&mut visitor, "ann@example.com").await;
    let old = newest_link(&f.maildir);
    // The saved row shows nothing in clear.
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT token_hash, email_tag, sealed FROM wizard_saved_runs")
            .fetch_all(f.saved.pool())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rows.len(), 1);
    let token = old.rsplit('/').next().unwrap_or_default();
    for column in [&rows[0].0, &rows[0].1, &rows[0].2] {
        assert!(!column.contains("Ann") && !column.contains("roof") && !column.contains("ann@"));
        assert!(!column.contains(token), "the token is kept only as a hash");
    }
    // The page to resume on is one of the run's, never another site's.
    for from in [
        "https%3A%2F%2Fevil.example%2Fx",
        "%2F%2Fevil.example",
        "%2Freport%2F..%2Fadmin",
    ] {
        let page = visitor.open(&format!("/report/save?from={from}")).await;
        assert!(
            !page.body().contains("evil") && !page.body().contains("admin"),
            "{}",
            page.body()
        );
    }
    // A newer save: the older link stops working.
    visitor.open("/report/story").await;
    visitor.press("save", &[("text", "Saved again")]).await;
    visitor.submit_pairs(&[("email", "ann@example.com")]).await;
    let newer = newest_link(&f.maildir);
    assert_ne!(old, newer);
    let mut other = f.app.visitor::<Report>("/report");
    other.open(&old).await.assert_status(404);
    // A guessed token.
    other
        .open("/report/resume/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .await
        .assert_status(404);
    // Five wrong addresses end the link.
    other.open(&newer).await.assert_status(200);
    for n in 1..=4 {
        let wrong = other
            .submit_pairs(&[("email", &format!("wrong{n}@example.com"))])
            .await;
        wrong.assert_status(422);
    }
    other
        .submit_pairs(&[("email", "wrong5@example.com")])
        .await
        .assert_status(410);
    other.open(&newer).await.assert_status(410);
    // Expired: a fresh save, then eight days on.
    visitor.open("/report/story").await;
    visitor.press("save", &[("text", "Third")]).await;
    visitor.submit_pairs(&[("email", "ann@example.com")]).await;
    let third = newest_link(&f.maildir);
    f.app.clock().advance(Duration::from_secs(8 * 24 * 3600));
    let mut late = f.app.visitor::<Report>("/report");
    late.open(&third).await.assert_status(410);
    let refused: Vec<Option<String>> = f
        .app
        .events()
        .into_iter()
        .filter(|e| e.kind == "link_refused")
        .flat_map(|e| e.codes)
        .collect();
    for reason in ["unknown", "wrong-address", "ended", "expired"] {
        assert!(
            refused.contains(&Some(reason.to_owned())),
            "{reason}: {refused:?}"
        );
    }
}

#[actix_rt::test]
async fn the_sixth_link_in_an_hour_is_refused_per_address_and_per_session() {
    let Some(f) = fixture().await else { return };
    let mut visitor = f.app.visitor::<Report>("/report");
    save_run(&mut visitor, "ann@example.com").await;
    for _ in 0..4 {
        visitor.open("/report/save").await;
        visitor
            .submit_pairs(&[("email", "ann@example.com")])
            .await
            .assert_status(200);
    }
    assert_eq!(messages(&f.maildir).len(), 5);
    visitor.open("/report/save").await;
    let refused = visitor.submit_pairs(&[("email", "ann@example.com")]).await;
    refused.assert_status(429);
    assert!(refused.header("Retry-After").is_some());
    assert!(
        refused.text().contains("Try again in 60 minutes"),
        "{}",
        refused.describe()
    );
    // The session's limit: another address is refused too.
    visitor.open("/report/save").await;
    let other = visitor.submit_pairs(&[("email", "bob@example.com")]).await;
    other.assert_status(429);
    // The address's limit holds in another session.
    let mut second = f.app.visitor::<Report>("/report");
    second.open("/report").await;
    second
        .submit_pairs(&[("name", "Ann"), ("email", "ann@example.com")])
        .await;
    second.press("save", &[("text", "x")]).await;
    second
        .submit_pairs(&[("email", "ann@example.com")])
        .await
        .assert_status(429);
    assert_eq!(messages(&f.maildir).len(), 5, "nothing more was sent");
    // A malformed address is an error on the page, and sends nothing.
    second.open("/report/save").await;
    let bad = second.submit_pairs(&[("email", "not an address")]).await;
    bad.assert_status(422).assert_error(
        "email",
        "Enter an email address in the correct format, like name@example.com",
    );
    // An hour on, a new session sends again.
    f.app.clock().advance(Duration::from_secs(3601));
    let mut later = f.app.visitor::<Report>("/report");
    save_run(&mut later, "ann@example.com").await;
    assert_eq!(messages(&f.maildir).len(), 6);
}

/// Saves to a mail server at `url` (given up on after `timeout`): the
/// page that answers, and the story step's value after it.
async fn save_through(url: &str, timeout: Duration) -> (u16, String, Option<String>) {
    let saved = common::mail::memory_saved_runs().await;
    let mailer =
        Smtp::with_timeout(url, "x@example.com", timeout).unwrap_or_else(|e| panic!("{e}"));
    let config = WizardConfig::default().save_and_return(SaveAndReturn::new(saved, mailer));
    let app = common::kit::app_of::<Report>("/report", config).await;
    let mut visitor = app.visitor::<Report>("/report");
    visitor.open("/report").await;
    visitor
        .submit_pairs(&[("name", "Ann Example"), ("email", "ann@example.com")])
        .await;
    visitor.press("save", &[("text", "Kept here")]).await;
    let failed = visitor.submit_pairs(&[("email", "ann@example.com")]).await;
    let (status, text) = (failed.status().as_u16(), failed.text());
    let back = visitor.open("/report/story").await;
    (status, text, back.value("text"))
}

#[actix_rt::test]
async fn a_mail_server_that_does_not_answer_is_a_page_that_loses_nothing() {
    // A port nobody listens on.
    let url = format!("smtp://127.0.0.1:{}", free_port());
    let (status, text, kept) = save_through(&url, Duration::from_secs(2)).await;
    assert_eq!(status, 503);
    assert!(text.contains("Nothing is lost"), "{text}");
    assert_eq!(kept.as_deref(), Some("Kept here"));
}

/// A mail server that takes the connection and says nothing: the
/// mailer's timeout ends the wait, and the page says the link was not
/// sent.
#[actix_rt::test]
async fn a_mail_server_that_never_answers_times_out_into_a_page() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let port = silent.local_addr().map(|a| a.port()).unwrap_or_default();
    // Accepts, and keeps the connections open without a word.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in silent.incoming().flatten() {
            held.push(stream);
        }
    });
    let url = format!("smtp://127.0.0.1:{port}");
    let (status, text, kept) = save_through(&url, Duration::from_secs(1)).await;
    assert_eq!(status, 503);
    assert!(text.contains("could not send the link"), "{text}");
    assert_eq!(kept.as_deref(), Some("Kept here"));
}

#[actix_rt::test]
async fn the_outbox_writes_each_message_as_an_eml_file() {
    let dir = TempDir::new("outbox");
    let outbox =
        Outbox::new(&dir.0, "Reports <no-reply@example.com>").unwrap_or_else(|e| panic!("{e}"));
    let letter = actix_wizard::save_return::Letter {
        to: "ann@example.com".into(),
        subject: "Your saved answers".into(),
        body: "Use this link: http://localhost/report/resume/abc".into(),
    };
    outbox.send(&letter).await.unwrap_or_else(|e| panic!("{e}"));
    let files: Vec<_> = std::fs::read_dir(&dir.0)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert_eq!(files.len(), 1);
    assert!(files[0].extension().is_some_and(|e| e == "eml"));
    let raw = std::fs::read(&files[0]).unwrap_or_default();
    let mail = mailparse::parse_mail(&raw).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        mail.get_body()
            .unwrap_or_default()
            .contains("/report/resume/abc")
    );
}

/// The crate's migration runs beside an application's own (sqlx keeps one
/// table of applied migrations), on PostgreSQL, and the store works there.
#[actix_rt::test]
async fn saved_runs_live_beside_an_applications_migrations_on_postgres() {
    use sqlx::migrate::Migrator;
    let Some(schema) = common::postgres::postgres_schema("saved").await else {
        return;
    };
    let scoped = common::postgres::postgres_url(common::postgres::postgres_addr(), &schema);
    let saved = SqlSavedRuns::connect(&scoped)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // An application's own migrations, as `sqlx migrate` keeps them.
    let dir = TempDir::new("app-migrations");
    std::fs::write(
        dir.0.join("1_claims.sql"),
        "CREATE TABLE claims (reference TEXT PRIMARY KEY);",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut app_migrator = Migrator::new(dir.0.clone())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    app_migrator.set_ignore_missing(true);
    app_migrator
        .run(saved.pool())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    saved.migrate().await.unwrap_or_else(|e| panic!("{e}"));
    // Both again, in either order: nothing to do, no complaint.
    app_migrator
        .run(saved.pool())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    saved.migrate().await.unwrap_or_else(|e| panic!("{e}"));
    let record = SavedRun {
        run: "run-1".into(),
        wizard: "claim".into(),
        page: "/claim/bank".into(),
        token_hash: "hash-1".into(),
        email_tag: "tag".into(),
        sealed: "sealed".into(),
        saved_at: 100,
        expires_at: 1000,
        wrong_tries: 0,
        status: LinkStatus::Live,
    };
    saved.keep(&record).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(saved.miss("hash-1", 5).await.ok(), Some(1));
    let taken = saved
        .take("hash-1", 500)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        taken.map(|t| (t.run, t.status, t.wrong_tries)),
        Some(("run-1".into(), LinkStatus::Used, 1))
    );
    assert!(
        saved
            .take("hash-1", 500)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .is_none(),
        "once"
    );
    let senders = ["a".to_owned(), "b".to_owned()];
    saved
        .sent(&senders, 100)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    saved
        .sent(&senders[..1], 200)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let sends = saved
        .sends(&senders, 50)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        sends,
        [
            Sends {
                count: 2,
                oldest: Some(100)
            },
            Sends {
                count: 1,
                oldest: Some(100)
            }
        ]
    );
    assert_eq!(saved.purge(2000, 150).await.ok(), Some(1));
    common::postgres::drop_schema(&schema).await;
}

#[actix_rt::test]
async fn a_json_client_saves_and_reads_where_the_link_went() {
    let Some(f) = fixture().await else { return };
    let mut client = f.app.visitor::<Report>("/report");
    client.use_json();
    client.open("/report").await;
    let details =
        serde_json::json!({"action": "next", "name": "Ann Example", "email": "ann@example.com"});
    client
        .post_json("/report/details", &details)
        .await
        .assert_status(200);
    let save = serde_json::json!({"action": "save", "text": "Half written"});
    let ask = client.post_json("/report/story", &save).await;
    ask.assert_status(200);
    let document = ask.json().unwrap_or_default();
    assert_eq!(document["page"], "save", "{document}");
    assert_eq!(document["fields"][0]["value"], "ann@example.com");
    assert_eq!(document["from"], "/report/story");
    let url = document["url"].as_str().unwrap_or_default().to_owned();
    let wrong = client
        .post_json(&url, &serde_json::json!({"email": "nope"}))
        .await;
    wrong.assert_status(422);
    let wrong = wrong.json().unwrap_or_default();
    assert_eq!(
        wrong["fields"][0]["error"],
        "Enter an email address in the correct format, like name@example.com"
    );
    let sent = client
        .post_json(
            &url,
            &serde_json::json!({"email": "ann@example.com", "from": "/report/story"}),
        )
        .await;
    sent.assert_status(200);
    let sent = sent.json().unwrap_or_default();
    assert_eq!(sent["page"], "saved", "{sent}");
    assert_eq!(sent["sent_to"], "a***@example.com");
    assert!(
        sent["until"]
            .as_str()
            .is_some_and(|until| until.ends_with("2026") || until.ends_with("2027"))
    );
    assert_eq!(messages(&f.maildir).len(), 1);
}

/// The kit's way: a mailbag for a mailer, a visitor that saves, another
/// that resumes. Runs per tab: the saved run resumes into its own tab.
#[actix_rt::test]
async fn the_kit_saves_and_resumes_and_a_tabs_run_resumes_in_its_own_tab() {
    use actix_wizard::testing::Mailbag;
    let saved = common::mail::memory_saved_runs().await;
    let mailbag = Mailbag::new();
    let config = WizardConfig::default()
        .runs_per_tab(true)
        .save_and_return(SaveAndReturn::new(saved, mailbag.clone()));
    let app = common::kit::app_of::<Report>("/report", config).await;
    let mut visitor = app.visitor::<Report>("/report");
    let first = visitor.open("/report").await;
    let tab = first
        .url()
        .split("/details")
        .next()
        .unwrap_or_default()
        .to_owned();
    assert!(tab.starts_with("/report/r/"), "{tab}");
    visitor
        .submit_pairs(&[("name", "Ann Example"), ("email", "ann@example.com")])
        .await
        .assert_step("story");
    let sent = visitor.save_for_later("ann@example.com").await;
    sent.assert_status(200);
    let link = mailbag
        .newest_link()
        .unwrap_or_else(|| panic!("no link: {:?}", mailbag.letters()));
    assert!(link.starts_with(&format!("{tab}/resume/")), "{link}");
    let mut elsewhere = app.visitor::<Report>("/report");
    let resumed = elsewhere.resume(&link, "ann@example.com").await;
    resumed.assert_step("story");
    assert_eq!(
        resumed.url(),
        format!("{tab}/story"),
        "the run is back in its own tab"
    );
    assert_eq!(elsewhere.run_id(), visitor.run_id());
}

/// htmx: Save swaps the save page in as a fragment (no second layout
/// inside the page), and the page it sends to does too.
#[actix_rt::test]
async fn an_htmx_page_saves_through_fragments() {
    use actix_wizard::testing::Mailbag;
    let saved = common::mail::memory_saved_runs().await;
    let mailbag = Mailbag::new();
    let config =
        WizardConfig::default().save_and_return(SaveAndReturn::new(saved, mailbag.clone()));
    let app = common::kit::app_of::<Report>("/report", config).await;
    let mut visitor = app.visitor::<Report>("/report");
    visitor.use_htmx();
    visitor.open("/report").await;
    visitor
        .submit_pairs(&[("name", "Ann Example"), ("email", "ann@example.com")])
        .await
        .assert_step("story");
    let ask = visitor.press("save", &[("text", "Swapped")]).await;
    assert!(ask.url().starts_with("/report/save"), "{}", ask.describe());
    assert!(!ask.body().contains("<html"), "a fragment: {}", ask.body());
    assert!(ask.body().contains("Save your answers and come back later"));
    let sent = visitor.submit_pairs(&[("email", "ann@example.com")]).await;
    assert!(sent.url().ends_with("/report/saved"), "{}", sent.describe());
    assert!(!sent.body().contains("<html"), "{}", sent.body());
    assert_eq!(mailbag.letters().len(), 1);
}
