//! The routes of a wizard: its steps, the completion page, the drafts
//! script, the schema, the 405s and 404s, and with runs per tab the
//! entry that lists them.

use std::sync::Arc;

use actix_session::Session;
use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::http::Method;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, guard, web};
use tracing::Instrument;

use super::follow::follow;
use super::item_pages::{show_item, submit_item};
use super::items::submit_list;
use super::pages::{complete, entry, show};
use super::steps::submit;
use super::{Inner, WizardService, cacheable, for_client, see_other, with_headers};
use crate::config::WizardConfig;
use crate::csrf::random_id;
use crate::declaration::{COMPLETE_SEGMENT, KEEP_ALIVE_SEGMENT};
use crate::headers::Client;
use crate::problem::Problem;
use crate::render::{SCRIPT_SEGMENT, WIZARD_SCRIPT};
use crate::run::{TAB_KEY_BYTES, TAB_SEGMENT};
use crate::schema::SCHEMA_SEGMENT;
use crate::tabs;
use crate::wizard::Wizard;

/// `GET` and `HEAD` (actix-web sends a `HEAD` answer without its body).
/// The method is compared in place: actix-web's method guards also note
/// in the request each method they refuse, for an `Allow` header, which
/// costs an allocation per refused guard; every resource here writes its
/// own 405 with its `Allow` ([`not_allowed`]).
fn get_or_head() -> actix_web::Route {
    web::route().guard(guard::fn_guard(|context| {
        matches!(context.head().method, Method::GET | Method::HEAD)
    }))
}

/// `POST`, compared in place as [`get_or_head`] does.
fn post_only() -> actix_web::Route {
    web::route().guard(guard::fn_guard(|context| {
        context.head().method == Method::POST
    }))
}

/// The 405 of a resource that takes the `allow` methods.
fn not_allowed(allow: &'static str, config: Arc<WizardConfig>) -> actix_web::Route {
    web::route().to(move |request: HttpRequest| {
        let config = Arc::clone(&config);
        async move {
            let json = Client::of(&request).is_json();
            with_headers(&config, json, Err(Problem::MethodNotAllowed { allow }))
        }
    })
}

