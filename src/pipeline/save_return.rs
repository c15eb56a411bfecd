//! "Save and come back later" in the pipeline ([`crate::save_return`]):
//! the page that sends the link (`{base}/save`), the page that says where
//! it went (`{base}/saved`), and the link (`{base}/resume/{token}`), which
//! leaves the address bar for the page that asks for the address it was
//! sent to (`{base}/resume`) before the run is resumed.

use actix_session::Session;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieAge};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::{Inner, Reply, html, see_other};
use crate::body::read_form;
use crate::declaration::{RESUME_SEGMENT, SAVE_SEGMENT, SAVED_SEGMENT};
use crate::events::WizardEvent;
use crate::headers::Client;
use crate::problem::Problem;
use crate::render::Layout;
use crate::render::save_return::{EMAIL, EmailForm, FROM, sent_body};
use crate::run::Run;
use crate::save_return::{
    Letter, LinkStatus, SaveAndReturn, SavedRun, long_date, masked, normalised,
};
use crate::texts::fill;
use crate::wizard::Wizard;

/// The cookie that carries a link's token from the link to the page that
/// asks for the address (the token leaves the address bar).
pub(super) const LINK_COOKIE: &str = "wizard-link";
/// How long that cookie lasts: long enough to type an address.
const LINK_COOKIE_SECS: i64 = 30 * 60;
/// What a sender's count is kept under: a keyed hash of the address, and
/// of the session's holder.
const BY_ADDRESS: &str = "sends-by-address";
const BY_SESSION: &str = "sends-by-session";

impl<W: Wizard> Inner<W> {
    pub(super) fn save_config(&self, request: &HttpRequest) -> Result<&SaveAndReturn, Problem> {
        let start = self.runs.base_of(request).to_string();
        self.config
            .save_and_return
            .as_ref()
            .ok_or(Problem::NotFound { start })
    }

    /// A page of these, in the wizard's layout.
    fn save_page(
        &self,
        request: &HttpRequest,
        status: StatusCode,
        (title, body): (&str, &str),
    ) -> Result<HttpResponse, Problem> {
        // htmx swaps the body alone into the page it has.
        if Client::of(request) == Client::Fragment {
            return Ok(html(status, body.to_owned()));
        }
        let texts = self.texts(request);
        let page = W::layout(&Layout::new(title, body, texts)).map_err(|error| {
            tracing::error!(%error, "a save-and-return page did not render");
            Problem::Internal
        })?;
        Ok(html(status, page))
    }

    /// The page that asks where to send the link, with `value` in its
    /// field and `error` beside it.
    fn ask_page(
        &self,
        request: &HttpRequest,
        run: &Run<W>,
        save: &SaveAndReturn,
        (value, from): (&str, &str),
        error: Option<&str>,
    ) -> Result<HttpResponse, Problem> {
        let words = &self.texts(request).save;
        let until = long_date(run.now() + save.link_for.as_secs());
        let intro = fill(&words.ask_intro, &[("until", &until)]);
        let action = format!("{}/{SAVE_SEGMENT}", run.base());
        let form = EmailForm {
            title: &words.ask_title,
            intro: &intro,
            label: &words.email_label,
            hint: Some(&words.email_hint),
            button: &words.send_button,
            action: &action,
            token: run.csrf(),
            value,
            error,
            back: Some(from),
            from: Some(from),
        };
        let status = status_of(error);
        if Client::of(request).is_json() {
            return Ok(crate::json::respond(status, &form.document("save")));
        }
        let title = self.titled(request, &words.ask_title, error.is_some());
        self.save_page(request, status, (&title, &form.body(self.texts(request))))
    }

    fn titled(&self, request: &HttpRequest, title: &str, errors: bool) -> String {
        match errors {
            true => format!("{}{title}", self.texts(request).error_title_prefix),
            false => title.to_owned(),
        }
    }

