//! [`Problem`]: every request the wizard cannot serve normally, with its
//! status and its page.
//!
//! Handlers return `Result<HttpResponse, Problem>`; actix-web turns the
//! error into its page through [`ResponseError`]. A problem carries what
//! its page needs (a link back, the methods a resource allows), since an
//! actix `ResponseError` does not see the request.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{ALLOW, CACHE_CONTROL, RETRY_AFTER};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::render::ProblemPage;

/// What went wrong, which decides the status and the page's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Problem {
    /// No such page, or a step that does not apply: links to `start`.
    NotFound { start: String },
    /// The resource does not take this method; `allow` lists those it does.
    MethodNotAllowed { allow: &'static str },
    /// The CSRF token was missing or wrong: links back to `form`.
    Csrf { form: String },
    /// The body was not a urlencoded UTF-8 form, or named no known action.
    Malformed,
    /// The body was over the size limit.
    TooLarge,
    /// The form had more fields than allowed.
    TooManyFields,
    /// The body was not `application/x-www-form-urlencoded`.
    WrongType,
    /// All the answers together are over the state cap: links to `form`.
    StateTooLarge { form: String },
    /// The finish handler failed; the answers are kept.
    FinishFailed,
    /// A mistake on our side (a page that did not render, say).
    Internal,
    /// The session store did not answer.
    StoreDown,
}

impl Problem {
    fn words(&self) -> (&'static str, &'static str) {
        match self {
            Self::NotFound { .. } => (
                "Page not found",
                "There is no such page. Check the address, or start from the beginning.",
            ),
            Self::MethodNotAllowed { .. } => (
                "This page cannot do that",
                "The page was asked to do something it does not do, so nothing was saved. Go back and try again.",
            ),
            Self::Csrf { .. } => (
                "Your form could not be checked",
                "The form was missing its security token or it did not match, so nothing was saved. Go back to the form, reload it and try again.",
            ),
            Self::Malformed => (
                "Your form could not be read",
                "The form data was not in a format we understand, so nothing was saved. Go back and try again.",
            ),
            Self::TooLarge => (
                "Your form is too large",
                "The form sent was larger than we accept, so nothing was saved. Shorten your answers and try again.",
            ),
            Self::TooManyFields => (
                "Your form has too many fields",
                "The form sent had more fields than we accept, so nothing was saved.",
            ),
            Self::WrongType => (
                "Unsupported form type",
                "This page accepts ordinary web forms only (application/x-www-form-urlencoded). Nothing was saved.",
            ),
            Self::StateTooLarge { .. } => (
                "Your answers are too long to keep",
                "We could not save this page because all your answers together are longer than we can keep. Your earlier answers are safe. Go back and shorten this page's answers.",
            ),
            Self::FinishFailed => (
                "Sorry, we could not finish",
                "Something went wrong on our side. Your answers are safe: try again in a few minutes.",
            ),
            Self::Internal => (
                "Sorry, there is a problem with the service",
                "Something went wrong on our side. Your answers are safe: try again in a few minutes.",
            ),
            Self::StoreDown => (
                "Sorry, the service is unavailable",
                "We cannot reach the place where your answers are kept. Your answers are safe: try again in a few minutes and you will continue where you left off.",
            ),
        }
    }

    /// The page's link for the visitor's next move, if it has one.
    fn link(&self) -> Option<(&str, &'static str)> {
        match self {
            Self::NotFound { start } => Some((start, "Start from the beginning")),
            Self::Csrf { form } => Some((form, "Reload the form")),
            Self::StateTooLarge { form } => Some((form, "Go back to the form")),
            _ => None,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.words().0)
    }
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Csrf { .. } => StatusCode::FORBIDDEN,
            Self::Malformed => StatusCode::BAD_REQUEST,
            Self::TooLarge | Self::TooManyFields | Self::StateTooLarge { .. } => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            Self::WrongType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::FinishFailed | Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::StoreDown => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (heading, body) = self.words();
        let page = ProblemPage {
            heading,
            body,
            link: self.link(),
        };
        let html = page.render().unwrap_or_else(|_| {
            format!("<!DOCTYPE html><title>{heading}</title><h1>{heading}</h1><p>{body}</p>")
        });
        let mut response = HttpResponse::build(self.status_code());
        response
            .content_type("text/html; charset=utf-8")
            .insert_header((CACHE_CONTROL, "no-store"));
        match self {
            Self::StoreDown => {
                response.insert_header((RETRY_AFTER, "5"));
            }
            Self::MethodNotAllowed { allow } => {
                response.insert_header((ALLOW, *allow));
            }
            _ => {}
        }
        response.body(html)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_problem_knows_its_status_and_page() {
        let not_found = Problem::NotFound { start: "/w".into() };
        assert_eq!(not_found.status_code(), StatusCode::NOT_FOUND);
        let page = not_found.error_response();
        assert_eq!(page.status(), StatusCode::NOT_FOUND);

        let method = Problem::MethodNotAllowed { allow: "GET, HEAD" }.error_response();
        assert_eq!(method.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(
            method.headers().get(ALLOW).and_then(|v| v.to_str().ok()),
            Some("GET, HEAD")
        );
        let down = Problem::StoreDown.error_response();
        assert!(down.headers().contains_key(RETRY_AFTER));
    }
}
