//! With runs per tab ([`crate::WizardConfig::runs_per_tab`]): the page at
//! the wizard's base that lists a session's unfinished runs, each with
//! its progress, when it was last used and a Continue link, and a link
//! that starts another.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, HeaderValue};
use serde_json::json;

use crate::components::escape_into;
use crate::problem::Problem;
use crate::render::{Layout, LayoutFn};
use crate::run::{TAB_SEGMENT, TabRun};
use crate::texts::{Texts, fill};

/// Where the run with `key` lives, under the wizard's base `outer`.
pub(crate) fn run_url(outer: &str, key: &str) -> String {
    format!("{outer}/{TAB_SEGMENT}/{key}")
}

/// The list of `runs` (more than one), as a page in the wizard's layout
/// or, for a JSON client, as data.
pub(crate) fn runs_page(
    runs: &[TabRun],
    outer: &str,
    new_run: &str,
    now: u64,
    texts: &Texts,
    layout: LayoutFn,
    json: bool,
) -> Result<HttpResponse, Problem> {
    if json {
        let listed: Vec<_> = runs
            .iter()
            .map(|run| {
                json!({
                    "url": run_url(outer, &run.key),
                    "progress": { "current": run.current, "total": run.total },
                    "last_used": run.seen,
                })
            })
            .collect();
        let document = json!({ "runs": listed, "start_new": new_run });
        return Ok(crate::json::respond(StatusCode::OK, &document));
    }
    let body = runs_list(runs, outer, new_run, now, texts);
    let page = layout(&Layout {
        title: &texts.runs_heading,
        body: &body,
        texts,
    })
    .map_err(|error| {
        tracing::error!(%error, "the list of runs did not render");
        Problem::Internal
    })?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .body(page))
}

/// The body of the page listing the runs: each with its progress, when it
/// was last used and a Continue link, then a link to start a new one.
fn runs_list(runs: &[TabRun], outer: &str, new_run: &str, now: u64, texts: &Texts) -> String {
    let mut body = String::with_capacity(512 + runs.len() * 160);
    body.push_str("<h1>");
    escape_into(&mut body, &texts.runs_heading);
    body.push_str("</h1>\n<p>");
    escape_into(&mut body, &texts.runs_intro);
    body.push_str("</p>\n<ul class=\"runs\">\n");
    for run in runs {
        let minutes = now.saturating_sub(run.seen) / 60;
        let line = fill(
            &texts.runs_item,
            &[
                ("current", &run.current.to_string()),
                ("total", &run.total.to_string()),
                ("minutes", &minutes.to_string()),
            ],
        );
        body.push_str("  <li>");
        escape_into(&mut body, &line);
        body.push_str(" <a href=\"");
        escape_into(&mut body, &run_url(outer, &run.key));
        body.push_str("\">");
        escape_into(&mut body, &texts.continue_link);
        body.push_str("<span class=\"visually-hidden\"> ");
        escape_into(&mut body, &line);
        body.push_str("</span></a></li>\n");
    }
    body.push_str("</ul>\n<p><a href=\"");
    escape_into(&mut body, new_run);
    body.push_str("\">");
    escape_into(&mut body, &texts.start_new_link);
    body.push_str("</a></p>\n");
    body
}
