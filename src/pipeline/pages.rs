//! The pages a visitor reads: the entry, a step's page, the completion
//! page, and for JSON clients the document a redirect leads to.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::http::header::{CONTENT_LOCATION, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};

use super::visit::{is_change, keep_idle_clock_fresh, shown_values};
use super::{Inner, Reply, html, see_other};
use crate::check_answers::AnswerSection;
use crate::events::WizardEvent;
use crate::field_errors::FieldErrors;
use crate::form::RawForm;
use crate::headers::Client;
use crate::json;
use crate::problem::Problem;
use crate::render::{CompletePage, Page, Progress, Timeout};
use crate::run::Run;
use crate::translate;
use crate::wizard::Wizard;

impl<W: Wizard> Inner<W> {
    /// A page of the step at `index` titled `title`, posting to `action`,
    /// with what every page of a run shares; each kind of page sets the
    /// rest (a list's page takes it as it is).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn page<'p>(
        &'p self,
        request: &HttpRequest,
        run: &'p Run<W>,
        index: usize,
        title: &'p str,
        action: String,
        values: &'p RawForm,
        errors: &'p FieldErrors,
        notice: Option<&'p str>,
    ) -> Page<'p> {
        let journey = run.journey();
        let (current, total) = journey.position(index);
        Page {
            title,
            action,
            values,
            errors,
            csrf_token: run.csrf(),
            revision: journey.state.as_ref().map_or(0, |state| state.revision),
            progress: Progress { current, total },
            notice,
            has_back: true,
            is_last: false,
            button: None,
            is_change: is_change(request),
            can_save: self.can_save(),
            sections: &[],
            base: run.base(),
            fields: &[],
            texts: self.texts(request),
            layout: W::layout,
            fragment: Client::of(request) == Client::Fragment,
            placed: None,
            timeout: self.timeout_of(run),
            switcher: self.switcher(request),
        }
    }

    /// When the page's run expires and when to warn, with the warning on
    /// and something stored.
    fn timeout_of(&self, run: &Run<W>) -> Option<Timeout> {
        let warn_before = self.config.timeout_warning?.as_secs();
        let idle = self.config.idle_timeout.as_secs();
        let expires_at = run.expires_at(idle)?;
        Some(Timeout {
            expires_in: expires_at.saturating_sub(run.now()),
            warn_before,
            idle,
        })
    }

    /// The check-answers sections of the steps completed before the last
    /// one (`index`), each row's Change link landing on the control that
    /// has focus first (a date's day).
    fn answer_sections(
        &self,
        request: &HttpRequest,
        run: &mut Run<W>,
        index: usize,
    ) -> Vec<AnswerSection> {
        let base = run.base().to_owned();
        let done = run.journey().completed_before(&self.steps, index);
        let mut sections = Vec::new();
        for i in done {
            if self.steps.slots[i].list().is_some() {
                sections.extend(self.item_sections(request, run, i));
                continue;
            }
            let step = &self.steps.slots[i];
            let texts = self.texts(request);
            let mut rows = step.answers(run.answers_mut(), texts);
            let fields = translate::fields(texts, step.name(), step.fields());
            for row in &mut rows {
                if let Some(spec) = fields.iter().find(|f| f.name == row.field) {
                    row.field = spec.target_id(None);
                    row.change_label = spec.subject.map(str::to_owned);
                }
            }
            sections.push(AnswerSection {
                title: translate::title(texts, step.name(), step.title()).into(),
                change_url: format!("{}?change", self.step_url(&base, i)),
                rows,
            });
        }
        let totals = run.journey().answers.totals(self.texts(request));
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
            self.answer_sections(request, run, index)
        } else {
            Vec::new()
        };
        let mut action = self.step_url(run.base(), index);
        if is_change(request) {
            action.push_str("?change");
        }
        let texts = self.texts(request);
        let page = self.page(
            request,
            run,
            index,
            translate::title(texts, slot.name(), slot.title()),
            action,
            values,
            errors,
            notice,
        );
        let page = Page {
            has_back: run.journey().previous(index).is_some(),
            is_last,
            button: translate::button(texts, slot.name(), slot.button()),
            sections: &sections,
            fields: translate::fields(texts, slot.name(), slot.fields()),
            ..page
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
}

/// `GET {base}`: to the step the visitor should be on.
pub(super) async fn entry<W: Wizard>(
    request: &HttpRequest,
    session: &Session,
    wizard: &Inner<W>,
) -> Result<HttpResponse, Problem> {
    let mut run = wizard.admitted_run(request, session).await?;
    // A new item's URL is bound to the run: a list first keeps the cookie
    // that names the run.
    let resume = run.journey().resume(&wizard.steps);
    if !run.is_stored() && wizard.steps.slots[resume].list().is_none() {
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
        let notice = self.arrival_notice(request, session, run).await;
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
        texts: wizard.texts(request),
        layout: W::layout,
        switcher: wizard.switcher(request),
    };
    match W::render_complete(&outcome, &page) {
        Ok(body) => Ok(html(StatusCode::OK, body)),
        Err(error) => {
            tracing::error!(%error, wizard = W::ID, "completion page did not render");
            Err(Problem::Internal)
        }
    }
}
