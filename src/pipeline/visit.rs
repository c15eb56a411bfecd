//! What every page and form of a run goes through first: the run loaded,
//! admitted and prefilled, what to tell a visitor arriving, a form's body
//! and CSRF token, and the answers to a run that is gone or finished.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_LOCATION, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};

use super::files::{Files, is_multipart};
use super::{Inner, Reply, draft_answer, html};
use crate::body::read_form;
use crate::claim_ahead::ClaimAhead;
use crate::csrf::CSRF_FIELD;
use crate::declaration::COMPLETE_SEGMENT;
use crate::field::FieldSpec;
use crate::field_errors::FieldErrors;
use crate::form::{RawForm, Shape};
use crate::headers::Client;
use crate::json;
use crate::problem::Problem;
use crate::render::Layout;
use crate::run::Run;
use crate::state::{Notice, StepRecord};
use crate::visitor::Stage;
use crate::wizard::{Admission, Wizard};

/// Whether the query string asks to return to the last step after saving
/// (the check-answers page's Change links).
pub(super) fn is_change(request: &HttpRequest) -> bool {
    request
        .query_string()
        .split('&')
        .any(|part| part == "change" || part.starts_with("change="))
}

/// Reading a page is activity too: the state's idle clock is refreshed,
/// but only every eighth of the idle timeout, not on every view.
pub(super) fn keep_idle_clock_fresh<W: Wizard>(run: &mut Run<W>, now: u64, idle_secs: u64) {
    if let Some(state) = &run.journey().state {
        if now.saturating_sub(state.seen) >= (idle_secs / 8).max(1) {
            run.touch();
        }
    }
}

/// What a step's form shows: what was last typed (the draft), else the
/// stored answers with secrets left out; and the errors found at finish.
pub(super) fn shown_values(record: Option<&StepRecord>, shape: &Shape) -> (RawForm, FieldErrors) {
    let Some(record) = record else {
        return (RawForm::default(), FieldErrors::new());
    };
    let values = match (&record.draft, &record.answers) {
        (Some(draft), _) => draft.clone(),
        (None, Some(answers)) => serde_json::from_str(answers.get())
            .map(|value| RawForm::from_answers(&value, &shape.secrets))
            .unwrap_or_default(),
        (None, None) => RawForm::default(),
    };
    (values, record.errors.clone())
}

/// What a step's form asks for.
pub(super) enum Action {
    Back,
    /// Continue, or (on the last step) finish.
    Next,
    /// What was typed and not sent, saved by the page's script
    /// ([`crate::page::WIZARD_SCRIPT`]) as the step's draft.
    Draft,
    /// On a visit from the check page: back there, keeping nothing that
    /// was typed (the draft the page's script saved goes too).
    Cancel,
    /// Removes the file a file field holds (`remove-{field}`), keeping
    /// the rest of the page as its draft.
    Remove(String),
    /// "Save and come back later": the page kept as its draft, then the
    /// page that sends the link.
    Save,
}

impl Action {
    pub(super) fn of(form: &RawForm) -> Result<Self, Problem> {
        match form.first("action").unwrap_or("next") {
            "back" => Ok(Self::Back),
            "cancel" => Ok(Self::Cancel),
            "next" | "finish" => Ok(Self::Next),
            "save" => Ok(Self::Save),
            DRAFT_ACTION => Ok(Self::Draft),
            other => match other.strip_prefix("remove-") {
                Some(field) if !field.is_empty() => Ok(Self::Remove(field.to_owned())),
                _ => Err(Problem::Malformed),
            },
        }
    }
}

/// The `action` of a draft the page's script saves.
const DRAFT_ACTION: &str = "draft";

/// A form read, on a run the visitor may send it on, or what was
/// answered instead.
// Made once per form and taken apart at once: boxing the run would cost
// every form an allocation for nothing.
#[allow(clippy::large_enum_variant)]
pub(super) enum Accepted<W> {
    Form {
        run: Run<W>,
        posted: Posted,
    },
    /// A run whose state is gone, or a CSRF refusal: answered, the run
    /// saved where it must be.
    Answered(Result<HttpResponse, Problem>),
}

/// A form posted on a step's page, as accepted.
pub(super) struct Posted {
    pub form: RawForm,
    pub action: Action,
    /// What it brought for its file fields.
    pub files: Files,
}

