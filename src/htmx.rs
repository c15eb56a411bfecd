//! Answers for htmx: a step's page as the fragment its layout wraps, and
//! navigation as htmx headers instead of redirects, so that a page with
//! htmx swaps a step's form in place (errors included) while a page
//! without it is unchanged.

use actix_web::HttpRequest;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue, LOCATION, VARY};

use crate::config::WizardConfig;
use crate::declaration::COMPLETE_SEGMENT;
use crate::headers::Client;

const HX_LOCATION: HeaderName = HeaderName::from_static("hx-location");
const HX_REDIRECT: HeaderName = HeaderName::from_static("hx-redirect");

/// Whether htmx sent the request for a swap (not to restore its history,
/// which needs the whole page).
pub(crate) fn is_swap(request: &HttpRequest) -> bool {
    Client::of(request) == Client::Fragment
}

/// `response` as the client that sent `request` needs it. Every answer
/// says it varies with `HX-Request`; for htmx, a redirect becomes a 200
/// with `HX-Location` (htmx fetches the step and swaps it into the
/// configured target) or, to the completion page or outside the wizard's
/// base (`base_of`, asked only then), `HX-Redirect` (a whole-page
/// navigation).
pub(crate) fn adapt<B: AsRef<str>>(
    request: &HttpRequest,
    base_of: impl FnOnce() -> B,
    config: &WizardConfig,
    mut response: HttpResponse,
) -> HttpResponse {
    response
        .headers_mut()
        .append(VARY, HeaderValue::from_static("Accept, HX-Request"));
    if response.status() != StatusCode::SEE_OTHER || !is_swap(request) {
        return response;
    }
    let Some(location) = response
        .headers_mut()
        .remove(LOCATION)
        .next()
        .and_then(|value| value.to_str().ok().map(str::to_owned))
    else {
        return response;
    };
    let base = base_of();
    let base = base.as_ref();
    let path = location.split(['?', '#']).next().unwrap_or("");
    let whole_page = path == format!("{base}/{COMPLETE_SEGMENT}")
        || !(path == base || path.starts_with(&format!("{base}/")));
    let header = if whole_page {
        HeaderValue::try_from(location.as_str()).map(|value| (HX_REDIRECT, value))
    } else {
        let target = serde_json::json!({ "path": location, "target": config.htmx_target });
        HeaderValue::try_from(target.to_string()).map(|value| (HX_LOCATION, value))
    };
    if let Ok((name, value)) = header {
        *response.status_mut() = StatusCode::OK;
        response.headers_mut().insert(name, value);
    } else {
        // Not a header value (it came from our own URLs, so never): keep
        // the redirect, which htmx follows too.
        if let Ok(value) = HeaderValue::try_from(location.as_str()) {
            response.headers_mut().insert(LOCATION, value);
        }
    }
    response
}
