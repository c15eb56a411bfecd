//! The pages a visitor reads: the entry, a step's page, the completion
//! page, and for JSON clients the document a redirect leads to.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_LOCATION, HeaderValue, LOCATION, SET_COOKIE};
use actix_web::{HttpRequest, HttpResponse};

use super::item_pages::show_item;
use super::items::ItemPath;
use super::{Inner, Reply, html, see_other};
use crate::check_answers::AnswerSection;
use crate::declaration::COMPLETE_SEGMENT;
use crate::events::WizardEvent;
use crate::field_errors::FieldErrors;
use crate::form::{RawForm, Shape};
use crate::headers::Client;
use crate::json;
use crate::problem::Problem;
use crate::render::{CompletePage, Layout, Page, Progress};
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
        session: &Session,
        run: &mut Run<W>,
    ) -> Option<&'t str> {
        let texts = &self.config.texts;
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

    /// The check-answers sections of the steps completed before the last
    /// one (`index`), each row's Change link landing on the control that
    /// has focus first (a date's day).
    fn answer_sections(&self, run: &mut Run<W>, index: usize) -> Vec<AnswerSection> {
        let base = run.base().to_owned();
        let done = run.journey().completed_before(&self.steps, index);
        let mut sections = Vec::new();
        for i in done {
            if self.steps.slots[i].list().is_some() {
                sections.extend(self.item_sections(run, i));
                continue;
            }
            let step = &self.steps.slots[i];
            let mut rows = step.answers(run.answers_mut(), &self.config.texts);
            for row in &mut rows {
                if let Some(spec) = step.fields().iter().find(|f| f.name == row.field) {
                    row.field = spec.target_id(None);
                }
            }
            sections.push(AnswerSection {
                title: step.title().into(),
                change_url: format!("{}?change", self.step_url(&base, i)),
                rows,
            });
        }
        let totals = run.journey().answers.totals();
        if !totals.is_empty() {
            sections.push(AnswerSection {
                title: "".into(),
                change_url: String::new(),
                rows: totals,
            });
        }
        sections
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn render_step(
        &self,
        request: &HttpRequest,
        run: &mut Run<W>,
        index: usize,
        values: &RawForm,
        errors: &FieldErrors,
        notice: Option<&str>,
        status: StatusCode,
    ) -> Result<HttpResponse, Problem> {
        let slot = &self.steps.slots[index];
        let is_last = run.journey().next(index).is_none();
        let sections = if is_last {
            self.answer_sections(run, index)
        } else {
            Vec::new()
        };
        let journey = run.journey();
        let (current, total) = journey.position(index);
        let mut action = self.step_url(run.base(), index);
        let change = is_change(request);
        if change {
            action.push_str("?change");
        }
        let page = Page {
            title: slot.title(),
            action,
            values,
            errors,
            csrf_token: run.csrf(),
            revision: journey.state.as_ref().map_or(0, |state| state.revision),
            progress: Progress { current, total },
            notice,
            has_back: journey.previous(index).is_some(),
            is_last,
            button: slot.button(),
            is_change: change,
            sections: &sections,
            base: run.base(),
            fields: slot.fields(),
            texts: &self.config.texts,
            layout: W::layout,
            fragment: Client::of(request) == Client::Fragment,
            placed: None,
        };
        if Client::of(request).is_json() {
            return Ok(json::respond(
                status,
                &json::step_document(&page, slot.name()),
            ));
        }
        match slot.render(&page) {
            Ok(body) => Ok(html(status, body)),
            Err(error) => {
                tracing::error!(%error, step = slot.name(), "step page did not render");
                Err(Problem::Internal)
            }
        }
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
}

/// `GET {base}`: to the step the visitor should be on.
pub(super) async fn entry<W: Wizard>(
    request: &HttpRequest,
    session: &Session,
    wizard: &Inner<W>,
) -> Result<HttpResponse, Problem> {
    let mut run = wizard.admitted_run(request, session).await?;
    if !run.is_stored() {
        run.leave_visitor_cookie();
    }
    let target = wizard.resume_url(&run);
    wizard.respond(request, session, &mut run, Reply::Go(target))
}

/// `GET {base}/{step}`: the step's page, from its draft or stored answers.
pub(super) async fn show<W: Wizard>(
    index: usize,
    request: &HttpRequest,
    session: &Session,
    wizard: &Inner<W>,
) -> Result<HttpResponse, Problem> {
    let mut run = wizard.admitted_run(request, session).await?;
    let reply = wizard.step_reply(index, request, session, &mut run).await?;
    wizard.respond(request, session, &mut run, reply)
}

impl<W: Wizard> Inner<W> {
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

    /// Step `index`'s page for `run`: 404 when the step does not apply,
    /// a redirect to the step to be on when it is not reached yet.
    pub(super) async fn step_reply(
        &self,
        index: usize,
        request: &HttpRequest,
        session: &Session,
        run: &mut Run<W>,
    ) -> Result<Reply, Problem> {
        if self.steps.slots[index].list().is_some() {
            return Box::pin(self.list_reply(index, request, session, run)).await;
        }
        if !run.journey().is_active(index) {
            run.leave_visitor_cookie();
            let page = self.problem_page(request, self.not_found(run.base()));
            return Ok(Reply::Page(page));
        }
        if !run.journey().reachable(&self.steps, index) {
            run.leave_visitor_cookie();
            return Ok(Reply::Go(self.resume_url(run)));
        }
        let notice = self.arrival_notice(session, run).await;
        let now = run.now();
        keep_idle_clock_fresh(run, now, self.config.idle_timeout.as_secs());
        let slot = &self.steps.slots[index];
        let (values, errors) = shown_values(run.journey().record(slot.name()), slot.shape());
        let page = self.render_step(
            request,
            run,
            index,
            &values,
            &errors,
            notice,
            StatusCode::OK,
        )?;
        self.config.events.report(WizardEvent::StepShown {
            wizard: W::ID,
            run: run.id(),
            step: slot.name(),
            change: is_change(request),
        });
        Ok(Reply::Page(page))
    }

    /// On to step `target`: a redirect, or for a JSON client (which never
    /// meets one) the step's document itself, rendered from the run in
    /// hand rather than loaded again, its URL in `Content-Location`.
    pub(super) async fn go_to_step(
        &self,
        target: usize,
        request: &HttpRequest,
        session: &Session,
        run: &mut Run<W>,
    ) -> Result<Reply, Problem> {
        let url = self.place_url(run, target);
        if !Client::of(request).is_json() {
            return Ok(Reply::Go(url));
        }
        if url != self.step_url(run.base(), target) {
            // A new item's first step: the document it leads to is found
            // as for any redirect.
            return Ok(Reply::Go(url));
        }
        match self.step_reply(target, request, session, run).await? {
            Reply::Page(mut page) => {
                if let Ok(value) = HeaderValue::try_from(url.as_str()) {
                    page.headers_mut().insert(CONTENT_LOCATION, value);
                }
                Ok(Reply::Page(page))
            }
            other => Ok(other),
        }
    }
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

impl<W: Wizard> Inner<W> {
    /// Exit page `exit`, as the client asked for it.
    pub(super) fn exit_page(
        &self,
        exit: usize,
        request: &HttpRequest,
    ) -> Result<HttpResponse, Problem> {
        let rule = &self.steps.exits[exit];
        let base = self.runs.base_of(request);
        let back = self.step_url(&base, rule.step);
        let texts = &self.config.texts;
        if Client::of(request).is_json() {
            let document = json::exit_document(&rule.exit, &back);
            return Ok(json::respond(StatusCode::OK, &document));
        }
        let body = rule.exit.body(&back, texts);
        let title = rule.exit.title();
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

    /// The list and item a path under the base names (`/{list}/{item}/…`).
    pub(super) fn item_path(&self, segment: &str) -> Option<(usize, ItemPath)> {
        let rest = segment.strip_prefix('/')?;
        let (name, rest) = rest.split_once('/')?;
        let index = self
            .steps
            .slots
            .iter()
            .position(|slot| slot.name() == name)?;
        let list = self.steps.slots[index].list()?;
        Some((index, ItemPath::parse(list, rest)?))
    }
}

/// `GET {base}/complete`: the completion page, from the kept outcome.
pub(super) async fn complete<W: Wizard>(
    request: &HttpRequest,
    session: &Session,
    wizard: &Inner<W>,
) -> Result<HttpResponse, Problem> {
    let run = wizard.runs.load(request, session, &wizard.steps);
    let kept = wizard.runs.kept_outcome(session, &run).await;
    let outcome = kept
        .as_deref()
        .and_then(|json| serde_json::from_slice::<W::Outcome>(json).ok());
    let (Some(outcome), Some(kept)) = (outcome, kept) else {
        return Ok(see_other(run.base()));
    };
    if Client::of(request).is_json() {
        // The outcome as it was kept: it is JSON already.
        return Ok(json::respond(
            StatusCode::OK,
            &json::complete_document(run.base(), &kept),
        ));
    }
    let page = CompletePage {
        base: run.base(),
        texts: &wizard.config.texts,
        layout: W::layout,
    };
    match W::render_complete(&outcome, &page) {
        Ok(body) => Ok(html(StatusCode::OK, body)),
        Err(error) => {
            tracing::error!(%error, wizard = W::ID, "completion page did not render");
            Err(Problem::Internal)
        }
    }
}

/// For a JSON client, an answer is the document it leads to rather than a
/// redirect: the next step's (200, with its URL in the document and in
/// `Content-Location`) or the completion document. The cookies the
/// redirect set are kept.
pub(super) async fn follow<W: Wizard>(
    mut answer: Result<HttpResponse, Problem>,
    request: &HttpRequest,
    session: &Session,
    wizard: &Inner<W>,
) -> Result<HttpResponse, Problem> {
    let base = wizard.runs.base_of(request);
    // The entry redirects once more, to the step to be on.
    for _ in 0..2 {
        let Ok(redirect) = &answer else {
            return answer;
        };
        let location = redirect
            .headers()
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let Some(location) = location.filter(|_| redirect.status() == StatusCode::SEE_OTHER) else {
            return answer;
        };
        let path = location.split(['?', '#']).next().unwrap_or("");
        let Some(segment) = path.strip_prefix(&*base) else {
            return answer;
        };
        let cookies: Vec<HeaderValue> = redirect.headers().get_all(SET_COOKIE).cloned().collect();
        let next = if segment.is_empty() {
            entry(request, session, wizard).await
        } else if segment == format!("/{COMPLETE_SEGMENT}") {
            complete(request, session, wizard).await
        } else if let Some(index) = wizard
            .steps
            .slots
            .iter()
            .position(|slot| segment.strip_prefix('/') == Some(slot.name()))
        {
            show(index, request, session, wizard).await
        } else if let Some((index, item)) = wizard.item_path(segment) {
            Box::pin(show_item(index, item, request, session, wizard)).await
        } else if let Some(exit) = wizard
            .steps
            .exits
            .iter()
            .position(|rule| segment.strip_prefix('/') == Some(rule.exit.segment()))
        {
            wizard.exit_page(exit, request)
        } else {
            return answer;
        };
        answer = next.map(|mut response| {
            let headers = response.headers_mut();
            let set_later: Vec<HeaderValue> = headers.get_all(SET_COOKIE).cloned().collect();
            headers.remove(SET_COOKIE);
            for cookie in cookies.into_iter().chain(set_later) {
                headers.append(SET_COOKIE, cookie);
            }
            if let Ok(value) = HeaderValue::try_from(location.as_str()) {
                headers.insert(CONTENT_LOCATION, value);
            }
            response
        });
    }
    answer
}
