//! File uploads: what a file is by its content, and virus scanning with a
//! real clamd (started by the test, with a database of its own).

mod common;

use actix_wizard::page::CompletePage;
use actix_wizard::testing::TestApp;
use actix_wizard::upload::{
    ClamAv, FileKind, ScanError, Scanner, Staging, Upload, Uploads, Verdict,
};
use actix_wizard::{Finish, FinishError, Step, Steps, Wizard, WizardConfig};
use common::servers::{TempDir, eicar, own_clamd};
use serde::{Deserialize, Serialize};
use validator::Validate;

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "evidence", title = "Your evidence")]
struct Evidence {
    #[field(
        label = "Upload a receipt",
        subject = "a receipt",
        accept = "pdf, png",
        max_size = 4000
    )]
    #[validate(required)]
    receipt: Option<Upload>,
    #[field(label = "Notes")]
    #[validate(length(max = 20))]
    notes: String,
}

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "check", title = "Check your answers")]
struct Check {}

#[derive(Default)]
struct Claim {
    evidence: Evidence,
    check: Check,
}

impl Wizard for Claim {
    const ID: &'static str = "uploads-claim";
    type Outcome = String;
    fn steps() -> Steps<Self> {
        Steps::<Self>::new()
            .step(|c| &mut c.evidence)
            .step(|c| &mut c.check)
    }
    async fn finish(self, finish: &Finish) -> Result<String, FinishError> {
        let Some(receipt) = self.evidence.receipt else {
            return Err(FinishError::failed("no receipt"));
        };
        finish.keep_file(&receipt, "kept/receipt.pdf").await?;
        Ok(receipt.name().to_owned())
    }
    fn render_complete(name: &String, page: &CompletePage<'_>) -> Result<String, askama::Error> {
        page.confirmation("Done", "Done", format_args!("Kept {name}"))
    }
}

#[derive(Default, Serialize, Deserialize, Validate, Step)]
#[step(name = "document", title = "Add a document")]
struct Document {
    #[field(label = "Document", subject = "a document", accept = "pdf")]
    #[validate(required)]
    file: Option<Upload>,
    #[field(label = "Title")]
    #[validate(length(max = 10))]
    title: String,
}

#[derive(Default)]
struct Doc {
    document: Document,
}

#[derive(Default)]
struct Pack {
    docs: Vec<Doc>,
    check: Check,
}

impl Wizard for Pack {
    const ID: &'static str = "uploads-pack";
    type Outcome = usize;
    fn steps() -> Steps<Self> {
        let documents = actix_wizard::Repeat::new("documents", "Your documents")
            .noun("Document")
            .summary(|doc: &Doc| {
                let name = doc.document.file.as_ref().map(|f| f.name().to_owned());
                actix_wizard::Summary::new(name.unwrap_or_default(), "")
            })
            .step(|doc| &mut doc.document);
        Steps::<Self>::new()
            .repeat(|p| &mut p.docs, documents)
            .step(|p| &mut p.check)
    }
    async fn finish(self, _: &Finish) -> Result<usize, FinishError> {
        Ok(self.docs.len())
    }
    fn render_complete(count: &usize, page: &CompletePage<'_>) -> Result<String, askama::Error> {
        page.confirmation("Done", "Done", format_args!("{count} documents"))
    }
}

/// The claim with its files staged in a directory of the test's own
/// (kept alive with the app), scanned by `scanner` when given.
async fn app(scanner: Option<ClamAv>) -> (TestApp, TempDir) {
    let dir = TempDir::new("staging");
    let staging = Staging::local(&dir.0).unwrap_or_else(|e| panic!("{e}"));
    let mut uploads = Uploads::new(staging).request_limit(20_000);
    if let Some(scanner) = scanner {
        uploads = uploads.scanner(scanner);
    }
    let config = WizardConfig::default().uploads(uploads);
    let app = common::kit::app_of::<Claim>("/evidence", config).await;
    (app, dir)
}