/// A posted form made ready for its page: the revision it was typed on,
/// only the page's own fields, its file fields settled.
pub(super) struct Ready {
    pub form: RawForm,
    pub action: Action,
    pub typed_on: Option<u64>,
}

impl<W: Wizard> Inner<W> {
    /// Makes `posted` ready for the page `(name, fields, shape)`, whose
    /// draft or answers are `held`.
    pub(super) async fn ready(
        &self,
        run: &Run<W>,
        (name, fields, shape): (&'static str, &'static [FieldSpec], &Shape),
        held: &RawForm,
        posted: Posted,
    ) -> Ready {
        let Posted {
            mut form,
            action,
            files,
        } = posted;
        let typed_on = form
            .first(crate::render::REVISION_FIELD)
            .and_then(|revision| revision.parse::<u64>().ok());
        form.retain(|field| shape.has_key(field));
        let removing = match &action {
            Action::Remove(field) => Some(field.as_str()),
            _ => None,
        };
        self.settle_files(run, (name, fields), held, &mut form, &files, removing)
            .await;
        Ready {
            form,
            action,
            typed_on,
        }
    }
}

/// What every form of a run goes through first: the body read within its
/// limits, the run loaded and admitted, a run whose state is gone
/// answered, a new run prefilled, and the CSRF token checked. A
/// multipart body (a page with `fields` of files) is read once the run
/// is loaded: its token is checked before any file is stored.
pub(super) async fn accept<W: Wizard>(
    request: &HttpRequest,
    session: &Session,
    payload: web::Payload,
    wizard: &Inner<W>,
    fields: &[FieldSpec],
) -> Result<Accepted<W>, Problem> {
    if is_multipart(request) {
        return Box::pin(accept_files(request, session, payload, wizard, fields)).await;
    }
    let form = read_form(request, payload, &wizard.config).await?;
    let mut run = wizard.runs.load(request, session, &wizard.steps);
    wizard.admit(request, &run).await?;
    let action = Action::of(&form)?;
    if let Some(answered) = gone(request, session, wizard, &mut run, &action).await {
        return Ok(answered);
    }
    wizard.prefill(request, session, &mut run).await;
    if !wizard.runs.csrf_matches(&mut run, form.first(CSRF_FIELD)) {
        return Ok(csrf_refused(request, session, wizard, &mut run));
    }
    let posted = Posted {
        form,
        action,
        files: Files::default(),
    };
    Ok(Accepted::Form { run, posted })
}

/// A multipart form: read once the run is loaded, admitted and found
/// alive, since its files are checked against the run's token and stored
/// under its id before the rest of the body is read.
async fn accept_files<W: Wizard>(
    request: &HttpRequest,
    session: &Session,
    payload: web::Payload,
    wizard: &Inner<W>,
    fields: &[FieldSpec],
) -> Result<Accepted<W>, Problem> {
    let mut run = wizard.runs.load(request, session, &wizard.steps);
    wizard.admit(request, &run).await?;
    if let Some(answered) = gone(request, session, wizard, &mut run, &Action::Next).await {
        return Ok(answered);
    }
    wizard.prefill(request, session, &mut run).await;
    let (form, files, checked) = wizard
        .receive_files(request, payload, &mut run, fields)
        .await?;
    let action = Action::of(&form)?;
    if !checked && !wizard.runs.csrf_matches(&mut run, form.first(CSRF_FIELD)) {
        return Ok(csrf_refused(request, session, wizard, &mut run));
    }
    let posted = Posted {
        form,
        action,
        files,
    };
    Ok(Accepted::Form { run, posted })
}

/// A run whose state is gone (finished, expired) since the form was
/// shown: answered (a draft dropped), or `None` to go on.
async fn gone<W: Wizard>(
    request: &HttpRequest,
    session: &Session,
    wizard: &Inner<W>,
    run: &mut Run<W>,
    action: &Action,
) -> Option<Accepted<W>> {
    if run.is_stored() || !(run.had_answers() || run.lapsed()) {
        return None;
    }
    if let Action::Draft = action {
        // Typed on a run that has finished or expired since: dropped.
        return Some(Accepted::Answered(Ok(draft_answer())));
    }
    // Boxed: rare, and its future is large.
    let reply = Box::pin(wizard.without_state(request, session, run)).await;
    Some(Accepted::Answered(
        wizard.respond(request, session, run, reply),
    ))
}

