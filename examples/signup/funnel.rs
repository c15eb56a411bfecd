//! The signup's funnel: the wizard's events, written to the database in
//! batches off the request path, and the operator's page that reads them
//! back, so that every instance's visitors count.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use actix_web::http::header::{AUTHORIZATION, CACHE_CONTROL, WWW_AUTHENTICATE};
use actix_web::{HttpRequest, HttpResponse, guard, web};
use actix_wizard::{WizardEvent, http::SecurityHeaders, page::Layout, page::LayoutFn, page::Texts};
use askama::Template;
use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};

/// Events waiting for the writer; beyond this a request drops its event
/// (counted) rather than wait.
const QUEUE: usize = 10_000;
/// Rows written in one statement, at most.
const BATCH: usize = 200;
/// How long the writer waits for more events after the first.
const LINGER: Duration = Duration::from_millis(500);

/// Milliseconds since the Unix epoch: the system clock, or a test's.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The system clock.
pub fn system_clock() -> Clock {
    Arc::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64)
    })
}

/// One row of `funnel_events`.
struct EventRow {
    run: String,
    kind: &'static str,
    step: &'static str,
    field: Option<String>,
    code: Option<String>,
    message: Option<String>,
    /// For `started`: the id the run's pages were shown under before.
    shown_as: Option<String>,
    at_ms: i64,
    seq: i64,
}

enum Message {
    Rows(Vec<EventRow>),
    Flush(oneshot::Sender<()>),
}

/// Takes the wizard's events from its hook and writes them to the
/// database from a task of its own: a request only queues them.
#[derive(Clone)]
pub struct FunnelRecorder {
    queue: mpsc::Sender<Message>,
    clock: Clock,
    dropped: Arc<AtomicU64>,
    batches: Arc<AtomicU64>,
    sequence: Arc<AtomicU64>,
}

/// How long events are kept by default: 90 days.
pub const KEEP: Duration = Duration::from_secs(90 * 24 * 3600);

/// How often the writer deletes events older than it keeps, at most.
const PURGE_EVERY_MS: i64 = 3600 * 1000;

impl FunnelRecorder {
    /// Starts the writer on the current runtime, keeping events for
    /// [`KEEP`].
    pub fn start(pool: AnyPool, clock: Clock) -> Self {
        Self::start_keeping(pool, clock, KEEP)
    }

    /// Starts the writer on the current runtime; events older than `keep`
    /// are deleted (checked with the first write, then at most hourly).
    pub fn start_keeping(pool: AnyPool, clock: Clock, keep: Duration) -> Self {
        let (queue, incoming) = mpsc::channel(QUEUE);
        let recorder = Self {
            queue,
            clock,
            dropped: Arc::default(),
            batches: Arc::default(),
            sequence: Arc::default(),
        };
        tokio::spawn(write_batches(
            pool,
            incoming,
            Keeping {
                clock: recorder.clock.clone(),
                keep_ms: keep.as_millis() as i64,
                last_purge: None,
            },
            recorder.dropped.clone(),
            recorder.batches.clone(),
        ));
        recorder
    }