    /// The page a save was asked on, when it is one of the run's (a path
    /// under its base, nothing else); else the page to be on.
    fn saved_page(&self, run: &Run<W>, sent: Option<&str>) -> String {
        let plain = |page: &&str| {
            page.strip_prefix(run.base())
                .is_some_and(|rest| rest.starts_with('/') && !rest.contains("//"))
                && page
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"/-_".contains(&b))
        };
        match sent.filter(plain) {
            Some(page) => page.to_owned(),
            None => self.resume_url(run),
        }
    }

    /// The address a declared field holds ([`SaveAndReturn::email_from`]).
    fn declared_email(&self, run: &Run<W>, save: &SaveAndReturn) -> String {
        let Some((step, field)) = save.email_from else {
            return String::new();
        };
        let record = run.journey().record(step);
        let answers = record.and_then(|record| record.answers.as_ref());
        let value: Option<serde_json::Value> =
            answers.and_then(|raw| serde_json::from_str(raw.get()).ok());
        value
            .as_ref()
            .and_then(|v| v.get(field)?.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// `GET {base}/save`.
    pub(super) fn ask_where(
        &self,
        request: &HttpRequest,
        session: &Session,
    ) -> Result<HttpResponse, Problem> {
        let save = self.save_config(request)?;
        let mut run = self.runs.load(request, session, &self.steps);
        if !run.is_stored() {
            let reply = Reply::Go(self.resume_url(&run));
            return self.respond(request, session, &mut run, reply);
        }
        let email = self.declared_email(&run, save);
        let query = web::Query::<std::collections::HashMap<String, String>>::from_query(
            request.query_string(),
        );
        let sent = query.ok().and_then(|q| q.get(FROM).cloned());
        let from = self.saved_page(&run, sent.as_deref());
        let page = self.ask_page(request, &run, save, (&email, &from), None)?;
        self.respond(request, session, &mut run, Reply::Page(page))
    }

    /// `POST {base}/save`: the address checked, the limit counted, the run
    /// copied to the saved runs and the link sent; on to `{base}/saved`.
    pub(super) async fn send_link(
        &self,
        request: &HttpRequest,
        session: &Session,
        payload: web::Payload,
    ) -> Result<HttpResponse, Problem> {
        let save = self.save_config(request)?;
        let form = read_form(request, payload, &self.config).await?;
        let mut run = self.runs.load(request, session, &self.steps);
        if !run.is_stored() {
            let reply = Reply::Go(self.resume_url(&run));
            return self.respond(request, session, &mut run, reply);
        }
        let token = crate::json::sent_token(&form, request.headers());
        if !self.runs.csrf_matches(&mut run, token) {
            let form = request.path().to_owned();
            return Err(Problem::Csrf { form });
        }
        let typed = form.first(EMAIL).unwrap_or("").trim().to_owned();
        let words = &self.texts(request).save;
        let wrong = match typed.as_str() {
            "" => Some(&words.email_missing),
            typed if !validator::ValidateEmail::validate_email(&typed) => {
                Some(&words.email_invalid)
            }
            _ => None,
        };
        let from = self.saved_page(&run, form.first(FROM));
        if let Some(wrong) = wrong {
            let page = self.ask_page(request, &run, save, (&typed, &from), Some(wrong))?;
            return self.respond(request, session, &mut run, Reply::Page(page));
        }
        let to = (typed.as_str(), from.as_str());
        let reply = match self.keep_and_send(request, session, &run, save, to).await {
            Ok(reply) => reply,
            Err(problem) => Reply::Page(self.problem_page(request, problem)),
        };
        self.respond(request, session, &mut run, reply)
    }
}

impl<W: Wizard> Inner<W> {
    /// The session entry that tells `{base}/saved` where the link went.
    fn sent_entry(&self) -> String {
        format!("wizard.{}.link-sent", W::ID)
    }

    /// Where links start: the configured origin, else the request's.
    fn origin(request: &HttpRequest, save: &SaveAndReturn) -> String {
        if let Some(origin) = &save.origin {
            return origin.clone();
        }
        let info = request.connection_info();
        format!("{}://{}", info.scheme(), info.host())
    }

    /// Counts the message against the address's and the session's limits
    /// (429 over either), copies the run, sends the link.
    async fn keep_and_send(
        &self,
        request: &HttpRequest,
        session: &Session,
        run: &Run<W>,
        save: &SaveAndReturn,
        (address, page): (&str, &str),
    ) -> Result<Reply, Problem> {
        let (now, normal) = (run.now(), normalised(address));
        let senders = [
            self.runs.keyed_hash(&normal, BY_ADDRESS),
            self.runs.keyed_hash(run.holder(), BY_SESSION),
        ];
        let store = &*save.saved;
        let sends = store.sends(&senders, now.saturating_sub(3600)).await;
        let full = sends
            .map_err(store_down)?
            .into_iter()
            .filter(|s| s.count >= save.sends_per_hour);
        if let Some(oldest) = full.filter_map(|s| s.oldest).min() {
            let minutes = (oldest + 3600).saturating_sub(now).div_ceil(60).max(1);
            let form = format!("{}/{SAVE_SEGMENT}", run.base());
            return Err(Problem::TooManySends { minutes, form });
        }
        store.sent(&senders, now).await.map_err(store_down)?;
        let token = crate::csrf::random_id(32);
        let saved = SavedRun {
            run: run.id().to_owned(),
            wizard: W::ID.to_owned(),
            page: page.to_owned(),
            token_hash: self.runs.keyed_hash(&token, "link"),
            email_tag: self.address_tag(&normal, run.id()),
            sealed: self.runs.seal_saved(run).map_err(|_| Problem::Internal)?,
            saved_at: now,
            expires_at: now + save.link_for.as_secs(),
            wrong_tries: 0,
            status: LinkStatus::Live,
        };
        store.keep(&saved).await.map_err(store_down)?;
        let link = format!(
            "{}{}/{RESUME_SEGMENT}/{token}",
            Self::origin(request, save),
            run.base()
        );
        self.mail_link(request, save, address, &link, saved.expires_at, run)
            .await?;
        #[cfg(feature = "uploads")]
        self.keep_files_until(run, saved.expires_at).await;
        let note = format!("{} {}", saved.expires_at, masked(address));
        if let Err(error) = session.insert(self.sent_entry(), note) {
            tracing::warn!(%error, "where the link went was not kept for the next page");
        }
        Ok(Reply::Go(format!("{}/{SAVED_SEGMENT}", run.base())))
    }

    /// The keyed tag of an address, bound to its run.
    pub(super) fn address_tag(&self, normal: &str, run: &str) -> String {
        self.runs.keyed_hash(normal, &format!("address:{run}"))
    }

    async fn mail_link(
        &self,
        request: &HttpRequest,
        save: &SaveAndReturn,
        address: &str,
        link: &str,
        until: u64,
        run: &Run<W>,
    ) -> Result<(), Problem> {
        let words = &self.texts(request).save;
        let until = long_date(until);
        let letter = Letter {
            to: address.to_owned(),
            subject: words.mail_subject.to_string(),
            body: fill(&words.mail_body, &[("link", link), ("until", &until)]),
        };
        if let Err(error) = save.mailer.send(&letter).await {
            tracing::warn!(%error, wizard = W::ID, "the link was not sent");
            let form = format!("{}/{SAVE_SEGMENT}", run.base());
            return Err(Problem::MailFailed { form });
        }
        self.config.events.report(WizardEvent::RunSaved {
            wizard: W::ID,
            run: run.id(),
        });
        Ok(())
    }

    /// `GET {base}/saved`: where the link went, and until when.
    pub(super) fn link_sent(
        &self,
        request: &HttpRequest,
        session: &Session,
    ) -> Result<HttpResponse, Problem> {
        self.save_config(request)?;
        let mut run = self.runs.load(request, session, &self.steps);
        let note: Option<String> = session.get(&self.sent_entry()).ok().flatten();
        let sent = note.as_deref().and_then(|note| {
            let (until, address) = note.split_once(' ')?;
            Some((until.parse::<u64>().ok()?, address.to_owned()))
        });
        let Some((until, address)) = sent else {
            let reply = Reply::Go(self.resume_url(&run));
            return self.respond(request, session, &mut run, reply);
        };
        let words = &self.texts(request).save;
        let until = long_date(until);
        let line = fill(
            &words.sent_body,
            &[("address", &address), ("until", &until)],
        );
        let back = self.resume_url(&run);
        if Client::of(request).is_json() {
            let document = serde_json::json!({
                "page": "saved",
                "title": words.sent_title,
                "sent_to": address,
                "until": until,
                "text": line,
                "continue": back,
            });
            let page = crate::json::respond(StatusCode::OK, &document);
            return self.respond(request, session, &mut run, Reply::Page(page));
        }
        let body = sent_body(&words.sent_title, &line, &back, &words.sent_continue);
        let page = self.save_page(request, StatusCode::OK, (&words.sent_title, &body))?;
        self.respond(request, session, &mut run, Reply::Page(page))
    }

    /// After a finish: the run's saved copy goes, and its link says so.
    pub(super) async fn forget_saved(&self, run: &Run<W>) {
        let Some(save) = &self.config.save_and_return else {
            return;
        };
        if let Err(error) = save.saved.finished(run.id()).await {
            tracing::warn!(%error, run = run.id(), "a finished run's saved copy was not dropped");
        }
    }
}

/// A form's page: 422 with an error, else 200.
fn status_of(error: Option<&str>) -> StatusCode {
    match error {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    }
}

pub(super) fn store_down(error: anyhow::Error) -> Problem {
    tracing::error!(%error, "the saved runs did not answer");
    Problem::StoreDown
}

impl<W: Wizard> Inner<W> {
    /// The saved run of link `token` while it works; else the page that
    /// says why not (told to the event hooks).
    pub(super) async fn live_link(
        &self,
        request: &HttpRequest,
        save: &SaveAndReturn,
        token: &str,
    ) -> Result<SavedRun, Problem> {
        let start = self.runs.base_of(request).to_string();
        let hash = self.runs.keyed_hash(token, "link");
        let found = save.saved.find(&hash).await.map_err(store_down)?;
        let refused = |reason: &'static str| {
            let event = WizardEvent::LinkRefused {
                wizard: W::ID,
                reason,
            };
            self.config.events.report(event);
        };
        let Some(found) = found.filter(|found| found.wizard == W::ID) else {
            refused("unknown");
            return Err(Problem::LinkUnknown { start });
        };
        let why = match found.status {
            LinkStatus::Live if found.expires_at <= self.runs.now() => "expired",
            LinkStatus::Live => return Ok(found),
            LinkStatus::Used => "used",
            LinkStatus::Ended => "ended",
            LinkStatus::Finished => "finished",
        };
        refused(why);
        Err(Problem::LinkGone {
            why: found.status,
            start,
        })
    }

    /// `GET {base}/resume/{token}`: a link that works leaves the address
    /// bar (its token goes into a cookie of the resume page's own) for the
    /// page that asks for the address.
    pub(super) async fn open_link(
        &self,
        request: &HttpRequest,
        token: &str,
    ) -> Result<HttpResponse, Problem> {
        let save = self.save_config(request)?;
        self.live_link(request, save, token).await?;
        let page = format!("{}/{RESUME_SEGMENT}", self.runs.base_of(request));
        let cookie = Cookie::build(LINK_COOKIE, token.to_owned())
            .path(page.clone())
            .http_only(true)
            .secure(self.config.secure_cookies)
            .same_site(SameSite::Lax)
            .max_age(CookieAge::seconds(LINK_COOKIE_SECS))
            .finish();
        let mut response = see_other(&page);
        response
            .add_cookie(&cookie)
            .map_err(|_| Problem::Internal)?;
        Ok(response)
    }

    /// The link's token, from its cookie.
    pub(super) fn link_token(request: &HttpRequest) -> Option<String> {
        request.cookie(LINK_COOKIE).map(|c| c.value().to_owned())
    }

    /// The page that asks for the address a link went to.
    pub(super) fn address_page(
        &self,
        request: &HttpRequest,
        token: &str,
        value: &str,
        error: Option<&str>,
    ) -> Result<HttpResponse, Problem> {
        let words = &self.texts(request).save;
        let action = format!("{}/{RESUME_SEGMENT}", self.runs.base_of(request));
        let form_token = self.runs.keyed_hash(token, "link-form");
        let form = EmailForm {
            title: &words.resume_title,
            intro: &words.resume_intro,
            label: &words.resume_label,
            hint: None,
            button: &words.resume_button,
            action: &action,
            token: &form_token,
            value,
            error,
            back: None,
            from: None,
        };
        let status = status_of(error);
        if Client::of(request).is_json() {
            return Ok(crate::json::respond(status, &form.document("resume")));
        }
        let title = self.titled(request, &words.resume_title, error.is_some());
        self.save_page(request, status, (&title, &form.body(self.texts(request))))
    }

    /// `GET {base}/resume`.
    pub(super) async fn ask_address(&self, request: &HttpRequest) -> Result<HttpResponse, Problem> {
        let save = self.save_config(request)?;
        let start = self.runs.base_of(request).to_string();
        let token = Self::link_token(request).ok_or(Problem::LinkUnknown { start })?;
        self.live_link(request, save, &token).await?;
        self.address_page(request, &token, "", None)
    }
}
