//! `POST {base}/resume`: the address a link was sent to, checked before
//! anything of the run shows; the right one resumes the run in this
//! session, under its own id, where it was left.

use actix_session::Session;
use actix_web::cookie::Cookie;
use actix_web::http::Method;
use actix_web::{HttpRequest, HttpResponse, web};
use subtle::ConstantTimeEq;

use super::{Inner, Reply};
use crate::body::read_form;
use crate::csrf::CSRF_FIELD;
use crate::events::WizardEvent;
use crate::problem::Problem;
use crate::render::save_return::EMAIL;
use crate::save_return::{LinkStatus, SaveAndReturn, SavedRun, normalised};
use crate::wizard::Wizard;

/// Whether two keyed hashes are the same, in constant time.
fn same(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

impl<W: Wizard> Inner<W> {
    /// Under `{base}/resume`: the page that asks for the address (`GET`,
    /// `POST`), and the link itself (`GET /resume/{token}`).
    pub(super) async fn on_resume(
        &self,
        request: &HttpRequest,
        session: &Session,
        payload: web::Payload,
    ) -> Result<HttpResponse, Problem> {
        let base = self.runs.base_of(request);
        let page = format!("{base}/{}", crate::declaration::RESUME_SEGMENT);
        let rest = request.path().strip_prefix(&page).unwrap_or("");
        let method = request.method();
        match rest.strip_prefix('/') {
            None if method == Method::POST => self.resume(request, session, payload).await,
            None if method == Method::GET || method == Method::HEAD => {
                self.ask_address(request).await
            }
            None => Err(Problem::MethodNotAllowed {
                allow: "GET, HEAD, POST",
            }),
            Some(token) if token.is_empty() || token.contains('/') => Err(Problem::LinkUnknown {
                start: base.to_string(),
            }),
            Some(token) if method == Method::GET || method == Method::HEAD => {
                self.open_link(request, token).await
            }
            Some(_) => Err(Problem::MethodNotAllowed { allow: "GET, HEAD" }),
        }
    }

    /// `POST {base}/resume`.
    pub(super) async fn resume(
        &self,
        request: &HttpRequest,
        session: &Session,
        payload: web::Payload,
    ) -> Result<HttpResponse, Problem> {
        let save = self.save_config(request)?;
        let form = read_form(request, payload, &self.config).await?;
        let start = self.runs.base_of(request).to_string();
        let token = Self::link_token(request).ok_or(Problem::LinkUnknown { start })?;
        let found = self.live_link(request, save, &token).await?;
        let sent = form.first(CSRF_FIELD).unwrap_or("");
        if !same(sent, &self.runs.keyed_hash(&token, "link-form")) {
            let form = request.path().to_owned();
            return Err(Problem::Csrf { form });
        }
        let typed = form.first(EMAIL).unwrap_or("").trim().to_owned();
        let tag = self.address_tag(&normalised(&typed), &found.run);
        if !same(&tag, &found.email_tag) {
            return self.wrong_address(request, save, &token, &typed).await;
        }
        let hash = self.runs.keyed_hash(&token, "link");
        let taken = save.saved.take(&hash, self.runs.now()).await;
        let Some(saved) = taken.map_err(super::save_return::store_down)? else {
            // Another request used it first.
            let start = self.runs.base_of(request).to_string();
            return Err(Problem::LinkGone {
                why: LinkStatus::Used,
                start,
            });
        };
        self.resumed(request, session, &saved)
    }

    /// An address that is not the one the link went to: counted, and the
    /// page again, or the link's end at the last wrong answer allowed.
    async fn wrong_address(
        &self,
        request: &HttpRequest,
        save: &SaveAndReturn,
        token: &str,
        typed: &str,
    ) -> Result<HttpResponse, Problem> {
        let hash = self.runs.keyed_hash(token, "link");
        let tries = save.saved.miss(&hash, save.wrong_answers).await;
        let tries = tries.map_err(super::save_return::store_down)?;
        self.config.events.report(WizardEvent::LinkRefused {
            wizard: W::ID,
            reason: "wrong-address",
        });
        if tries >= save.wrong_answers {
            let start = self.runs.base_of(request).to_string();
            return Err(Problem::LinkGone {
                why: LinkStatus::Ended,
                start,
            });
        }
        let wrong = self.texts(request).save.resume_wrong.clone();
        self.address_page(request, token, typed, Some(&wrong))
    }

    /// The saved run made this session's, and on to where it was left;
    /// the link's cookie goes.
    fn resumed(
        &self,
        request: &HttpRequest,
        session: &Session,
        saved: &SavedRun,
    ) -> Result<HttpResponse, Problem> {
        let Some(state) = self.runs.open_saved(&saved.run, &saved.sealed) else {
            tracing::error!(run = saved.run, "a saved run did not open");
            let start = self.runs.base_of(request).to_string();
            return Err(Problem::LinkUnknown { start });
        };
        let mut run = self.runs.adopt(request, session, &self.steps, state);
        self.config.events.report(WizardEvent::RunResumed {
            wizard: W::ID,
            run: run.id(),
        });
        // The page it was saved on (its gates send it on when that page no
        // longer applies).
        let target = match saved.page.starts_with(&format!("{}/", run.base())) {
            true => saved.page.clone(),
            false => self.resume_url(&run),
        };
        let mut response = self.respond(request, session, &mut run, Reply::Go(target))?;
        let mut gone = Cookie::new(super::save_return::LINK_COOKIE, "");
        gone.set_path(format!(
            "{}/{}",
            run.base(),
            crate::declaration::RESUME_SEGMENT
        ));
        gone.make_removal();
        response.add_cookie(&gone).map_err(|_| Problem::Internal)?;
        Ok(response)
    }
}