    /// The hook for `WizardConfig::on_event`.
    pub fn hook(&self) -> impl Fn(&WizardEvent<'_>) + Send + Sync + 'static {
        let recorder = self.clone();
        move |event| recorder.record(event)
    }

    fn record(&self, event: &WizardEvent<'_>) {
        let at_ms = (self.clock)();
        let seq = self.sequence.fetch_add(1, Ordering::Relaxed) as i64;
        let row = |run: &str, kind, step| EventRow {
            run: run.to_owned(),
            kind,
            step,
            field: None,
            code: None,
            message: None,
            shown_as: None,
            at_ms,
            seq,
        };
        let rows = match *event {
            WizardEvent::StepShown {
                run, step, change, ..
            } => vec![row(run, if change { "change" } else { "shown" }, step)],
            WizardEvent::RunStarted { run, shown_as, .. } => vec![EventRow {
                shown_as: Some(shown_as.to_owned()),
                ..row(run, "started", "")
            }],
            WizardEvent::StepSaved { run, step, .. } => vec![row(run, "saved", step)],
            WizardEvent::Back { run, step, .. } => vec![row(run, "back", step)],
            WizardEvent::ValidationFailed {
                run, step, errors, ..
            } => errors
                .iter()
                .map(|error| EventRow {
                    field: Some(error.field.clone()),
                    code: error.code.clone(),
                    message: Some(error.message.clone()),
                    ..row(run, "failed", step)
                })
                .collect(),
            WizardEvent::FinishRan {
                run,
                succeeded: true,
                ..
            } => vec![row(run, "finished", "")],
            _ => return,
        };
        if self.queue.try_send(Message::Rows(rows)).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Resolves once every event queued before the call is written (or
    /// dropped by a failed write).
    pub async fn flush(&self) {
        let (done, written) = oneshot::channel();
        if self.queue.send(Message::Flush(done)).await.is_ok() {
            let _ = written.await;
        }
    }

    /// Events dropped: a full queue, or a write the database refused.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Statements the writer has sent.
    pub fn batches(&self) -> u64 {
        self.batches.load(Ordering::Relaxed)
    }
}

/// How long the writer keeps events, and when it last deleted older ones.
struct Keeping {
    clock: Clock,
    keep_ms: i64,
    last_purge: Option<i64>,
}

impl Keeping {
    /// Deletes the events older than kept, when the last time was long
    /// enough ago.
    async fn purge(&mut self, pool: &AnyPool) {
        let now = (self.clock)();
        if self
            .last_purge
            .is_some_and(|last| now - last < PURGE_EVERY_MS)
        {
            return;
        }
        self.last_purge = Some(now);
        let deleted = sqlx::query("DELETE FROM funnel_events WHERE at_ms < $1")
            .bind(now - self.keep_ms)
            .execute(pool)
            .await;
        if let Err(error) = deleted {
            tracing::warn!(%error, "old funnel events were not deleted");
        }
    }
}

/// The writer: what has queued up within [`LINGER`] of the first event
/// (or until a flush asks), in one transaction of statements of up to
/// [`BATCH`] rows. On SQLite every commit waits for the disk and holds the
/// one write lock the accounts' inserts need too, so a busy server commits
/// a few times a second, not once per page.
async fn write_batches(
    pool: AnyPool,
    mut incoming: mpsc::Receiver<Message>,
    mut keeping: Keeping,
    dropped: Arc<AtomicU64>,
    batches: Arc<AtomicU64>,
) {
    let mut messages = Vec::new();
    while incoming.recv_many(&mut messages, BATCH).await > 0 {
        linger(&mut incoming, &mut messages).await;
        let mut rows = Vec::new();
        let mut flushes = Vec::new();
        for message in messages.drain(..) {
            match message {
                Message::Rows(more) => rows.extend(more),
                Message::Flush(done) => flushes.push(done),
            }
        }
        if !rows.is_empty() {
            batches.fetch_add(rows.len().div_ceil(BATCH) as u64, Ordering::Relaxed);
            if let Err(error) = insert_all(&pool, &rows).await {
                tracing::warn!(%error, rows = rows.len(), "funnel events were not written");
                dropped.fetch_add(rows.len() as u64, Ordering::Relaxed);
            }
            keeping.purge(&pool).await;
        }
        for done in flushes {
            let _ = done.send(());
        }
    }
}

/// Takes more messages into `messages` until [`LINGER`] has passed since
/// the call, a flush is among them, or the queue closes.
async fn linger(incoming: &mut mpsc::Receiver<Message>, messages: &mut Vec<Message>) {
    let until = tokio::time::Instant::now() + LINGER;
    let flushing = |messages: &[Message]| messages.iter().any(|m| matches!(m, Message::Flush(_)));
    while !flushing(messages) {
        match tokio::time::timeout_at(until, incoming.recv_many(messages, BATCH)).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// Every row, in one transaction.
async fn insert_all(pool: &AnyPool, rows: &[EventRow]) -> Result<(), sqlx::Error> {
    let mut transaction = pool.begin().await?;
    for batch in rows.chunks(BATCH) {
        insert(&mut transaction, batch).await?;
    }
    transaction.commit().await
}

async fn insert(
    connection: &mut sqlx::AnyConnection,
    rows: &[EventRow],
) -> Result<(), sqlx::Error> {
    let mut sql = String::from(
        "INSERT INTO funnel_events (run_id, kind, step, field, code, message, shown_as, at_ms, seq) VALUES ",
    );
    for i in 0..rows.len() {
        sql.push_str(if i == 0 { "(" } else { ", (" });
        for column in 1..=9 {
            if column > 1 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", i * 9 + column));
        }
        sql.push(')');
    }
    let mut query = sqlx::query(&sql);
    for row in rows {
        query = query
            .bind(row.run.as_str())
            .bind(row.kind)
            .bind(row.step)
            .bind(row.field.as_deref())
            .bind(row.code.as_deref())
            .bind(row.message.as_deref())
            .bind(row.shown_as.as_deref())
            .bind(row.at_ms)
            .bind(row.seq);
    }
    query.execute(connection).await.map(|_| ())
}

// ------------------------------------------------------------------ figures

/// One step's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct StepFigures {
    pub step: String,
    /// Runs that were shown the step.
    pub reached: u64,
    /// Unfinished runs that got no further than this step.
    pub dropped_after: u64,
    /// Runs last seen on this step longer ago than the idle timeout,
    /// unfinished.
    pub abandoned: u64,
    /// The median time from first seeing the step to saving it.
    pub median_secs: Option<f64>,
}

/// A field that failed, with the message shown, and how often.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub step: String,
    pub field: String,
    pub message: String,
    pub count: u64,
}

/// What the funnel page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelReport {
    pub steps: Vec<StepFigures>,
    pub started: u64,
    pub finished: u64,
    pub failures: Vec<Failure>,
}

/// Reads the figures from the database: runs per step in the order
/// `steps` gives, abandonment as of `now_ms` after `idle`.
pub async fn report(
    pool: &AnyPool,
    steps: &[&str],
    idle: Duration,
    now_ms: i64,
) -> Result<FunnelReport, sqlx::Error> {
    let events: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT run_id, kind, step, at_ms FROM funnel_events \
         WHERE kind IN ('shown', 'saved', 'finished', 'back', 'change', 'failed') \
         ORDER BY at_ms, seq",
    )
    .fetch_all(pool)
    .await?;
    let failures: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT step, field, message, COUNT(*) AS n FROM funnel_events \
         WHERE kind = 'failed' GROUP BY step, field, message \
         ORDER BY n DESC, step, field LIMIT 10",
    )
    .fetch_all(pool)
    .await?;