impl<W: Wizard> HttpServiceFactory for WizardService<W> {
    fn register(self, config: &mut AppService) {
        let base = scope_path(&self.inner.base);
        let headers = Arc::new(self.inner.config.clone());
        #[cfg(feature = "save-and-return")]
        let save_and_return = self.inner.config.save_and_return.is_some();
        let steps = &self.inner.steps;
        let names: Vec<&'static str> = steps.slots.iter().map(|s| s.name()).collect();
        let lists: Vec<(usize, &'static str)> = (0..names.len())
            .filter(|index| steps.slots[*index].list().is_some())
            .map(|index| (index, names[index]))
            .collect();
        let exits: Vec<&'static str> = steps.exits.iter().map(|r| r.exit.segment()).collect();
        let tabs = self.inner.outer.as_ref().map(|outer| {
            register_tab_routes(&self.inner, outer.pattern(), &headers, config);
            (outer.pattern().to_owned(), Arc::clone(&self.inner))
        });
        let flow = self.inner.config.flow_picture.is_some();
        let mut scope = web::scope(&base).app_data(web::Data::from(self.inner));
        for entry_path in ["", "/"] {
            scope = scope.service(readable(entry_path, on_entry::<W>, &headers));
        }
        // One static resource per declared step, which knows its step:
        // matching needs no pattern engine, and the path is never parsed.
        // Registered before the wizard's other paths, since a scope tries
        // its resources in order and most requests are for a step (no
        // step can take another path's segment: see the declaration's
        // reserved names).
        for (index, name) in names.into_iter().enumerate() {
            scope = scope.service(step_resource::<W>(index, name, &headers));
        }
        scope = wizard_paths::<W>(scope, &headers, flow);
        // A list's items, under its page: `/{list}/{item}/{step}` and
        // `/{list}/{item}/remove`, read from the path (a route parameter
        // would become part of the run's resource key).
        for (index, name) in lists {
            scope = scope.service(item_scope::<W>(index, name));
        }
        for (exit, segment) in exits.into_iter().enumerate() {
            scope = scope.service(exit_resource::<W>(exit, segment, &headers));
        }
        #[cfg(feature = "save-and-return")]
        if save_and_return {
            scope = save_routes::<W>(scope, &headers);
        }
        scope
            .default_service(web::to(on_elsewhere::<W>))
            .register(config);
        if let Some((outer, inner)) = tabs {
            register_unknown_runs(inner, &outer, config);
        }
    }
}

/// The path of the wizard's scope: its base, or `/` for a wizard at the
/// root.
fn scope_path(base: &str) -> String {
    if base.is_empty() { "/" } else { base }.to_owned()
}

/// The wizard's own paths beside its steps: the completion page, the
/// script, the timeout warning's keep-alive, the JSON Schema and, when
/// configured, the picture of the flow.
fn wizard_paths<W: Wizard>(
    mut scope: actix_web::Scope,
    headers: &Arc<WizardConfig>,
    flow: bool,
) -> actix_web::Scope {
    let complete_path = format!("/{COMPLETE_SEGMENT}");
    scope = scope.service(readable(&complete_path, on_complete::<W>, headers));
    // The script that keeps typing as drafts: a file, so that a CSP
    // without `unsafe-inline` allows it.
    let script_path = format!("/{SCRIPT_SEGMENT}");
    scope = scope.service(readable(&script_path, on_script::<W>, headers));
    // The page's timeout warning keeps the session alive here.
    scope = scope.service(
        web::resource(format!("/{KEEP_ALIVE_SEGMENT}"))
            .route(post_only().to(on_keep_alive::<W>))
            .default_service(not_allowed("POST", Arc::clone(headers))),
    );
    // The steps' JSON Schema, for JSON clients.
    let schema_path = format!("/{SCHEMA_SEGMENT}");
    scope = scope.service(readable(&schema_path, on_schema::<W>, headers));
    // The picture of the flow, when the configuration gives one.
    if flow {
        scope = scope.service(readable(FLOW_PATH, on_flow::<W>, headers));
    }
    scope
}

/// A resource read with `GET` or `HEAD` through `handler`; any other
/// method gets 405.
fn readable<F, Args>(path: &str, handler: F, headers: &Arc<WizardConfig>) -> actix_web::Resource
where
    F: actix_web::Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    web::resource(path)
        .route(get_or_head().to(handler))
        .default_service(not_allowed("GET, HEAD", Arc::clone(headers)))
}

/// Step `index`'s resource: its page (`GET`, `HEAD`) and its form
/// (`POST`), each in the span of a step's request.
fn step_resource<W: Wizard>(
    index: usize,
    name: &'static str,
    headers: &Arc<WizardConfig>,
) -> actix_web::Resource {
    web::resource(format!("/{name}"))
        .route(get_or_head().to(
            move |request: HttpRequest, session: Session, wizard: web::Data<Inner<W>>| {
                async move {
                    if let Some(answer) = wizard.off_canonical(&request) {
                        return for_client(&request, &wizard, answer);
                    }
                    let answer = show(index, &request, &session, &wizard).await;
                    to_client(answer, &request, &session, &wizard).await
                }
                .instrument(request_span::<W>(name))
            },
        ))
        .route(post_only().to(
            move |request: HttpRequest,
                  session: Session,
                  payload: web::Payload,
                  wizard: web::Data<Inner<W>>| {
                async move {
                    if let Some(answer) = wizard.off_canonical(&request) {
                        return for_client(&request, &wizard, answer);
                    }
                    let answer = match wizard.steps.slots[index].list() {
                        Some(_) => submit_list(index, &request, &session, payload, &wizard).await,
                        None => submit(index, &request, &session, payload, &wizard).await,
                    };
                    to_client(answer, &request, &session, &wizard).await
                }
                .instrument(request_span::<W>(name))
            },
        ))
        .default_service(not_allowed("GET, HEAD, POST", Arc::clone(headers)))
}

