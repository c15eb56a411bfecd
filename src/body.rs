//! Taking a form body in: content type, size limit, read incrementally,
//! parsed into a [`RawForm`] (from a form body or a JSON one).

use actix_web::HttpRequest;
use actix_web::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use actix_web::web::{self, BytesMut};
use std::time::{Duration, Instant};

use actix_web::rt::time::timeout;
use futures_util::StreamExt;

use crate::config::WizardConfig;
use crate::form::{FormLimits, MalformedForm, RawForm};
use crate::json::{self, BadJson};
use crate::problem::Problem;

/// The request's form, from an `application/x-www-form-urlencoded` body
/// or (for JSON clients) an `application/json` one read into the same
/// raw form: 415 for another content type, 413 for a body or a field
/// count over the limits, 400 for a body that does not parse. A token in
/// the `X-CSRF-Token` header stands in for a missing `csrf_token` field.
pub(crate) async fn read_form(
    request: &HttpRequest,
    payload: web::Payload,
    config: &WizardConfig,
) -> Result<RawForm, Problem> {
    let kind = body_kind(request).ok_or(Problem::WrongType)?;
    let pace = Pace::of(config);
    let body = read_body(request, payload, config.body_limit, pace).await?;
    let limits = FormLimits {
        max_fields: config.max_fields,
    };
    let mut form = match kind {
        BodyKind::Form => RawForm::parse(&body, limits).map_err(|error| match error {
            MalformedForm::TooManyFields { .. } => Problem::TooManyFields,
            _ => Problem::Malformed,
        })?,
        BodyKind::Json => json::form_of(&body, limits).map_err(|error| match error {
            BadJson::TooManyFields => Problem::TooManyFields,
            BadJson::Malformed => Problem::Malformed,
        })?,
    };
    json::take_csrf_header(&mut form, request.headers());
    Ok(form)
}

enum BodyKind {
    Form,
    Json,
}

/// What the body is, from its content type (any parameters, such as a
/// charset, allowed; the type in any case). Read in place rather than
/// parsed as a MIME type: it is on every POST.
fn body_kind(request: &HttpRequest) -> Option<BodyKind> {
    let value = request.headers().get(CONTENT_TYPE)?.as_bytes();
    let essence = value.split(|&b| b == b';').next()?.trim_ascii();
    if essence.eq_ignore_ascii_case(b"application/x-www-form-urlencoded") {
        Some(BodyKind::Form)
    } else if essence.eq_ignore_ascii_case(b"application/json") {
        Some(BodyKind::Json)
    } else {
        None
    }
}

/// How slowly a body may arrive.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pace {
    /// Longest wait for the next bytes.
    pub(crate) idle: Duration,
    /// Slowest average, in bytes a second, once the body has been
    /// arriving for longer than `idle`.
    pub(crate) min_rate: u64,
}

impl Pace {
    /// How slowly `config` lets a body arrive.
    pub(crate) fn of(config: &WizardConfig) -> Self {
        Self {
            idle: config.body_idle_timeout,
            min_rate: config.body_min_rate,
        }
    }

    /// Whether `received` bytes in `elapsed` is too slow.
    pub(crate) fn too_slow(&self, received: usize, elapsed: Duration) -> bool {
        if elapsed <= self.idle {
            return false;
        }
        let expected = u128::from(self.min_rate) * elapsed.as_millis() / 1000;
        (received as u128) < expected
    }
}

/// Reads the body up to `limit` bytes: a larger declared length is refused
/// before anything is read, a larger body as soon as it passes the limit,
/// a body that stalls for `pace.idle` or arrives more slowly than
/// `pace.min_rate` as soon as that is seen.
async fn read_body(
    request: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
    pace: Pace,
) -> Result<BytesMut, Problem> {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(Problem::TooLarge);
    }
    let started = Instant::now();
    let mut body = BytesMut::new();
    loop {
        let next = timeout(pace.idle, payload.next())
            .await
            .map_err(|_| Problem::SlowBody)?;
        let Some(chunk) = next else {
            return Ok(body);
        };
        let chunk = chunk.map_err(|_| Problem::Malformed)?;
        if body.len() + chunk.len() > limit {
            return Err(Problem::TooLarge);
        }
        body.extend_from_slice(&chunk);
        if pace.too_slow(body.len(), started.elapsed()) {
            return Err(Problem::SlowBody);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACE: Pace = Pace {
        idle: Duration::from_secs(5),
        min_rate: 1024,
    };

    fn kind_of(content_type: &str) -> Option<&'static str> {
        let request = actix_web::test::TestRequest::default()
            .insert_header((CONTENT_TYPE, content_type))
            .to_http_request();
        body_kind(&request).map(|kind| match kind {
            BodyKind::Form => "form",
            BodyKind::Json => "json",
        })
    }

    #[test]
    fn the_content_type_is_read_with_its_parameters_and_in_any_case() {
        assert_eq!(kind_of("application/x-www-form-urlencoded"), Some("form"));
        assert_eq!(
            kind_of("Application/X-WWW-Form-Urlencoded ; charset=UTF-8"),
            Some("form")
        );
        assert_eq!(kind_of("application/json;charset=utf-8"), Some("json"));
        assert_eq!(kind_of("application/jsonx"), None);
        assert_eq!(kind_of("multipart/form-data; boundary=x"), None);
        assert_eq!(kind_of("text/plain"), None);
    }

    #[test]
    fn a_body_is_not_judged_slow_within_the_idle_time() {
        assert!(!PACE.too_slow(1, Duration::from_secs(5)));
    }

    #[test]
    fn after_the_idle_time_the_average_must_reach_the_rate() {
        assert!(PACE.too_slow(6 * 1024 - 1, Duration::from_secs(6)));
        assert!(!PACE.too_slow(6 * 1024, Duration::from_secs(6)));
        // A 10 MB upload at 2 KiB/s gets through.
        assert!(!PACE.too_slow(2048 * 5000, Duration::from_secs(5000)));
    }
}
