//! [`Visitor`]: one browser tab of a test, on a cookie jar.

use std::cell::RefCell;
use std::marker::PhantomData;
use std::rc::Rc;

use actix_session::SessionExt;
use actix_web::HttpResponse;
use actix_web::dev::ResourceDef;
use actix_web::test::TestRequest;

use super::app::{Answers, Planting, TestApp};
use super::fill;
use super::jar::CookieJar;
use super::seen::Seen;

use crate::cipher::StateCipher;
use crate::config::Clock;
use crate::once::Finishes;
use crate::run::Runs;
use crate::step::Step;
use crate::wizard::Wizard;

// Here rather than beside the rest of `TestApp`: the application does
// not need to know its visitors.
impl TestApp {
    /// A new visitor of wizard `W` mounted at `base`, with an empty
    /// cookie jar (a browser profile of their own).
    pub fn visitor<W: Wizard>(&self, base: &str) -> Visitor<'_, W> {
        Visitor::new(self, base)
    }
}

/// One visitor of one wizard: a browser tab on a cookie jar.
pub struct Visitor<'a, W> {
    app: &'a TestApp,
    base: String,
    jar: Rc<RefCell<CookieJar>>,
    pub(super) page: Option<Seen>,
    /// Whether the page runs htmx: requests carry `HX-Request`, and
    /// `HX-Location`/`HX-Redirect` are followed as htmx follows them.
    htmx: bool,
    /// Whether the visitor is a JSON client: requests carry
    /// `Accept: application/json`.
    json: bool,
    /// The CSRF token of the last JSON document that carried one, as a
    /// script keeps it across a problem document.
    json_token: Option<String>,
    wizard: PhantomData<W>,
}

impl<'a, W: Wizard> Visitor<'a, W> {
    /// A visitor of `app` at `base` with an empty cookie jar.
    pub(super) fn new(app: &'a TestApp, base: &str) -> Self {
        Self::in_jar(app, base, Rc::default())
    }

    /// A visitor of `base` with no page yet, keeping its cookies in `jar`.
    fn in_jar(app: &'a TestApp, base: &str, jar: Rc<RefCell<CookieJar>>) -> Self {
        Self {
            app,
            base: base.trim_end_matches('/').to_owned(),
            jar,
            page: None,
            htmx: false,
            json: false,
            json_token: None,
            wizard: PhantomData,
        }
    }

    /// Another tab of the same browser: the same cookie jar, its own page.
    pub fn tab(&self) -> Self {
        Self {
            app: self.app,
            base: self.base.clone(),
            jar: Rc::clone(&self.jar),
            page: self.page.clone(),
            htmx: self.htmx,
            json: self.json,
            json_token: None,
            wizard: PhantomData,
        }
    }

    /// Another tab of the same browser on another resource of the wizard
    /// (a wizard mounted at `/bookings/{booking}/change`: `base` is
    /// `/bookings/8/change`). It starts with no page.
    pub fn tab_on(&self, base: &str) -> Self {
        Self::in_jar(self.app, base, Rc::clone(&self.jar))
    }