/// The items of the list at `index`: `/{list}/{item}/{step}` and
/// `/{list}/{item}/remove`, read from the path in a scope of their own (a
/// route parameter would become part of the run's resource key); any other
/// path under the list is 404.
fn item_scope<W: Wizard>(index: usize, name: &str) -> actix_web::Scope {
    web::scope(&format!("/{name}")).default_service(web::to(
        move |request: HttpRequest,
              session: Session,
              payload: web::Payload,
              wizard: web::Data<Inner<W>>| {
            async move {
                if let Some(answer) = wizard.off_canonical(&request) {
                    return for_client(&request, &wizard, answer);
                }
                let Some(path) = wizard.item_at(index, &request) else {
                    let json = Client::of(&request).is_json();
                    let start = wizard.runs.base_of(&request);
                    return with_headers(&wizard.config, json, Err(wizard.not_found(&start)));
                };
                let answer = match *request.method() {
                    Method::GET | Method::HEAD => {
                        show_item(index, path, &request, &session, &wizard).await
                    }
                    Method::POST => {
                        submit_item(index, path, &request, &session, payload, &wizard).await
                    }
                    _ => Err(Problem::MethodNotAllowed {
                        allow: "GET, HEAD, POST",
                    }),
                };
                to_client(answer, &request, &session, &wizard).await
            }
            .instrument(request_span::<W>("item"))
        },
    ))
}

/// Exit page `exit` ([`crate::Exit`]), read with `GET` or `HEAD`: its
/// heading, why, and a link back to the step that led there. It reads and
/// stores nothing of the run.
fn exit_resource<W: Wizard>(
    exit: usize,
    segment: &str,
    headers: &Arc<WizardConfig>,
) -> actix_web::Resource {
    web::resource(format!("/{segment}"))
        .route(get_or_head().to(
            move |request: HttpRequest, wizard: web::Data<Inner<W>>| async move {
                if let Some(answer) = wizard.off_canonical(&request) {
                    return for_client(&request, &wizard, answer);
                }
                let answer = wizard.exit_page(exit, &request);
                for_client(&request, &wizard, answer)
            },
        ))
        .default_service(not_allowed("GET, HEAD", Arc::clone(headers)))
}

/// The routes of "save and come back later": `/save`, `/saved`,
/// `/resume` and `/resume/{token}` (the token read from the path: a route
/// parameter would become part of the run's resource key).
#[cfg(feature = "save-and-return")]
fn save_routes<W: Wizard>(
    scope: actix_web::Scope,
    headers: &Arc<WizardConfig>,
) -> actix_web::Scope {
    use crate::declaration::{RESUME_SEGMENT, SAVE_SEGMENT, SAVED_SEGMENT};
    let save = web::resource(format!("/{SAVE_SEGMENT}"))
        .route(get_or_head().to(
            |request: HttpRequest, session: Session, wizard: web::Data<Inner<W>>| async move {
                let answer = wizard.ask_where(&request, &session);
                for_client(&request, &wizard, answer)
            },
        ))
        .route(post_only().to(
            |request: HttpRequest,
             session: Session,
             payload: web::Payload,
             wizard: web::Data<Inner<W>>| async move {
                let answer = wizard.send_link(&request, &session, payload).await;
                to_client(answer, &request, &session, &wizard).await
            },
        ))
        .default_service(not_allowed("GET, HEAD, POST", Arc::clone(headers)));
    let saved = readable(
        &format!("/{SAVED_SEGMENT}"),
        |request: HttpRequest, session: Session, wizard: web::Data<Inner<W>>| async move {
            let answer = wizard.link_sent(&request, &session);
            for_client(&request, &wizard, answer)
        },
        headers,
    );
    let resume = web::scope(&format!("/{RESUME_SEGMENT}")).default_service(web::to(
        |request: HttpRequest,
         session: Session,
         payload: web::Payload,
         wizard: web::Data<Inner<W>>| async move {
            let answer = wizard.on_resume(&request, &session, payload).await;
            for_client(&request, &wizard, answer)
        },
    ));
    scope.service(save).service(saved).service(resume)
}

