//! Reading a `multipart/form-data` body as a stream: its text parts into
//! a [`RawForm`], each file part checked and written to the staging store
//! (and to the scanner) as it arrives, never held whole.
//!
//! The CSRF token is checked before any file byte is stored: the page
//! places its hidden fields first, and a file part before a valid token
//! is 403. A file over its field's limit is read to its end and dropped
//! (a field error); a body over the request's limit is 413, and the
//! connection closes.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Instant;

use actix_multipart::{Field, Multipart};
use actix_web::HttpRequest;
use actix_web::error::PayloadError;
use actix_web::web::{self, Bytes};
use futures_util::{Stream, StreamExt};

use super::held::clean_name;
use super::scan::{Scan, Verdict};
use super::{FileKind, Scanner, Staging, Upload};
use crate::body::Pace;
use crate::form::RawForm;
use crate::problem::Problem;

/// What the upload of one field may be.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FileRule<'a> {
    /// The field's name.
    pub name: &'a str,
    /// The kinds it takes.
    pub accept: &'a [FileKind],
    /// Its largest file, in bytes.
    pub max_bytes: u64,
}

/// Where files go and how much a body may carry.
pub(crate) struct Receiver<'a> {
    pub staging: &'a Staging,
    pub scanner: Option<&'a dyn Scanner>,
    /// The whole body's limit, files included.
    pub request_limit: u64,
    /// The text parts' limit, together.
    pub text_limit: usize,
    /// The most parts.
    pub max_parts: usize,
    pub pace: Pace,
}

/// Why a file was not kept: a field error, the run untouched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    /// Not one of the field's kinds.
    Kind,
    /// Over the field's limit.
    TooLarge,
    /// No bytes.
    Empty,
    /// The scanner found this.
    Virus(String),
}

/// What came for a file field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Received {
    /// A file, kept in the staging store.
    File(Upload),
    /// A file, refused: why, and the name it came with.
    Refused(Refused, String),
}

/// How many of a file's first bytes decide its kind.
const HEAD: usize = 512;

/// Reads the body: its text parts, and what came for each file field of
/// `rules` (a part with no file chosen gives nothing; a file part of
/// another name is read and dropped). `token_ok` is asked, once, when the
/// first file part arrives, whether the text read so far carries a valid
/// token: it gives the id of the run the files are stored under.
pub(crate) async fn receive(
    request: &HttpRequest,
    payload: web::Payload,
    receiver: &Receiver<'_>,
    rules: &[FileRule<'_>],
    token_ok: &mut dyn FnMut(&RawForm) -> Option<String>,
) -> Result<(RawForm, Vec<(String, Received)>), Problem> {
    let declared = request
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > receiver.request_limit) {
        return Err(Problem::TooLarge);
    }
    let stopped = Rc::new(RefCell::new(None));
    let body = paced(payload, receiver, Rc::clone(&stopped));
    let mut parts = Multipart::new(request.headers(), body);
    let (mut form, mut received) = (RawForm::default(), Vec::new());
    let (mut text_bytes, mut count, mut run) = (0, 0, None);
    let why = |stopped: &Rc<RefCell<Option<Problem>>>| {
        stopped.borrow_mut().take().unwrap_or(Problem::Malformed)
    };
    while let Some(part) = parts.next().await {
        let mut part = part.map_err(|_| why(&stopped))?;
        count += 1;
        if count > receiver.max_parts {
            return Err(Problem::TooManyFields);
        }
        let name = part.name().unwrap_or_default().to_owned();
        let file = part.content_disposition().and_then(|d| d.get_filename());
        let Some(file) = file.map(str::to_owned) else {
            let text = read_text(&mut part, receiver.text_limit - text_bytes, &stopped).await?;
            text_bytes += text.len();
            form.push(name, text);
            continue;
        };
        if run.is_none() {
            run = token_ok(&form);
        }
        let Some(run) = run.as_deref() else {
            return Err(Problem::Csrf {
                form: request.path().to_owned(),
            });
        };
        let rule = rules.iter().find(|rule| rule.name == name);
        match rule {
            Some(rule) if !file.is_empty() => {
                let into = (receiver, run);
                let got = receive_file(&mut part, rule, into, &file, &stopped).await?;
                received.push((name, got));
            }
            _ => drain(&mut part, &stopped).await?,
        }
    }
    Ok((form, received))
}