    #[derive(Default)]
    struct Run<'a> {
        shown: HashMap<&'a str, i64>,
        saved_after_shown: HashMap<&'a str, i64>,
        last: Option<(&'a str, i64)>,
        finished: bool,
    }
    // Only runs that stored something count; the pages a run showed
    // before, under the id it was shown as, are the run's.
    let started: Vec<(String, String)> = sqlx::query_as(
        "SELECT run_id, shown_as FROM funnel_events WHERE kind = 'started' AND shown_as IS NOT NULL",
    )
    .fetch_all(pool)
    .await?;
    let run_of: HashMap<&str, &str> = started
        .iter()
        .flat_map(|(run, shown_as)| {
            [
                (run.as_str(), run.as_str()),
                (shown_as.as_str(), run.as_str()),
            ]
        })
        .collect();
    let mut runs: BTreeMap<&str, Run<'_>> = BTreeMap::new();
    for (run, kind, step, at) in &events {
        let Some(run) = run_of.get(run.as_str()) else {
            continue;
        };
        let entry = runs.entry(run).or_default();
        match kind.as_str() {
            "finished" => entry.finished = true,
            "shown" => {
                entry.shown.entry(step.as_str()).or_insert(*at);
            }
            "saved" => {
                if let Some(shown) = entry.shown.get(step.as_str()) {
                    entry
                        .saved_after_shown
                        .entry(step.as_str())
                        .or_insert(at - shown);
                }
            }
            _ => {}
        }
        if !step.is_empty() {
            entry.last = Some((step.as_str(), *at));
        }
    }
    let idle_ms = idle.as_millis() as i64;
    let mut figures: Vec<StepFigures> = steps
        .iter()
        .map(|step| {
            let reached = runs.values().filter(|r| r.shown.contains_key(step)).count() as u64;
            let abandoned = runs
                .values()
                .filter(|r| {
                    !r.finished
                        && r.last
                            .is_some_and(|(last, at)| last == *step && now_ms - at > idle_ms)
                })
                .count() as u64;
            let mut times: Vec<i64> = runs
                .values()
                .filter_map(|r| r.saved_after_shown.get(step).copied())
                .collect();
            StepFigures {
                step: (*step).to_owned(),
                reached,
                dropped_after: 0,
                abandoned,
                median_secs: median_ms(&mut times).map(|ms| ms / 1000.0),
            }
        })
        .collect();
    let finished = runs.values().filter(|r| r.finished).count() as u64;
    for run in runs.values().filter(|r| !r.finished) {
        let furthest = steps.iter().rposition(|step| run.shown.contains_key(step));
        if let Some(index) = furthest {
            figures[index].dropped_after += 1;
        }
    }
    Ok(FunnelReport {
        started: figures.first().map_or(0, |f| f.reached),
        steps: figures,
        finished,
        failures: failures
            .into_iter()
            .map(|(step, field, message, count)| Failure {
                step,
                field,
                message,
                count: count as u64,
            })
            .collect(),
    })
}