/// An answer as the client takes it: for a JSON client, the document a
/// redirect leads to ([`follow`]); for everyone, [`for_client`].
async fn to_client<W: Wizard>(
    answer: Result<HttpResponse, Problem>,
    request: &HttpRequest,
    session: &Session,
    wizard: &Inner<W>,
) -> HttpResponse {
    let answer = if Client::of(request).is_json() {
        Box::pin(follow(answer, request, session, wizard)).await
    } else {
        answer
    };
    for_client(request, wizard, answer)
}

/// `GET {base}`.
async fn on_entry<W: Wizard>(
    request: HttpRequest,
    session: Session,
    wizard: web::Data<Inner<W>>,
) -> HttpResponse {
    if let Some(answer) = wizard.off_canonical(&request) {
        return for_client(&request, &wizard, answer);
    }
    let answer = entry(&request, &session, &wizard).await;
    to_client(answer, &request, &session, &wizard).await
}

/// `GET {base}/complete` (a JSON client not finished yet is given the
/// step to be on).
async fn on_complete<W: Wizard>(
    request: HttpRequest,
    session: Session,
    wizard: web::Data<Inner<W>>,
) -> HttpResponse {
    if let Some(answer) = wizard.off_canonical(&request) {
        return for_client(&request, &wizard, answer);
    }
    let answer = complete(&request, &session, &wizard).await;
    to_client(answer, &request, &session, &wizard).await
}

/// `POST {base}/keep-alive`.
async fn on_keep_alive<W: Wizard>(
    request: HttpRequest,
    session: Session,
    payload: web::Payload,
    wizard: web::Data<Inner<W>>,
) -> HttpResponse {
    let answer = wizard.keep_alive(&request, &session, payload).await;
    for_client(&request, &wizard, answer)
}

/// The wizard's script.
async fn on_script<W: Wizard>(wizard: web::Data<Inner<W>>) -> HttpResponse {
    let script = cacheable("text/javascript; charset=utf-8", WIZARD_SCRIPT);
    with_headers(&wizard.config, false, Ok(script))
}

/// The steps' JSON Schema.
async fn on_schema<W: Wizard>(wizard: web::Data<Inner<W>>) -> HttpResponse {
    let schema = cacheable("application/schema+json", wizard.schema().to_owned());
    with_headers(&wizard.config, false, Ok(schema))
}

/// Where the picture of the flow is served
/// ([`WizardConfig::flow_picture`]).
const FLOW_PATH: &str = "/flow.svg";

/// `GET {base}/flow.svg`: the picture of the flow the configuration gives.
async fn on_flow<W: Wizard>(wizard: web::Data<Inner<W>>) -> HttpResponse {
    let svg = wizard.config.flow_picture.unwrap_or_default();
    let picture = cacheable("image/svg+xml", svg.to_owned());
    with_headers(&wizard.config, false, Ok(picture))
}

/// Anything else under the wizard's path ([`elsewhere`]).
async fn on_elsewhere<W: Wizard>(
    request: HttpRequest,
    wizard: web::Data<Inner<W>>,
) -> HttpResponse {
    let json = Client::of(&request).is_json();
    with_headers(&wizard.config, json, elsewhere(&request, &wizard))
}

/// With runs per tab, `{outer}/r/…` under a key the crate did not make
/// (matched by no run's scope): 404 with a link to the wizard, before
/// anything is stored or a cookie set.
fn register_unknown_runs<W: Wizard>(inner: Arc<Inner<W>>, outer: &str, config: &mut AppService) {
    web::resource(format!("{outer}/{TAB_SEGMENT}/{{wizard_unknown_run}}*"))
        .app_data(web::Data::from(inner))
        .default_service(web::to(
            |request: HttpRequest, wizard: web::Data<Inner<W>>| async move {
                let json = Client::of(&request).is_json();
                let start = wizard.outer_of(&request);
                with_headers(&wizard.config, json, Err(wizard.not_found(&start)))
            },
        ))
        .register(config);
}