/// The payload within the request's limit and pace; what stopped it is
/// left in `stopped` (the multipart reader only sees an error).
fn paced(
    payload: web::Payload,
    receiver: &Receiver<'_>,
    stopped: Rc<RefCell<Option<Problem>>>,
) -> impl Stream<Item = Result<Bytes, PayloadError>> + 'static {
    let (limit, pace) = (receiver.request_limit, receiver.pace);
    let state = (Some(payload), 0u64, Instant::now(), stopped);
    futures_util::stream::unfold(state, move |(payload, got, started, stopped)| async move {
        let mut payload = payload?;
        let stop = |problem: Problem, stopped: Rc<RefCell<Option<Problem>>>| {
            *stopped.borrow_mut() = Some(problem);
            let error = PayloadError::Io(std::io::ErrorKind::InvalidData.into());
            Some((Err(error), (None, got, started, stopped)))
        };
        let next = match actix_web::rt::time::timeout(pace.idle, payload.next()).await {
            Ok(next) => next?,
            Err(_) => return stop(Problem::SlowBody, stopped),
        };
        let Ok(chunk) = next else {
            return stop(Problem::Malformed, stopped);
        };
        let got = got + chunk.len() as u64;
        if got > limit {
            return stop(Problem::TooLarge, stopped);
        }
        if pace.too_slow(
            usize::try_from(got).unwrap_or(usize::MAX),
            started.elapsed(),
        ) {
            return stop(Problem::SlowBody, stopped);
        }
        Some((Ok(chunk), (Some(payload), got, started, stopped)))
    })
    // The multipart reader may ask again after the end.
    .fuse()
}

/// A text part, within what is left of the text limit.
async fn read_text(
    part: &mut Field,
    left: usize,
    stopped: &Rc<RefCell<Option<Problem>>>,
) -> Result<String, Problem> {
    let mut text = Vec::new();
    while let Some(chunk) = part.next().await {
        let chunk = chunk.map_err(|_| stopped.borrow_mut().take().unwrap_or(Problem::Malformed))?;
        if text.len() + chunk.len() > left {
            return Err(Problem::TooLarge);
        }
        text.extend_from_slice(&chunk);
    }
    String::from_utf8(text).map_err(|_| Problem::Malformed)
}

/// Reads a part to its end, keeping nothing.
async fn drain(part: &mut Field, stopped: &Rc<RefCell<Option<Problem>>>) -> Result<(), Problem> {
    while let Some(chunk) = part.next().await {
        chunk.map_err(|_| stopped.borrow_mut().take().unwrap_or(Problem::Malformed))?;
    }
    Ok(())
}