/// The 403 page of a form without its run's token, the run saved.
fn csrf_refused<W: Wizard>(
    request: &HttpRequest,
    session: &Session,
    wizard: &Inner<W>,
    run: &mut Run<W>,
) -> Accepted<W> {
    let form = request.path().to_owned();
    let reply = Reply::Page(wizard.problem_page(request, Problem::Csrf { form }));
    Accepted::Answered(wizard.respond(request, session, run, reply))
}

/// What was typed, secrets left out: kept as the step's draft.
pub(super) fn without_secrets(form: &RawForm, shape: &Shape) -> RawForm {
    let mut draft = form.clone();
    draft.retain(|name| !shape.secrets.contains(&name));
    draft
}

impl<W: Wizard> Inner<W> {
    /// Whether the visitor may start a run on this resource
    /// ([`Wizard::admit`]); asked only while the run has no state.
    pub(super) async fn admit(&self, request: &HttpRequest, run: &Run<W>) -> Result<(), Problem> {
        if run.is_stored() {
            return Ok(());
        }
        match W::admit(request).await {
            Admission::Allowed => Ok(()),
            Admission::NotFound => Err(self.not_found(run.base())),
            Admission::Forbidden => Err(Problem::Forbidden),
        }
    }

    /// A run with nothing stored is filled from [`Wizard::prefill`] on
    /// each request (a page view stores nothing; the first answer stores
    /// the prefilled steps with it). The page that follows says so when
    /// the run before it expired.
    pub(super) async fn prefill(&self, request: &HttpRequest, session: &Session, run: &mut Run<W>) {
        if run.is_stored() {
            return;
        }
        let Some(answers) = W::prefill(request).await else {
            return;
        };
        let expired = if run.take_lapsed() {
            // As on any page after an expiry: a new session id too (the
            // loaded run is already a new one).
            session.renew();
            true
        } else {
            self.start_over(run).await
        };
        let now = run.now();
        let run_id = run.id().to_owned();
        let item_id =
            |list: &str, position: usize| self.runs.prefilled_item_id(&run_id, list, position);
        run.prefill(&self.steps, answers, &item_id, now);
        if expired {
            run.set_notice(Notice::Expired);
        }
    }

    /// The 404 of the wizard on the resource at `base`, linking to its
    /// start.
    pub(super) fn not_found(&self, base: &str) -> Problem {
        Problem::NotFound {
            start: base.to_owned(),
        }
    }