/// With runs per tab, the routes at the wizard's own path: `{outer}`
/// resumes or lists the session's runs, `{outer}/new` starts another.
fn register_tab_routes<W: Wizard>(
    inner: &Arc<Inner<W>>,
    outer: &str,
    headers: &Arc<WizardConfig>,
    config: &mut AppService,
) {
    let entry_paths = [
        if outer.is_empty() {
            "/".to_owned()
        } else {
            outer.to_owned()
        },
        format!("{outer}/"),
    ];
    for path in entry_paths
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
    {
        web::resource(path)
            .app_data(web::Data::from(Arc::clone(inner)))
            .route(get_or_head().to(
                |request: HttpRequest, session: Session, wizard: web::Data<Inner<W>>| async move {
                    let answer = tabs_entry(&request, &session, &wizard);
                    for_client(&request, &wizard, answer)
                },
            ))
            .default_service(not_allowed("GET, HEAD", Arc::clone(headers)))
            .register(config);
    }
    web::resource(format!("{outer}/new"))
        .app_data(web::Data::from(Arc::clone(inner)))
        .route(get_or_head().to(
            |request: HttpRequest, wizard: web::Data<Inner<W>>| async move {
                let outer = wizard.outer_of(&request);
                let answer = Ok(see_other(&tabs::run_url(&outer, &random_id(TAB_KEY_BYTES))));
                for_client(&request, &wizard, answer)
            },
        ))
        .default_service(not_allowed("GET, HEAD", Arc::clone(headers)))
        .register(config);
}

/// `GET {outer}` with runs per tab: the most recent unfinished run, the
/// list of them when there are several, or a new run.
fn tabs_entry<W: Wizard>(
    request: &HttpRequest,
    session: &Session,
    wizard: &Inner<W>,
) -> Result<HttpResponse, Problem> {
    let outer = wizard.outer_of(request);
    let runs = wizard.runs.tab_runs(request, session, &wizard.steps);
    match runs.as_slice() {
        [] => Ok(see_other(&tabs::run_url(&outer, &random_id(TAB_KEY_BYTES)))),
        [only] => Ok(see_other(&tabs::run_url(&outer, &only.key))),
        several => tabs::runs_page(
            several,
            &outer,
            &format!("{outer}/new"),
            wizard.runs.now(),
            wizard.texts(request),
            W::layout,
            Client::of(request).is_json(),
        ),
    }
}

/// The span a step's request runs in: the funnel's `tracing` events
/// ([`crate::WizardEvent`]) and the pipeline's own come inside it.
fn request_span<W: Wizard>(step: &'static str) -> tracing::Span {
    tracing::debug_span!("wizard_request", wizard = W::ID, step)
}

/// Anything else under the wizard's path: a step's or the completion
/// page's URL with a trailing slash redirects to the canonical one
/// (308, keeping the method and body); the rest is 404.
fn elsewhere<W: Wizard>(request: &HttpRequest, wizard: &Inner<W>) -> Result<HttpResponse, Problem> {
    let path = request.path();
    let base = wizard.runs.base_of(request);
    let canonical = path.strip_suffix('/').and_then(|trimmed| {
        let segment = trimmed.strip_prefix(&*base)?.strip_prefix('/')?;
        let known = segment == COMPLETE_SEGMENT
            || wizard.steps.slots.iter().any(|slot| slot.name() == segment);
        known.then_some(trimmed)
    });
    let Some(canonical) = canonical else {
        return Err(wizard.not_found(&base));
    };
    let mut location = canonical.to_owned();
    if !request.query_string().is_empty() {
        location.push('?');
        location.push_str(request.query_string());
    }
    Ok(HttpResponse::PermanentRedirect()
        .insert_header((LOCATION, location))
        .finish())
}