/// How many files are staged under `dir` (not the sweeper's marks).
fn staged(dir: &TempDir) -> usize {
    common::mail::staged(&dir.0)
}

/// A PDF with `inside` in its body.
fn pdf_with(inside: &[u8]) -> Vec<u8> {
    let mut pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nstream\n".to_vec();
    pdf.extend_from_slice(inside);
    pdf.extend_from_slice(b"\nendstream\nendobj\n%%EOF\n");
    pdf
}

async fn scan(clamd: &ClamAv, chunks: &[&[u8]]) -> Result<Verdict, ScanError> {
    let mut scan = clamd.start().await?;
    for chunk in chunks {
        scan.feed(chunk).await?;
    }
    scan.verdict().await
}

#[actix_rt::test]
async fn clamd_finds_the_test_virus_inside_a_pdf_fed_in_chunks() {
    let Some(server) = own_clamd() else { return };
    let clamd = ClamAv::from_address(&format!("tcp://127.0.0.1:{}", server.port))
        .unwrap_or_else(|| panic!("an address"));
    let infected = pdf_with(&eicar());
    // The type check lets it through: it is a PDF.
    assert_eq!(FileKind::of(&infected), Some(FileKind::Pdf));
    let (head, tail) = infected.split_at(20);
    let (middle, end) = tail.split_at(30);
    let verdict = scan(&clamd, &[head, middle, end]).await;
    match verdict {
        Ok(Verdict::Infected(name)) => assert!(name.contains("EICAR"), "{name}"),
        other => panic!("the test virus was not found: {other:?}"),
    }
    let clean = pdf_with(b"a receipt for a taxi, 45.00");
    assert_eq!(scan(&clamd, &[&clean]).await.ok(), Some(Verdict::Clean));
    // Nothing at all is clean too.
    assert_eq!(scan(&clamd, &[]).await.ok(), Some(Verdict::Clean));
}

#[actix_rt::test]
async fn a_scanner_that_does_not_answer_gives_no_verdict() {
    // Nothing listens on the port.
    let port = common::servers::free_port();
    let nobody = ClamAv::from_address(&format!("tcp://127.0.0.1:{port}"))
        .unwrap_or_else(|| panic!("an address"));
    let refused = scan(&nobody, &[b"%PDF-1.4"]).await;
    assert!(
        matches!(refused, Err(ScanError::Unreachable(_))),
        "{refused:?}"
    );
    // Something listens and never answers: the time limit ends the wait.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
    let silent = ClamAv::from_address(&format!("tcp://127.0.0.1:{port}"))
        .unwrap_or_else(|| panic!("an address"))
        .time_limit(std::time::Duration::from_millis(300));
    let waited = scan(&silent, &[b"%PDF-1.4"]).await;
    assert!(
        matches!(waited, Err(ScanError::Unreachable(_))),
        "{waited:?}"
    );
    drop(listener);
}