/// One file: its kind from its first bytes, then staged and scanned as it
/// arrives; refused (and whatever was staged deleted) when it is not one
/// of the rule's kinds, over its limit, empty, or infected.
async fn receive_file(
    part: &mut Field,
    rule: &FileRule<'_>,
    (receiver, run): (&Receiver<'_>, &str),
    name: &str,
    stopped: &Rc<RefCell<Option<Problem>>>,
) -> Result<Received, Problem> {
    let mut file = Incoming::default();
    while let Some(chunk) = part.next().await {
        let chunk = chunk.map_err(|_| stopped.borrow_mut().take().unwrap_or(Problem::Malformed))?;
        file.size += chunk.len() as u64;
        if file.refused.is_some() {
            continue;
        }
        if file.size > rule.max_bytes {
            file.refuse(Refused::TooLarge).await;
            continue;
        }
        file.take(&chunk, rule, (receiver, run)).await?;
    }
    if file.refused.is_none() && file.size == 0 {
        file.refuse(Refused::Empty).await;
    }
    if file.refused.is_none() && file.kind.is_none() {
        let head = std::mem::take(&mut file.head);
        file.decide(&head, rule, (receiver, run)).await?;
    }
    file.end(name, rule, receiver).await
}

/// A file on its way in.
#[derive(Default)]
struct Incoming {
    size: u64,
    /// Its first bytes, until they decide its kind.
    head: Vec<u8>,
    kind: Option<FileKind>,
    staged: Option<super::staging::Staged>,
    scan: Option<Box<dyn Scan>>,
    refused: Option<Refused>,
}

impl Incoming {
    /// Takes the next chunk: kept back until the head decides the kind,
    /// then staged and scanned.
    async fn take(
        &mut self,
        chunk: &[u8],
        rule: &FileRule<'_>,
        into: (&Receiver<'_>, &str),
    ) -> Result<(), Problem> {
        if self.kind.is_some() {
            return self.pass(chunk).await;
        }
        self.head.extend_from_slice(chunk);
        if self.head.len() >= HEAD {
            let head = std::mem::take(&mut self.head);
            self.decide(&head, rule, into).await?;
        }
        Ok(())
    }

    /// The kind from `head`: refused when not the rule's, else staging and
    /// scanning start with it.
    async fn decide(
        &mut self,
        head: &[u8],
        rule: &FileRule<'_>,
        (receiver, run): (&Receiver<'_>, &str),
    ) -> Result<(), Problem> {
        match FileKind::of(head).filter(|kind| rule.accept.contains(kind)) {
            None => {
                self.refuse(Refused::Kind).await;
                Ok(())
            }
            Some(kind) => {
                self.kind = Some(kind);
                // The scanner first: without it nothing is staged.
                if let Some(scanner) = receiver.scanner {
                    let scan = scanner.start().await;
                    self.scan = Some(scan.map_err(|_| Problem::UploadUnavailable)?);
                }
                let staged = receiver.staging.begin(run).await;
                self.staged = Some(staged.map_err(|_| Problem::UploadUnavailable)?);
                self.pass(head).await
            }
        }
    }

    /// Stages and scans a chunk; on a failure, drops what was staged.
    async fn pass(&mut self, chunk: &[u8]) -> Result<(), Problem> {
        let written = match &mut self.staged {
            Some(staged) => staged.write(chunk).await.is_ok(),
            None => true,
        };
        let scanned = match &mut self.scan {
            Some(scan) => scan.feed(chunk).await.is_ok(),
            None => true,
        };
        if written && scanned {
            return Ok(());
        }
        if let Some(staged) = self.staged.take() {
            staged.abort().await;
        }
        Err(Problem::UploadUnavailable)
    }

    async fn refuse(&mut self, why: Refused) {
        self.refused = Some(why);
        self.head = Vec::new();
        self.scan = None;
        if let Some(staged) = self.staged.take() {
            staged.abort().await;
        }
    }

    /// The file kept, or why not; a scanner without a verdict is a
    /// problem page (the file dropped, the run kept).
    async fn end(
        mut self,
        name: &str,
        _rule: &FileRule<'_>,
        receiver: &Receiver<'_>,
    ) -> Result<Received, Problem> {
        if let Some(why) = self.refused.take() {
            return Ok(Received::Refused(why, clean_name(name)));
        }
        let (Some(staged), Some(kind)) = (self.staged.take(), self.kind) else {
            return Ok(Received::Refused(Refused::Empty, clean_name(name)));
        };
        let key = staged.key.clone();
        staged
            .finish()
            .await
            .map_err(|_| Problem::UploadUnavailable)?;
        let upload = Upload {
            key,
            name: clean_name(name),
            size: self.size,
            kind,
        };
        let verdict = match self.scan.take() {
            Some(scan) => scan.verdict().await,
            None => Ok(Verdict::Clean),
        };
        match verdict {
            Ok(Verdict::Clean) => Ok(Received::File(upload)),
            Ok(Verdict::Infected(found)) => {
                let _ = receiver.staging.delete(&upload).await;
                Ok(Received::Refused(Refused::Virus(found), upload.name))
            }
            Err(error) => {
                tracing::warn!(%error, "an upload could not be scanned");
                let _ = receiver.staging.delete(&upload).await;
                Err(Problem::UploadUnavailable)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::FromRequest;
    use std::time::Duration;

    const TOKEN: &str = "the-token";

    /// A multipart body of `parts`: (name, file name, bytes).
    fn body(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
        let mut body = Vec::new();
        for (name, file, bytes) in parts {
            body.extend_from_slice(b"--BOUNDARY\r\nContent-Disposition: form-data; name=\"");
            body.extend_from_slice(name.as_bytes());
            if let Some(file) = file {
                body.extend_from_slice(format!("\"; filename=\"{file}").as_bytes());
            }
            body.extend_from_slice(b"\"\r\n\r\n");
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--BOUNDARY--\r\n");
        body
    }

    fn pdf(size: usize) -> Vec<u8> {
        let mut pdf = b"%PDF-1.4\n".to_vec();
        pdf.resize(size, b'x');
        pdf
    }

    /// A staging directory of the test's own, and how many files it holds.
    struct Dir(std::path::PathBuf);
    impl Dir {
        fn new(label: &str) -> Self {
            let dir = std::env::temp_dir().join(format!(
                "actix-wizard-receive-{label}-{}",
                std::process::id()
            ));
            let _ = std::fs::remove_dir_all(&dir);
            Self(dir)
        }
        fn files(&self) -> usize {
            fn count(dir: &std::path::Path) -> usize {
                std::fs::read_dir(dir).map_or(0, |entries| {
                    entries
                        .flatten()
                        .map(|entry| match entry.path().is_dir() {
                            true => count(&entry.path()),
                            false => 1,
                        })
                        .sum()
                })
            }
            count(&self.0)
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    const RULE: FileRule<'static> = FileRule {
        name: "receipt",
        accept: &[FileKind::Pdf, FileKind::Png],
        max_bytes: 2000,
    };

    /// A scanner of the test's own: a file holding `VIRUS` is infected; a
    /// file holding `DOWN` makes it stop answering.
    struct Finder;
    struct Finding(Vec<u8>);
    impl Scan for Finding {
        fn feed<'a>(
            &'a mut self,
            chunk: &'a [u8],
        ) -> futures_util::future::BoxFuture<'a, Result<(), super::super::ScanError>> {
            self.0.extend_from_slice(chunk);
            Box::pin(async { Ok(()) })
        }
        fn verdict(
            self: Box<Self>,
        ) -> futures_util::future::BoxFuture<'static, Result<Verdict, super::super::ScanError>>
        {
            let has = |word: &[u8]| self.0.windows(word.len()).any(|w| w == word);
            let verdict = match (has(b"VIRUS"), has(b"DOWN")) {
                (_, true) => Err(super::super::ScanError::Refused("down".into())),
                (true, _) => Ok(Verdict::Infected("Test.Virus".into())),
                _ => Ok(Verdict::Clean),
            };
            Box::pin(async move { verdict })
        }
    }
    impl Scanner for Finder {
        fn start(
            &self,
        ) -> futures_util::future::BoxFuture<'_, Result<Box<dyn Scan>, super::super::ScanError>>
        {
            Box::pin(async { Ok(Box::new(Finding(Vec::new())) as Box<dyn Scan>) })
        }
    }

    async fn send(
        staging: &Staging,
        body: Vec<u8>,
        request_limit: u64,
    ) -> Result<(RawForm, Vec<(String, Received)>), Problem> {
        send_scanned(staging, body, request_limit, None).await
    }

    async fn send_scanned(
        staging: &Staging,
        body: Vec<u8>,
        request_limit: u64,
        scanner: Option<&dyn Scanner>,
    ) -> Result<(RawForm, Vec<(String, Received)>), Problem> {
        let (request, mut payload) = actix_web::test::TestRequest::post()
            .insert_header(("content-type", "multipart/form-data; boundary=BOUNDARY"))
            .set_payload(body)
            .to_http_parts();
        let payload = web::Payload::from_request(&request, &mut payload)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let receiver = Receiver {
            staging,
            scanner,
            request_limit,
            text_limit: 1000,
            max_parts: 10,
            pace: Pace {
                idle: Duration::from_secs(5),
                min_rate: 1024,
            },
        };
        let mut token_ok =
            |form: &RawForm| (form.first("csrf_token") == Some(TOKEN)).then(|| "run1".to_owned());
        receive(&request, payload, &receiver, &[RULE], &mut token_ok).await
    }

    #[actix_web::test]
    async fn a_file_after_the_token_is_staged_under_its_run() {
        let dir = Dir::new("staged");
        let staging = Staging::local(&dir.0).unwrap_or_else(|e| panic!("{e}"));
        let file = pdf(1500);
        let sent = body(&[
            ("csrf_token", None, TOKEN.as_bytes()),
            ("receipt", Some("receipts/taxi.pdf"), &file),
            ("notes", None, b"for the airport"),
        ]);
        let (form, received) = send(&staging, sent, 10_000)
            .await
            .unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(form.first("notes"), Some("for the airport"));
        let [(name, Received::File(upload))] = received.as_slice() else {
            panic!("{received:?}");
        };
        assert_eq!(name, "receipt");
        assert_eq!(
            (upload.name(), upload.size(), upload.kind()),
            ("taxi.pdf", 1500, FileKind::Pdf)
        );
        assert!(upload.is_of_run("run1"), "{}", upload.key());
        let kept = staging.read(upload).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(kept.as_ref(), file.as_slice());
        staging
            .delete(upload)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(dir.files(), 0);
    }

    #[actix_web::test]
    async fn a_file_before_a_valid_token_is_refused_and_nothing_is_stored() {
        let dir = Dir::new("csrf");
        let staging = Staging::local(&dir.0).unwrap_or_else(|e| panic!("{e}"));
        let file = pdf(600);
        let early = body(&[
            ("receipt", Some("a.pdf"), &file),
            ("csrf_token", None, TOKEN.as_bytes()),
        ]);
        assert!(matches!(
            send(&staging, early, 10_000).await,
            Err(Problem::Csrf { .. })
        ));
        let wrong = body(&[
            ("csrf_token", None, b"forged"),
            ("receipt", Some("a.pdf"), &file),
        ]);
        assert!(matches!(
            send(&staging, wrong, 10_000).await,
            Err(Problem::Csrf { .. })
        ));
        assert_eq!(dir.files(), 0);
    }

    #[actix_web::test]
    async fn refused_files_are_read_to_their_end_and_not_kept() {
        let dir = Dir::new("refused");
        let staging = Staging::local(&dir.0).unwrap_or_else(|e| panic!("{e}"));
        let large = pdf(5000);
        let words = b"just some words, not a picture or a document".repeat(20);
        let sent = body(&[
            ("csrf_token", None, TOKEN.as_bytes()),
            ("receipt", Some("large.pdf"), &large),
            ("receipt", Some("words.pdf"), &words),
            ("receipt", Some("empty.pdf"), b""),
            ("receipt", Some(""), b""),
            ("other", Some("x.pdf"), &large),
            ("notes", None, b"read after them all"),
        ]);
        let (form, received) = send(&staging, sent, 100_000)
            .await
            .unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(form.first("notes"), Some("read after them all"));
        let refusals: Vec<&Received> = received.iter().map(|(_, got)| got).collect();
        assert_eq!(
            refusals,
            [
                &Received::Refused(Refused::TooLarge, "large.pdf".into()),
                &Received::Refused(Refused::Kind, "words.pdf".into()),
                &Received::Refused(Refused::Empty, "empty.pdf".into()),
            ]
        );
        assert_eq!(dir.files(), 0);
    }

    #[actix_web::test]
    async fn a_body_over_the_request_limit_is_too_large() {
        let dir = Dir::new("large");
        let staging = Staging::local(&dir.0).unwrap_or_else(|e| panic!("{e}"));
        let file = pdf(1800);
        let sent = body(&[
            ("csrf_token", None, TOKEN.as_bytes()),
            ("receipt", Some("a.pdf"), &file),
        ]);
        assert!(matches!(
            send(&staging, sent, 1000).await,
            Err(Problem::TooLarge)
        ));
        assert_eq!(dir.files(), 0);
    }

    #[actix_web::test]
    async fn an_infected_file_is_refused_and_a_silent_scanner_keeps_nothing() {
        let dir = Dir::new("scanned");
        let staging = Staging::local(&dir.0).unwrap_or_else(|e| panic!("{e}"));
        let mut infected = pdf(700);
        infected.extend_from_slice(b"VIRUS");
        let sent = body(&[
            ("csrf_token", None, TOKEN.as_bytes()),
            ("receipt", Some("a.pdf"), &infected),
        ]);
        let (_, received) = send_scanned(&staging, sent, 10_000, Some(&Finder))
            .await
            .unwrap_or_else(|p| panic!("{p:?}"));
        let virus = Received::Refused(Refused::Virus("Test.Virus".into()), "a.pdf".into());
        assert_eq!(received, [("receipt".to_owned(), virus)]);
        let mut down = pdf(700);
        down.extend_from_slice(b"DOWN");
        let sent = body(&[
            ("csrf_token", None, TOKEN.as_bytes()),
            ("receipt", Some("a.pdf"), &down),
        ]);
        let answer = send_scanned(&staging, sent, 10_000, Some(&Finder)).await;
        assert!(
            matches!(answer, Err(Problem::UploadUnavailable)),
            "{answer:?}"
        );
        assert_eq!(dir.files(), 0);
    }
}
