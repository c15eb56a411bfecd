//! The pages for requests the wizard cannot serve normally.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use crate::render::ProblemPage;

/// What went wrong, which decides the page's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Problem {
    NotFound,
    Csrf,
    Malformed,
    TooLarge,
    TooManyFields,
    WrongType,
    StateTooLarge,
    FinishFailed,
    Internal,
    StoreDown,
}

impl Problem {
    fn words(self) -> (&'static str, &'static str) {
        match self {
            Self::NotFound => (
                "Page not found",
                "There is no such page. Check the address, or start from the beginning.",
            ),
            Self::Csrf => (
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
            Self::StateTooLarge => (
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
}

/// A full HTML response for `problem`.
pub(crate) fn problem_response(status: StatusCode, problem: Problem) -> HttpResponse {
    problem_with_link(status, problem, None)
}

/// A full HTML response for `problem`, with a link for the next move.
pub(crate) fn problem_with_link(
    status: StatusCode,
    problem: Problem,
    link: Option<(&str, &str)>,
) -> HttpResponse {
    let (heading, body) = problem.words();
    let page = ProblemPage {
        heading,
        body,
        link,
    };
    let html = page.render().unwrap_or_else(|_| {
        format!("<!DOCTYPE html><title>{heading}</title><h1>{heading}</h1><p>{body}</p>")
    });
    let mut response = HttpResponse::build(status);
    response.content_type("text/html; charset=utf-8");
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response.insert_header(("Retry-After", "5"));
    }
    response.body(html)
}