#[actix_rt::test]
async fn a_file_is_uploaded_held_across_an_error_and_shown_by_its_name() {
    let (app, dir) = app(None).await;
    let mut visitor = app.visitor::<Claim>("/evidence");
    let page = visitor.open("/evidence").await;
    assert!(
        page.body().contains(r#"enctype="multipart/form-data""#),
        "{}",
        page.body()
    );
    assert!(
        page.body()
            .contains(r#"type="file" id="receipt" name="receipt" accept=".pdf,.png""#)
    );
    // Nothing chosen.
    visitor
        .submit_files(&[], &[])
        .await
        .assert_status(422)
        .assert_error("receipt", "Select a receipt");
    // A file with notes too long: the file is held, the page says so.
    let receipt = pdf_with(b"taxi, 45.00");
    let held = visitor
        .submit_files(
            &[("notes", "far too long for the notes")],
            &[("receipt", "taxi.pdf", &receipt)],
        )
        .await;
    held.assert_status(422)
        .assert_error("notes", "Notes must be 20 characters or fewer");
    assert!(held.text().contains("taxi.pdf"), "{}", held.describe());
    assert!(held.error("receipt").is_none());
    assert_eq!(staged(&dir), 1);
    // Sent again without a file: the held one is kept.
    let check = visitor.submit_files(&[("notes", "Taxi")], &[]).await;
    check.assert_step("check");
    let answers = check.answers();
    assert!(
        answers.contains(&("Upload a receipt".to_owned(), "taxi.pdf".to_owned())),
        "{answers:?}"
    );
    let done = visitor.press("finish", &[]).await;
    done.assert_complete();
    assert!(done.text().contains("Kept taxi.pdf"));
    // The finish kept its copy; the staged file is gone.
    let kept = std::fs::read(dir.0.join("kept/receipt.pdf")).unwrap_or_default();
    assert_eq!(kept, receipt);
    assert_eq!(staged(&dir), 1, "only the kept copy is left");
}

#[actix_rt::test]
async fn refused_files_get_gov_uk_messages_and_keep_the_file_held() {
    let (app, dir) = app(None).await;
    let mut visitor = app.visitor::<Claim>("/evidence");
    visitor.open("/evidence").await;
    let words = b"not a document".repeat(50);
    let large = pdf_with(&[b'x'; 5000]);
    for (file, message) in [
        (&words[..], "The selected file must be a PDF or PNG"),
        (&large[..], "The selected file must be smaller than 4 KB"),
        (&b""[..], "The selected file is empty"),
    ] {
        let page = visitor
            .submit_files(&[], &[("receipt", "x.pdf", file)])
            .await;
        page.assert_status(422).assert_error("receipt", message);
    }
    assert_eq!(staged(&dir), 0);
    // A held file stays when a replacement is refused, and goes when the
    // visitor removes it, or replaces it with another.
    visitor
        .submit_files(
            &[("notes", "far too long for the notes")],
            &[("receipt", "a.pdf", &pdf_with(b"a"))],
        )
        .await;
    let refused = visitor
        .submit_files(&[], &[("receipt", "b.pdf", &words)])
        .await;
    refused.assert_error("receipt", "The selected file must be a PDF or PNG");
    assert!(refused.text().contains("a.pdf"), "{}", refused.describe());
    assert_eq!(staged(&dir), 1);
    visitor
        .submit_files(
            &[("notes", "far too long for the notes")],
            &[("receipt", "c.pdf", &pdf_with(b"c"))],
        )
        .await;
    assert_eq!(staged(&dir), 1, "the replaced file is deleted");
    let removed = visitor.press_with_files("remove-receipt", &[], &[]).await;
    removed.assert_step("evidence");
    assert!(!removed.text().contains("c.pdf"), "{}", removed.describe());
    assert_eq!(staged(&dir), 0);
}

#[actix_rt::test]
async fn a_client_cannot_name_a_file_it_did_not_upload() {
    let (app, _dir) = app(None).await;
    let mut visitor = app.visitor::<Claim>("/evidence");
    visitor.open("/evidence").await;
    let forged = "pdf 10 staging/another-run/abc theirs.pdf";
    visitor
        .submit_pairs(&[("receipt", forged), ("notes", "x")])
        .await
        .assert_status(422)
        .assert_error("receipt", "Select a receipt");
}

#[actix_rt::test]
async fn a_virus_is_refused_and_a_silent_scanner_is_a_503_that_keeps_the_run() {
    let Some(server) = own_clamd() else { return };
    let clamd = ClamAv::from_address(&format!("tcp://127.0.0.1:{}", server.port))
        .unwrap_or_else(|| panic!("an address"));
    let (app, dir) = app(Some(clamd)).await;
    let mut visitor = app.visitor::<Claim>("/evidence");
    visitor.open("/evidence").await;
    let infected = pdf_with(&eicar());
    let page = visitor
        .submit_files(&[("notes", "x")], &[("receipt", "v.pdf", &infected)])
        .await;
    page.assert_status(422)
        .assert_error("receipt", "The selected file contains a virus");
    assert_eq!(staged(&dir), 0);
    drop(server);
    let down = visitor
        .submit_files(
            &[("notes", "kept")],
            &[("receipt", "ok.pdf", &pdf_with(b"ok"))],
        )
        .await;
    down.assert_status(503);
    assert_eq!(staged(&dir), 0);
    // The run is as it was: the page still shows what was typed before.
    let again = visitor.open("/evidence/evidence").await;
    assert_eq!(
        again.value("notes").as_deref(),
        Some("x"),
        "{}",
        again.describe()
    );
}

/// A body over the request's limit is refused as soon as its head says
/// so: 413, and the connection closes (a browser may show its own page).
#[actix_rt::test]
async fn a_body_over_the_request_limit_is_413_and_the_connection_closes() {
    use actix_web::{App, HttpServer};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = TempDir::new("staging-413");
    let staging = Staging::local(&dir.0).unwrap_or_else(|e| panic!("{e}"));
    let config = common::config().uploads(Uploads::new(staging).request_limit(20_000));
    let wizard = actix_wizard::WizardService::<Claim>::new("/evidence", config.clone());
    let store = actix_wizard::MemoryStore::default();
    let server = HttpServer::new(move || {
        App::new()
            .wrap(actix_wizard::http::session_middleware(
                store.clone(),
                common::key(),
                &config,
            ))
            .service(wizard.clone())
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .unwrap_or_else(|e| panic!("bind: {e}"));
    let address = server.addrs()[0];
    actix_rt::spawn(server.run());
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let head = "POST /evidence/evidence HTTP/1.1\r\nHost: x\r\n\
                Content-Type: multipart/form-data; boundary=B\r\nContent-Length: 10485760\r\n\r\n--B\r\n";
    stream
        .write_all(head.as_bytes())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // The server answers and closes without the rest of the body.
    let mut answer = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        stream.read_to_end(&mut answer),
    )
    .await;
    assert!(read.is_ok(), "the connection was not closed");
    let answer = String::from_utf8_lossy(&answer).to_ascii_lowercase();
    assert!(answer.starts_with("http/1.1 413"), "{answer}");
    assert!(answer.contains("connection: close"), "{answer}");
}

#[actix_rt::test]
async fn a_file_sent_before_the_token_is_403_and_nothing_is_kept() {
    let (app, dir) = app(None).await;
    let mut visitor = app.visitor::<Claim>("/evidence");
    let page = visitor.open("/evidence").await;
    let token = page.csrf_token().unwrap_or_default();
    let mut body =
        b"--B\r\nContent-Disposition: form-data; name=\"receipt\"; filename=\"a.pdf\"\r\n\r\n"
            .to_vec();
    body.extend_from_slice(&pdf_with(b"early"));
    body.extend_from_slice(
        format!("\r\n--B\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n--B--\r\n")
            .as_bytes(),
    );
    let refused = visitor
        .fetch("/evidence/evidence", move |request| {
            request
                .method(actix_web::http::Method::POST)
                .insert_header(("Content-Type", "multipart/form-data; boundary=B"))
                .set_payload(body)
        })
        .await;
    refused.assert_status(403);
    assert_eq!(staged(&dir), 0);
}

#[test]
fn a_file_field_without_uploads_configured_is_refused_at_start_up() {
    let panic = common::kit::refusal_of::<Claim>();
    assert!(
        panic.contains("step `evidence` has a file field (`receipt`): say where files go with WizardConfig::uploads"),
        "{panic}"
    );
}

#[actix_rt::test]
async fn a_held_file_gone_from_staging_is_asked_for_again_at_the_finish() {
    let (app, dir) = app(None).await;
    let mut visitor = app.visitor::<Claim>("/evidence");
    visitor.open("/evidence").await;
    let receipt = pdf_with(b"lunch");
    visitor
        .submit_files(&[("notes", "Lunch")], &[("receipt", "lunch.pdf", &receipt)])
        .await
        .assert_step("check");
    // The staged file disappears (a store's own expiry, an operator).
    std::fs::remove_dir_all(&dir.0).unwrap_or_else(|e| panic!("{e}"));
    let refused = visitor.press("finish", &[]).await;
    refused.assert_step("evidence").assert_error(
        "receipt",
        "The file you uploaded is no longer here: select it again",
    );
    assert_eq!(app.all_finishes(), 0);
}

#[actix_rt::test]
async fn an_items_file_goes_with_the_item_and_refusals_are_told_to_the_hooks() {
    let dir = TempDir::new("staging-items");
    let staging = Staging::local(&dir.0).unwrap_or_else(|e| panic!("{e}"));
    let config = WizardConfig::default().uploads(Uploads::new(staging));
    let app = common::kit::app_of::<Pack>("/pack", config).await;
    let mut visitor = app.visitor::<Pack>("/pack");
    visitor.open("/pack").await.assert_step("document");
    let refused = visitor
        .submit_files(&[], &[("file", "a.png", b"\x89PNG\r\n\x1a\n")])
        .await;
    refused.assert_error("file", "The selected file must be a PDF");
    let list = visitor
        .submit_files(&[], &[("file", "lease.pdf", &pdf_with(b"lease"))])
        .await;
    list.assert_step("documents");
    assert_eq!(list.items(), [("lease.pdf".to_owned(), String::new())]);
    assert_eq!(staged(&dir), 1);
    let remove = list.link("Remove lease.pdf").unwrap_or_default();
    visitor.open(&remove).await;
    visitor.submit_pairs(&[("confirm", "yes")]).await;
    assert_eq!(staged(&dir), 0, "the removed item's file is deleted");
    let refusals: Vec<_> = app
        .events()
        .into_iter()
        .filter(|event| event.kind == "file_refused")
        .collect();
    assert_eq!(refusals.len(), 1, "{refusals:?}");
    assert_eq!(refusals[0].fields, ["file"]);
    assert_eq!(refusals[0].codes, [Some("kind".to_owned())]);
}

#[actix_rt::test]
async fn a_file_on_the_first_step_of_an_item_not_made_yet_is_held_across_an_error() {
    let dir = TempDir::new("staging-fresh");
    let staging = Staging::local(&dir.0).unwrap_or_else(|e| panic!("{e}"));
    let config = WizardConfig::default().uploads(Uploads::new(staging));
    let app = common::kit::app_of::<Pack>("/pack", config).await;
    let mut visitor = app.visitor::<Pack>("/pack");
    visitor.open("/pack").await.assert_step("document");
    let lease = pdf_with(b"lease");
    let refused = visitor
        .submit_files(
            &[("title", "a title far too long")],
            &[("file", "lease.pdf", &lease)],
        )
        .await;
    refused
        .assert_status(422)
        .assert_error("title", "Title must be 10 characters or fewer");
    assert!(
        refused.text().contains("lease.pdf"),
        "{}",
        refused.describe()
    );
    // Coming back to the wizard, the new item's page still holds it, and
    // what was typed.
    let again = visitor.open("/pack").await;
    again.assert_step("document");
    assert!(again.text().contains("lease.pdf"), "{}", again.describe());
    assert_eq!(
        again.value("title").as_deref(),
        Some("a title far too long")
    );
    // Sent again without the file: the item is made with it.
    let list = visitor.submit_files(&[("title", "Lease")], &[]).await;
    list.assert_step("documents");
    assert_eq!(list.items(), [("lease.pdf".to_owned(), String::new())]);
    assert_eq!(staged(&dir), 1);
}

#[actix_rt::test]
async fn a_json_client_sends_files_as_multipart_and_reads_the_held_file() {
    let (app, _dir) = app(None).await;
    let mut visitor = app.visitor::<Claim>("/evidence");
    visitor.use_json();
    visitor.open("/evidence").await;
    let receipt = pdf_with(b"json");
    let page = visitor
        .press_with_files(
            "next",
            &[("notes", "far too long for the notes")],
            &[("receipt", "j.pdf", &receipt)],
        )
        .await;
    page.assert_status(422);
    let document = page.json().unwrap_or_default();
    let fields = document["fields"].as_array().cloned().unwrap_or_default();
    let receipt_field = fields
        .iter()
        .find(|f| f["name"] == "receipt")
        .cloned()
        .unwrap_or_default();
    assert_eq!(receipt_field["kind"], "file");
    assert_eq!(receipt_field["value"]["name"], "j.pdf", "{document}");
    assert_eq!(receipt_field["value"]["size"], receipt.len());
}

/// Waits until every run that holds a file has its mark beside it (the
/// mark is written in the background after each write of the run).
async fn wait_for_marks(dir: &TempDir, runs: usize) {
    let marks = || {
        std::fs::read_dir(dir.0.join("staging")).map_or(0, |entries| {
            entries
                .flatten()
                .filter(|run| run.path().join("seen").exists())
                .count()
        })
    };
    common::wait::until("every run's uploads mark is written", || async {
        marks() == runs
    })
    .await;
}

#[actix_rt::test]
async fn the_sweeper_keeps_live_runs_files_and_deletes_those_of_a_hundred_abandoned_ones() {
    use std::time::{Duration, SystemTime};
    let dir = TempDir::new("staging-sweep");
    let staging = Staging::local(&dir.0).unwrap_or_else(|e| panic!("{e}"));
    let config = WizardConfig::default().uploads(Uploads::new(staging.clone()));
    let app = common::kit::app_of::<Claim>("/evidence", config).await;
    for n in 0..100 {
        let mut visitor = app.visitor::<Claim>("/evidence");
        visitor.open("/evidence").await;
        let receipt = pdf_with(format!("receipt {n}").as_bytes());
        visitor
            .submit_files(
                &[("notes", "far too long for the notes")],
                &[("receipt", "r.pdf", &receipt)],
            )
            .await
            .assert_status(422);
    }
    assert_eq!(staged(&dir), 100);
    wait_for_marks(&dir, 100).await;
    let idle = Duration::from_secs(35 * 60);
    // Not idle yet: nothing goes.
    let now = staging
        .sweep(idle, SystemTime::now())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((now.runs, now.runs_gone, now.objects_deleted), (100, 0, 0));
    // Past the idle time and its margin, every file and mark goes.
    let later = SystemTime::now() + Duration::from_secs(36 * 60);
    let swept = staging
        .sweep(idle, later)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (swept.runs, swept.runs_gone, swept.objects_deleted),
        (100, 100, 200)
    );
    assert_eq!(staged(&dir), 0, "staged objects left after the sweep");
}

#[actix_rt::test]
async fn a_run_dropped_to_make_room_for_another_takes_its_files_with_it() {
    let dir = TempDir::new("staging-dropped");
    let staging = Staging::local(&dir.0).unwrap_or_else(|e| panic!("{e}"));
    let config = WizardConfig::default()
        .runs_per_tab(true)
        .max_runs(1)
        .uploads(Uploads::new(staging));
    let app = common::kit::app_of::<Claim>("/evidence", config).await;
    let mut first = app.visitor::<Claim>("/evidence");
    first.open("/evidence/new").await.assert_step("evidence");
    first
        .submit_files(
            &[("notes", "far too long for the notes")],
            &[("receipt", "a.pdf", &pdf_with(b"a"))],
        )
        .await
        .assert_status(422);
    assert_eq!(staged(&dir), 1);
    // Another tab's run stores its first answers: the session keeps one
    // run, so the first is dropped, and its file with it.
    let mut second = first.tab();
    second.open("/evidence/new").await.assert_step("evidence");
    second
        .submit_files(&[("notes", "x")], &[])
        .await
        .assert_status(422);
    common::wait::until("the dropped run's file is deleted", || async {
        staged(&dir) == 0
    })
    .await;
}