    /// The same browser (the same cookie jar) on another instance of the
    /// application: after a restart, or behind a load balancer without
    /// stickiness. The new visitor starts with no page.
    pub fn moved_to<'b>(&self, app: &'b TestApp) -> Visitor<'b, W> {
        Visitor::in_jar(app, &self.base, Rc::clone(&self.jar))
    }

    /// From now on, the visitor's page runs htmx (a form with `hx-boost`,
    /// say): every request says `HX-Request: true`, step pages come back
    /// as fragments, and the wizard's `HX-Location` (fetched, still with
    /// htmx) and `HX-Redirect` (a whole-page load) are followed as htmx
    /// follows them; [`Seen::redirects`] lists them.
    pub fn use_htmx(&mut self) {
        self.htmx = true;
    }

    /// From now on, the visitor is a JSON client (a single-page app, a
    /// mobile app): every request asks for `application/json`, and
    /// [`Seen::json`] reads the documents.
    pub fn use_json(&mut self) {
        self.json = true;
    }

    /// Posts `body` as JSON to `path`, as a JSON client does: with
    /// `Accept: application/json` and the CSRF token of the last document
    /// that carried one in the `X-CSRF-Token` header.
    ///
    /// ```no_run
    /// # async fn example<W: actix_wizard::Wizard>(visitor: &mut actix_wizard::testing::Visitor<'_, W>) {
    /// visitor.use_json();
    /// visitor.open("/signup/account").await;
    /// let next = visitor
    ///     .post_json("/signup/account", &serde_json::json!({"action": "next", "email": "a@b.c"}))
    ///     .await;
    /// assert_eq!(next.status(), 422);
    /// # }
    /// ```
    pub async fn post_json(&mut self, path: &str, body: &serde_json::Value) -> &Seen {
        let token = self.json_token.clone();
        let body = body.to_string();
        self.send(path, move |request| {
            let request = request
                .method(actix_web::http::Method::POST)
                .insert_header(("Accept", "application/json"))
                .insert_header(("Content-Type", "application/json"))
                .set_payload(body);
            match token {
                Some(token) => request.insert_header((crate::csrf::CSRF_HEADER, token)),
                None => request,
            }
        })
        .await
    }

    /// The cookie jar (shared with this visitor's other tabs).
    pub fn jar(&self) -> std::cell::RefMut<'_, CookieJar> {
        self.jar.borrow_mut()
    }

    /// The page the visitor is on.
    ///
    /// # Panics
    ///
    /// Before the first page.
    pub fn page(&self) -> &Seen {
        self.page
            .as_ref()
            .unwrap_or_else(|| panic!("the visitor has not opened a page yet"))
    }

    /// The id of the run the visitor's cookie names (the one
    /// [`Finish::run`](crate::Finish::run) gives), once the wizard has
    /// set it.
    pub fn run_id(&self) -> Option<String> {
        let name = crate::visitor::visitor_cookie_name(W::ID);
        let jar = self.jar.borrow();
        let value = jar.get(&name)?;
        let (visitor, _) = value.rsplit_once('.')?;
        crate::visitor::Ticket::decode(visitor).map(|v| v.run)
    }

    /// `GET path`, following redirects as a browser does.
    ///
    /// ```no_run
    /// # async fn example<W: actix_wizard::Wizard>(app: &actix_wizard::testing::TestApp, visitor: &mut actix_wizard::testing::Visitor<'_, W>) {
    /// let page = visitor.open("/signup").await;
    /// assert_eq!(page.redirects(), ["/signup/account"]);
    /// page.assert_step("account");
    /// # }
    /// ```
    pub async fn open(&mut self, path: &str) -> &Seen {
        let request = TestRequest::get().uri(path);
        self.follow(request, path).await
    }

    /// Fills the form of step `S` with `step` (exactly the pairs a browser
    /// would send, secrets included) and presses its main button
    /// (Continue, or the last step's finish button); follows the
    /// redirect.
    ///
    /// # Panics
    ///
    /// When the visitor is not on step `S`'s page, with what the page
    /// shows.
    pub async fn submit<S: Step>(&mut self, step: &S) -> &Seen {
        self.expect_step(S::NAME);
        let pairs = fill::pairs_of(step);
        let action = self.main_action();
        self.post_form(&action, &pairs).await
    }

    /// Sends the current page's form with `pairs` as typed (raw values:
    /// a wrong type, a missing field) and its main button.
    ///
    /// ```no_run
    /// # async fn example<W: actix_wizard::Wizard>(app: &actix_wizard::testing::TestApp, visitor: &mut actix_wizard::testing::Visitor<'_, W>) {
    /// let page = visitor.submit_pairs(&[("age", "abc")]).await;
    /// page.assert_status(422).assert_error("age", "Enter a whole number");
    /// assert_eq!(page.value("age").as_deref(), Some("abc"));
    /// # }
    /// ```
    pub async fn submit_pairs(&mut self, pairs: &[(&str, &str)]) -> &Seen {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let action = self.main_action();
        self.post_form(&action, &pairs).await
    }

    /// Presses Back without changing anything: the form goes as it
    /// stands, and the step keeps it as a draft.
    ///
    /// ```no_run
    /// # async fn example<W: actix_wizard::Wizard>(app: &actix_wizard::testing::TestApp, visitor: &mut actix_wizard::testing::Visitor<'_, W>) {
    /// visitor.back().await.assert_step("account");
    /// # }
    /// ```
    pub async fn back(&mut self) -> &Seen {
        let pairs = self.page().form_pairs();
        self.post_form("back", &pairs).await
    }

    /// Fills step `S`'s form with `step`, then presses Back: what was
    /// typed is kept as the step's draft.
    pub async fn back_with<S: Step>(&mut self, step: &S) -> &Seen {
        self.expect_step(S::NAME);
        let pairs = fill::pairs_of(step);
        self.post_form("back", &pairs).await
    }

    /// What the page's drafts script sends when the visitor typed `pairs`
    /// and paused, or left the page: a beacon saving them as the step's
    /// draft, with the page's token and revision. The visitor stays on the
    /// page (a beacon's answer is not shown); gives the answer's status.
    pub async fn save_draft(&mut self, pairs: &[(&str, &str)]) -> actix_web::http::StatusCode {
        let page = self.page();
        let target = page
            .form_action()
            .unwrap_or_else(|| panic!("the page has no form: {}", page.describe()));
        let token = page.csrf_token().unwrap_or_default();
        let hidden = page.hidden_pairs();
        let mut all: Vec<(&str, &str)> = vec![(crate::csrf::CSRF_FIELD, token.as_str())];
        all.extend(hidden.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        all.extend(pairs.iter().copied());
        all.push(("action", "draft"));
        let body = serde_urlencoded::to_string(&all)
            .unwrap_or_else(|error| panic!("form not encoded: {error}"));
        let request = TestRequest::post()
            .uri(&target)
            .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
            .set_payload(body);
        let (status, _, _) = self.exchange(request, &target, false).await;
        status
    }

    /// Sends a form with the current page's CSRF token to another URL
    /// than the page's own, pressing `action` with `pairs`: a stale form
    /// kept open in another window, or a visitor trying to skip ahead.
    pub async fn post_to(&mut self, path: &str, action: &str, pairs: &[(&str, &str)]) -> &Seen {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.post_form_to(path, action, &pairs).await
    }

    /// Presses the form's button `action` (`next`, `back`, `finish`) with
    /// `pairs`.
    pub async fn press(&mut self, action: &str, pairs: &[(&str, &str)]) -> &Seen {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.post_form(action, &pairs).await
    }

    /// Sends a request to `path` as `build` makes it from a `GET` (a
    /// malformed body, another content type, a method the page does not
    /// take) with this visitor's cookies, and follows redirects.
    ///
    /// ```no_run
    /// # async fn example(visitor: &mut actix_wizard::testing::Visitor<'_, impl actix_wizard::Wizard>) {
    /// let page = visitor
    ///     .send("/signup/account", |request| {
    ///         request
    ///             .method(actix_web::http::Method::POST)
    ///             .insert_header(("Content-Type", "text/plain"))
    ///             .set_payload("hello")
    ///     })
    ///     .await;
    /// page.assert_status(415);
    /// # }
    /// ```
    pub async fn send(
        &mut self,
        path: &str,
        build: impl FnOnce(TestRequest) -> TestRequest,
    ) -> &Seen {
        let request = build(TestRequest::get().uri(path));
        self.follow(request, path).await
    }

    /// Like [`Visitor::send`], without following a redirect: the page kept
    /// is the response itself (its status, headers and body), as a client
    /// that reads redirects sees it. Its cookies are kept as a browser
    /// keeps them.
    ///
    /// ```no_run
    /// # async fn example(visitor: &mut actix_wizard::testing::Visitor<'_, impl actix_wizard::Wizard>) {
    /// let entry = visitor.fetch("/signup", |request| request).await;
    /// entry.assert_status(303);
    /// assert_eq!(entry.header("location"), Some("/signup/account"));
    /// # }
    /// ```
    pub async fn fetch(
        &mut self,
        path: &str,
        build: impl FnOnce(TestRequest) -> TestRequest,
    ) -> &Seen {
        let request = build(TestRequest::get().uri(path));
        self.follow_at_most(request, path, 0).await
    }

    /// Starts a run of this wizard with `answers` as its completed steps,
    /// stored in the application's session store as the pipeline stores a
    /// run (sealed when the setup seals state), then opens the wizard: the
    /// visitor lands on the step that run is on. Earlier cookies of the
    /// wizard's session are replaced.
    ///
    /// The run goes into a store the setup's store factory makes: with
    /// [`crate::WizardSetup::new`] that is the application's store itself; a
    /// factory given to [`crate::WizardSetup::with_store_factory`] must hand out
    /// handles on one store (as it must for a server's workers to share
    /// sessions).
    ///
    /// # Panics
    ///
    /// When a step of `answers` is not a step of the wizard, or the store
    /// refuses the session.
    pub async fn start_with(&mut self, answers: Answers<W>) -> &Seen {
        let steps = W::steps();
        assert_steps_of(&steps, &answers);
        let config = &self.app.config;
        let key = config
            .state_key
            .clone()
            .unwrap_or_else(|| panic!("the setup has no state key"));
        // The wizard's mount path, a pattern for a wizard on a resource.
        let mount = (self.app.mount_of)(W::ID).unwrap_or_else(|| self.base.clone());
        let runs = Runs::new(
            W::ID,
            &mount,
            config,
            StateCipher::new(&key),
            Finishes::new(None),
        );
        let base = self.base.clone();
        // What a step's valid POST does to a run, through the same calls:
        // load the run, store each step's answers, save.
        let planting: Planting = Box::new(move |request| {
            let pattern = ResourceDef::new(mount.as_str());
            if !pattern.capture_match_info(request.match_info_mut()) {
                panic!("{base} is not a resource of a wizard at {mount}");
            }
            let session = request.get_session();
            let request = request.request();
            let mut run = runs.load::<W>(request, &session, &steps);
            for (name, json) in answers.steps {
                let index = steps.slots.iter().position(|slot| slot.name() == name);
                let index = index.unwrap_or_else(|| panic!("{name:?} is not a step"));
                run.store_answers(&steps, index, json);
            }
            for (list, item) in answers.items {
                plant_item(&runs, &steps, &mut run, list, item);
            }
            runs.save(request, &session, &mut run, HttpResponse::Ok().finish())
                .unwrap_or_else(|problem| panic!("run not planted: {problem:?}"))
        });
        let planted = self.app.plant(&self.base, planting).await;
        assert!(
            planted.status().is_success(),
            "run not planted: {}",
            planted.status()
        );
        {
            // The run belongs to the cookies it was saved with; the
            // session's cookie replaces the wizard's earlier one.
            let mut jar = self.jar.borrow_mut();
            jar.store_from(planted.headers(), &self.base, self.app.clock.now());
        }
        let base = self.base.clone();
        self.open(&base).await
    }

    /// Answers the list page's question (yes: add another; no: go on)
    /// and presses Continue; follows the redirect.
    pub async fn add_another(&mut self, yes: bool) -> &Seen {
        let answer = if yes { "yes" } else { "no" };
        self.submit_pairs(&[(crate::repeat::ADD_ANOTHER, answer)])
            .await
    }

    /// Panics unless the visitor is on step `name`'s form.
    #[track_caller]
    fn expect_step(&self, name: &str) {
        let page = self.page();
        assert!(
            page.step() == Some(name) && page.form_action().is_some(),
            "the visitor is not on step {name:?}'s form: {}",
            page.describe()
        );
    }

    /// The value of the page's first action button (`next` or `finish`).
    pub(super) fn main_action(&self) -> String {
        let page = self.page();
        page.buttons()
            .into_iter()
            .map(|(value, _)| value)
            .find(|value| value != "back")
            .unwrap_or_else(|| panic!("the page has no button to press: {}", page.describe()))
    }

    /// Posts the current page's form with its token, `pairs` and
    /// `action`.
    async fn post_form(&mut self, action: &str, pairs: &[(String, String)]) -> &Seen {
        let page = self.page();
        let target = page
            .form_action()
            .unwrap_or_else(|| panic!("the page has no form: {}", page.describe()));
        self.post_form_to(&target, action, pairs).await
    }

    /// Posts a form to `target` with the current page's token, `pairs`
    /// and `action`.
    async fn post_form_to(
        &mut self,
        target: &str,
        action: &str,
        pairs: &[(String, String)],
    ) -> &Seen {
        let token = self
            .page
            .as_ref()
            .and_then(Seen::csrf_token)
            .unwrap_or_default();
        // A browser sends the form's hidden inputs with every button.
        let hidden = self
            .page
            .as_ref()
            .map(Seen::hidden_pairs)
            .unwrap_or_default();
        let mut all: Vec<(&str, &str)> = vec![(crate::csrf::CSRF_FIELD, token.as_str())];
        all.extend(hidden.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        all.extend(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        all.push(("action", action));
        let body = serde_urlencoded::to_string(&all)
            .unwrap_or_else(|error| panic!("form not encoded: {error}"));
        let request = TestRequest::post()
            .uri(target)
            .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
            .set_payload(body);
        self.follow(request, target).await
    }

    /// Sends `request` (to `path`) and follows redirects with `GET`, as a
    /// browser does after a form post; keeps the last page.
    pub(super) async fn follow(&mut self, request: TestRequest, path: &str) -> &Seen {
        self.follow_at_most(request, path, 10).await
    }

    /// [`Visitor::follow`], following at most `hops` redirects: with none,
    /// the page kept is the first response, redirect or not.
    async fn follow_at_most(&mut self, mut request: TestRequest, path: &str, hops: usize) -> &Seen {
        let mut path = path.to_owned();
        let mut redirects = Vec::new();
        let mut swap = self.htmx;
        loop {
            let (status, headers, body) = self.exchange(request, &path, swap).await;
            let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
            // Where the client goes next: a redirect; with htmx, also
            // HX-Location (fetched and swapped, htmx still on) and
            // HX-Redirect (a whole-page navigation).
            let next = if status.is_redirection() {
                header("Location").map(|l| (l.to_owned(), swap))
            } else if self.htmx {
                header("HX-Location")
                    .map(|l| (htmx_location_path(l), true))
                    .or_else(|| header("HX-Redirect").map(|l| (l.to_owned(), false)))
            } else {
                None
            };
            match next {
                Some((location, as_swap)) if redirects.len() < hops => {
                    redirects.push(location.clone());
                    request = TestRequest::get().uri(&location);
                    path = location;
                    swap = as_swap;
                }
                _ => {
                    let token = serde_json::from_str::<serde_json::Value>(&body)
                        .ok()
                        .and_then(|doc| doc["csrf_token"].as_str().map(str::to_owned));
                    if token.is_some() {
                        self.json_token = token;
                    }
                    // A JSON client's form answer is the document it led
                    // to; its address is where that document lives.
                    if let Some(location) = header("Content-Location") {
                        path = location.to_owned();
                    }
                    let html = scraper::Html::parse_document(&body);
                    self.page = Some(Seen {
                        status,
                        url: path,
                        redirects,
                        headers,
                        body,
                        html,
                        base: self.base.clone(),
                    });
                    return self.page();
                }
            }
        }
    }

    /// One request and its response, cookies sent and kept.
    async fn exchange(
        &mut self,
        request: TestRequest,
        path: &str,
        swap: bool,
    ) -> (
        actix_web::http::StatusCode,
        actix_web::http::header::HeaderMap,
        String,
    ) {
        let now = self.app.clock.now();
        let request = if swap {
            request.insert_header(("HX-Request", "true"))
        } else {
            request
        };
        let request = if self.json {
            request.insert_header(("Accept", "application/json"))
        } else {
            request
        };
        let path_only = path.split(['?', '#']).next().unwrap_or("/");
        let header = self.jar.borrow_mut().header_for(path_only, now);
        let request = match header {
            Some(cookies) => request.insert_header(("Cookie", cookies)),
            None => request,
        };
        let response = self.app.service.call(request.to_request()).await;
        let status = response.status();
        let headers = response.headers().clone();
        self.jar
            .borrow_mut()
            .store_from(&headers, path_only, self.app.clock.now());
        let bytes = actix_web::body::to_bytes(response.into_body())
            .await
            .unwrap_or_default();
        (
            status,
            headers,
            String::from_utf8_lossy(&bytes).into_owned(),
        )
    }
}

/// The path of an `HX-Location` header: a path, or JSON with a `path`.
fn htmx_location_path(header: &str) -> String {
    serde_json::from_str::<serde_json::Value>(header)
        .ok()
        .and_then(|value| value.get("path")?.as_str().map(str::to_owned))
        .unwrap_or_else(|| header.to_owned())
}

/// Stores `item` as a new item of list `list`, as its steps' valid POSTs
/// would, and the list as answered.
fn plant_item<W: Wizard>(
    runs: &Runs,
    steps: &crate::steps::Steps<W>,
    run: &mut crate::run::Run<W>,
    list: &str,
    item: super::app::ItemAnswers,
) {
    let index = steps.slots.iter().position(|slot| slot.name() == list);
    let index = index.unwrap_or_else(|| panic!("{list:?} is not a step"));
    let declared = steps.slots[index]
        .list()
        .unwrap_or_else(|| panic!("{list:?} is not a list"));
    let id = runs.next_item_id(run, list);
    // The typed item first, as a step's form writes it, then its record.
    let position = run.journey().items(list).len();
    declared.push(run.answers_mut());
    for (name, json) in item.steps {
        let step = declared
            .step_named(name)
            .unwrap_or_else(|| panic!("{name:?} is not a step of list {list:?}'s items"));
        if let Err(error) = declared.load(run.answers_mut(), position, step, &json) {
            panic!("{name:?} of list {list:?} does not read back: {error}");
        }
        run.store_item_answers(steps, index, &id, step, json);
    }
    run.state_mut().step_mut(list).answers =
        serde_json::value::to_raw_value(&serde_json::json!({ crate::repeat::ADD_ANOTHER: "no" }))
            .ok();
    run.settle(steps);
}

/// Panics unless every step of `answers` is a step of the wizard.
fn assert_steps_of<W: Wizard>(steps: &crate::steps::Steps<W>, answers: &Answers<W>) {
    let names: Vec<&str> = steps.slots.iter().map(|slot| slot.name()).collect();
    for (name, _) in &answers.steps {
        assert!(
            names.contains(name),
            "{name:?} is not a step of wizard {:?}, whose steps are {names:?}",
            W::ID
        );
    }
}