fn median_ms(times: &mut [i64]) -> Option<f64> {
    if times.is_empty() {
        return None;
    }
    times.sort_unstable();
    let middle = times.len() / 2;
    Some(if times.len() % 2 == 1 {
        times[middle] as f64
    } else {
        (times[middle - 1] + times[middle]) as f64 / 2.0
    })
}

// ------------------------------------------------------------------ page

/// What the funnel page needs: the database, the operator's token, the
/// wizard's steps in order and its idle timeout.
pub struct FunnelPage {
    pub pool: AnyPool,
    pub token: String,
    pub steps: Vec<&'static str>,
    pub idle: Duration,
    pub clock: Clock,
    /// The wizard's layout, which the page is shown in.
    pub layout: LayoutFn,
}

/// One bar of the picture.
struct Bar {
    label: String,
    runs: u64,
    y: u32,
    width: u32,
}

#[derive(Template)]
#[template(path = "signup/funnel.html")]
struct FunnelHtml<'a> {
    report: &'a FunnelReport,
    bars: Vec<Bar>,
    height: u32,
}

impl FunnelHtml<'_> {
    fn seconds(value: &Option<f64>) -> String {
        value.map_or_else(|| "–".to_owned(), |s| format!("{s:.1} s"))
    }
}

/// Whether the request carries the token, as `Authorization: Bearer` or
/// `?token=`, compared in constant time.
fn authorised(request: &HttpRequest, token: &str) -> bool {
    use subtle::ConstantTimeEq;
    // The scheme's name is case-insensitive (RFC 9110).
    let bearer = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned());
    let query = web::Query::<HashMap<String, String>>::from_query(request.query_string())
        .ok()
        .and_then(|q| q.get("token").cloned());
    bearer
        .or(query)
        .is_some_and(|given| bool::from(given.as_bytes().ct_eq(token.as_bytes())))
}

/// `GET /funnel` (and `HEAD`): [`funnel_answer`], with the security
/// headers the wizard's own pages carry.
pub async fn funnel_page(request: HttpRequest, page: web::Data<FunnelPage>) -> HttpResponse {
    let mut answer = funnel_answer(&request, &page).await;
    SecurityHeaders::default().apply(answer.headers_mut());
    answer
}

/// 401 without the token, 503 when the database does not answer, else
/// the picture and its tables.
async fn funnel_answer(request: &HttpRequest, page: &FunnelPage) -> HttpResponse {
    if !authorised(request, &page.token) {
        return HttpResponse::Unauthorized()
            .insert_header((WWW_AUTHENTICATE, "Bearer"))
            .content_type("text/plain; charset=utf-8")
            .body("The funnel needs the operator's token: Authorization: Bearer TOKEN, or ?token=TOKEN.");
    }
    let report = match report(&page.pool, &page.steps, page.idle, (page.clock)()).await {
        Ok(report) => report,
        Err(error) => {
            tracing::warn!(%error, "the funnel could not be read");
            return HttpResponse::ServiceUnavailable()
                .content_type("text/plain; charset=utf-8")
                .body("The funnel's database does not answer; try again shortly.");
        }
    };
    let most = report.started.max(1);
    let mut rows: Vec<(String, u64)> = report
        .steps
        .iter()
        .map(|s| (s.step.clone(), s.reached))
        .collect();
    rows.push(("finished".to_owned(), report.finished));
    let bars = rows
        .into_iter()
        .enumerate()
        .map(|(i, (label, runs))| Bar {
            label,
            runs,
            y: 10 + 34 * i as u32,
            width: (runs * 400 / most) as u32,
        })
        .collect::<Vec<_>>();
    let height = 20 + 34 * bars.len() as u32;
    let html = FunnelHtml {
        report: &report,
        bars,
        height,
    }
    .render()
    .and_then(|body| (page.layout)(&Layout::new("Signup funnel", &body, &Texts::ENGLISH)));
    match html {
        Ok(html) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((CACHE_CONTROL, "no-store"))
            .body(html),
        Err(error) => {
            tracing::error!(%error, "the funnel page did not render");
            HttpResponse::InternalServerError().finish()
        }
    }
}

/// The funnel page's route, when the operator set a token.
pub fn routes(page: Option<web::Data<FunnelPage>>) -> impl FnOnce(&mut web::ServiceConfig) {
    move |config| {
        if let Some(page) = page {
            config.app_data(page).route(
                "/funnel",
                web::route()
                    .guard(guard::Any(guard::Get()).or(guard::Head()))
                    .to(funnel_page),
            );
        }
    }
}