    /// What to tell a visitor arriving on a step page, starting a new run
    /// when the one they were on is gone.
    pub(super) async fn arrival_notice<'t>(
        &'t self,
        request: &HttpRequest,
        session: &Session,
        run: &mut Run<W>,
    ) -> Option<&'t str> {
        let texts = self.texts(request);
        if run.lapsed() {
            // The stored state expired or was unreadable: a new session id
            // too (the loaded run is already a new one).
            session.renew();
            return Some(&texts.expired_notice);
        }
        if run.journey().state.is_some() {
            let notice = run.take_notice()?;
            return Some(match notice {
                Notice::QuestionsChanged => &texts.changed_notice,
                Notice::Expired => &texts.expired_notice,
                Notice::OldestDropped => &texts.oldest_dropped_notice,
            });
        }
        self.start_over(run).await.then_some(&*texts.expired_notice)
    }

    /// A run without state whose visitor cookie names an earlier run: that
    /// run is over, so a new one starts. Whether the earlier one expired
    /// (its state gone from the store) rather than finished.
    pub(super) async fn start_over(&self, run: &mut Run<W>) -> bool {
        match run.stage() {
            Stage::Looking => false,
            Stage::Finished => {
                run.restart();
                false
            }
            Stage::Answering => {
                // Expired in the store, unless the run finished (its
                // finishing answer was lost). Boxed: rare, and its future
                // is large.
                let finished = Box::pin(self.runs.finished_outcome(run, None))
                    .await
                    .is_some();
                run.restart();
                !finished
            }
        }
    }

    /// The run a page view is on: loaded, admitted, and prefilled when
    /// it is new.
    pub(super) async fn admitted_run(
        &self,
        request: &HttpRequest,
        session: &Session,
    ) -> Result<Run<W>, Problem> {
        let mut run = self.runs.load(request, session, &self.steps);
        self.admit(request, &run).await?;
        self.prefill(request, session, &mut run).await;
        Ok(run)
    }

    /// Ends a finished run in this session and sends the visitor to the
    /// completion page; a JSON client gets the completion document at
    /// once, from the outcome in hand, its URL in `Content-Location`.
    pub(super) fn finished(
        &self,
        request: &HttpRequest,
        session: &Session,
        run: &mut Run<W>,
        outcome: &str,
    ) -> Reply {
        self.runs.keep_outcome(session, run, outcome);
        let url = format!("{}/{COMPLETE_SEGMENT}", run.base());
        if !Client::of(request).is_json() {
            return Reply::Go(url);
        }
        let document = json::complete_document(run.base(), outcome.as_bytes());
        let mut page = json::respond(StatusCode::OK, &document);
        if let Ok(value) = HeaderValue::try_from(url.as_str()) {
            page.headers_mut().insert(CONTENT_LOCATION, value);
        }
        Reply::Page(page)
    }

    /// A form for a run whose state is gone. A late duplicate of a finish
    /// (its session renewed away) goes to the completion page: the one
    /// lookup a request without state makes, before the CSRF check, and
    /// only for a run that stored answers. Otherwise the answers expired,
    /// which the step page then says.
    pub(super) async fn without_state(
        &self,
        request: &HttpRequest,
        session: &Session,
        run: &mut Run<W>,
    ) -> Reply {
        let ahead = ClaimAhead::take(request, run.id());
        if let Some(outcome) = self.runs.finished_outcome(run, ahead).await {
            return self.finished(request, session, run, &outcome);
        }
        run.leave_visitor_cookie();
        Reply::Go(self.resume_url(run))
    }

    /// A form the visitor sent changes the state's revision: drafts typed
    /// before it are stale.
    pub(super) fn raise_revision(&self, run: &mut Run<W>) {
        let state = run.state_mut();
        state.revision = state.revision.saturating_add(1);
    }

    /// Exit page `exit`, as the client asked for it.
    pub(super) fn exit_page(
        &self,
        exit: usize,
        request: &HttpRequest,
    ) -> Result<HttpResponse, Problem> {
        let rule = &self.steps.exits[exit];
        let base = self.runs.base_of(request);
        let back = self.step_url(&base, rule.step);
        let texts = self.texts(request);
        let exit = crate::translate::exit(texts, &rule.exit);
        if Client::of(request).is_json() {
            let document = json::exit_document(&exit, &back);
            return Ok(json::respond(StatusCode::OK, &document));
        }
        let mut body = String::with_capacity(1024);
        self.switcher(request).write_into(&mut body);
        body.push_str(&exit.body(&back, texts));
        let title = exit.title();
        let page = match Client::of(request) == Client::Fragment {
            true => Ok(body.clone()),
            false => W::layout(&Layout::new(title, &body, texts)),
        };
        match page {
            Ok(page) => Ok(html(StatusCode::OK, page)),
            Err(error) => {
                tracing::error!(%error, wizard = W::ID, "exit page did not render");
                Err(Problem::Internal)
            }
        }
    }

    /// `POST {base}/keep-alive`: the session's expiry pushed back, for
    /// the page's timeout warning. The run is written again as it is
    /// (actix-session has no way to refresh a session's time to live
    /// from a handler), and nothing else: 204. The token comes in the form
    /// (`csrf_token`) or in `X-CSRF-Token`; a run whose state is gone
    /// (expired, finished) is 410, a wrong token 403.
    pub(super) async fn keep_alive(
        &self,
        request: &HttpRequest,
        session: &Session,
        payload: web::Payload,
    ) -> Result<HttpResponse, Problem> {
        let form = read_form(request, payload, &self.config).await?;
        let mut run = self.runs.load(request, session, &self.steps);
        if !run.is_stored() {
            return Ok(HttpResponse::Gone()
                .insert_header((CACHE_CONTROL, HeaderValue::from_static("no-store")))
                .finish());
        }
        let token = crate::json::sent_token(&form, request.headers());
        if !self.runs.csrf_matches(&mut run, token) {
            let form = request.path().to_owned();
            return Err(Problem::Csrf { form });
        }
        run.touch();
        self.respond(request, session, &mut run, Reply::NoContent)
    }
}
