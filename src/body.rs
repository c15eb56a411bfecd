//! Taking a form body in: content type, size limit, read incrementally,
//! parsed into a [`RawForm`].

use actix_web::http::header::CONTENT_LENGTH;
use actix_web::web::{self, BytesMut};
use actix_web::{HttpMessage, HttpRequest};
use futures_util::StreamExt;

use crate::config::WizardConfig;
use crate::form::{FormLimits, MalformedForm, RawForm};
use crate::problem::Problem;

/// The request's form: 415 for another content type, 413 for a body or
/// a field count over the limits, 400 for a body that is not urlencoded
/// UTF-8.
pub(crate) async fn read_form(
    request: &HttpRequest,
    payload: web::Payload,
    config: &WizardConfig,
) -> Result<RawForm, Problem> {
    if !is_urlencoded(request) {
        return Err(Problem::WrongType);
    }
    let body = read_body(request, payload, config.body_limit).await?;
    let limits = FormLimits {
        max_fields: config.max_fields,
    };
    RawForm::parse(&body, limits).map_err(|error| match error {
        MalformedForm::TooManyFields { .. } => Problem::TooManyFields,
        _ => Problem::Malformed,
    })
}

/// Whether the request carries an `application/x-www-form-urlencoded` body
/// (any parameters, such as a charset, allowed).
fn is_urlencoded(request: &HttpRequest) -> bool {
    matches!(
        request.mime_type(),
        Ok(Some(mime)) if mime.type_() == actix_web::mime::APPLICATION
            && mime.subtype() == actix_web::mime::WWW_FORM_URLENCODED
    )
}

/// Reads the body up to `limit` bytes: a larger declared length is refused
/// before anything is read, a larger body as soon as it passes the limit.
async fn read_body(
    request: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<BytesMut, Problem> {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(Problem::TooLarge);
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| Problem::Malformed)?;
        if body.len() + chunk.len() > limit {
            return Err(Problem::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
