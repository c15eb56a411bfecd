//! [`Problem`]: every request the wizard cannot serve normally, with its
//! status and its page.
//!
//! Handlers return `Result<HttpResponse, Problem>`; actix-web turns the
//! error into its page through [`ResponseError`]. A problem carries what
//! its page needs (a link back, the methods a resource allows), since an
//! actix `ResponseError` does not see the request.

use std::fmt;

use actix_web::http::header::{ALLOW, CACHE_CONTROL, HeaderValue, RETRY_AFTER};
use actix_web::http::{ConnectionType, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::render::ProblemPage;
use crate::texts::{ProblemWords, Texts};

/// What went wrong, which decides the status and the page's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Problem {
    /// No such page, or a step that does not apply: links to `start`.
    NotFound { start: String },
    /// The application does not let this visitor use the wizard on this
    /// resource ([`crate::Wizard::admit`]).
    Forbidden,
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
    /// The body stopped arriving, or arrived more slowly than allowed
    /// ([`crate::WizardConfig::body_idle_timeout`]): 408, and the
    /// connection closes.
    SlowBody,
    /// The body was not `application/x-www-form-urlencoded`.
    WrongType,
    /// All the answers together are over the state cap: links to `form`.
    StateTooLarge { form: String },
    /// The finish handler failed; the answers are kept.
    FinishFailed,
    /// The finish handler found a service it needs unreachable; the
    /// answers are kept (503 with `Retry-After`).
    FinishUnavailable,
    /// A mistake on our side (a page that did not render, say).
    Internal,
    /// The session store did not answer.
    StoreDown,
    /// An uploaded file could not be checked or kept (the virus scanner
    /// or the staging store did not answer): 503, the run kept, the file
    /// not.
    #[cfg(feature = "uploads")]
    UploadUnavailable,
    /// A save-and-return link nobody made, or replaced by a newer one
    /// (404): links to `start`.
    #[cfg(feature = "save-and-return")]
    LinkUnknown { start: String },
    /// A save-and-return link that no longer works (410), for `why`
    /// (a link still live has expired): links to `start`.
    #[cfg(feature = "save-and-return")]
    LinkGone {
        why: crate::save_return::LinkStatus,
        start: String,
    },
    /// The mail server did not take the link (503); the run is kept:
    /// links back to `form`.
    #[cfg(feature = "save-and-return")]
    MailFailed { form: String },
    /// Too many links asked for (429), for `minutes` more: links back to
    /// `form`.
    #[cfg(feature = "save-and-return")]
    TooManySends { minutes: u64, form: String },
}

impl Problem {
    fn words<'t>(&self, texts: &'t Texts) -> &'t ProblemWords {
        match self {
            Self::NotFound { .. } => &texts.not_found,
            Self::Forbidden => &texts.forbidden,
            Self::MethodNotAllowed { .. } => &texts.method_not_allowed,
            Self::Csrf { .. } => &texts.csrf,
            Self::Malformed => &texts.malformed,
            Self::TooLarge => &texts.too_large,
            Self::TooManyFields => &texts.too_many_fields,
            Self::SlowBody => &texts.slow_body,
            Self::WrongType => &texts.wrong_type,
            Self::StateTooLarge { .. } => &texts.state_too_large,
            Self::FinishFailed | Self::FinishUnavailable => &texts.finish_failed,
            Self::Internal => &texts.internal,
            Self::StoreDown => &texts.store_down,
            #[cfg(feature = "uploads")]
            Self::UploadUnavailable => &texts.upload_unavailable,
            #[cfg(feature = "save-and-return")]
            Self::LinkUnknown { .. } => &texts.save.link_unknown,
            #[cfg(feature = "save-and-return")]
            Self::LinkGone { why, .. } => {
                use crate::save_return::LinkStatus;
                match why {
                    LinkStatus::Live => &texts.save.link_expired,
                    LinkStatus::Finished => &texts.save.link_finished,
                    LinkStatus::Used => &texts.save.link_used,
                    LinkStatus::Ended => &texts.save.link_ended,
                }
            }
            #[cfg(feature = "save-and-return")]
            Self::MailFailed { .. } => &texts.save.mail_failed,
            #[cfg(feature = "save-and-return")]
            Self::TooManySends { .. } => &texts.save.too_many,
        }
    }

    /// The page's paragraph, its placeholders filled.
    fn body<'t>(&self, texts: &'t Texts) -> std::borrow::Cow<'t, str> {
        let body = &self.words(texts).body;
        match self {
            #[cfg(feature = "save-and-return")]
            Self::TooManySends { minutes, .. } => std::borrow::Cow::Owned(crate::texts::fill(
                body,
                &[("minutes", &minutes.to_string())],
            )),
            _ => std::borrow::Cow::Borrowed(body.as_ref()),
        }
    }

    /// The page's link for the visitor's next move, if it has one.
    fn link<'t>(&'t self, texts: &'t Texts) -> Option<(&'t str, &'t str)> {
        match self {
            Self::NotFound { start } => Some((start, &texts.start_again_link)),
            Self::Csrf { form } => Some((form, &texts.reload_link)),
            Self::StateTooLarge { form } => Some((form, &texts.back_to_form_link)),
            #[cfg(feature = "save-and-return")]
            Self::LinkUnknown { start } | Self::LinkGone { start, .. } => {
                Some((start, &texts.start_again_link))
            }
            #[cfg(feature = "save-and-return")]
            Self::MailFailed { form } | Self::TooManySends { form, .. } => {
                Some((form, &texts.back_to_form_link))
            }
            _ => None,
        }
    }

    /// The problem's short name, in its JSON document's `type`.
    fn kind(&self) -> &'static str {
        match self {
            Self::NotFound { .. } => "not-found",
            Self::Forbidden => "forbidden",
            Self::MethodNotAllowed { .. } => "method-not-allowed",
            Self::Csrf { .. } => "csrf",
            Self::Malformed => "malformed",
            Self::TooLarge => "too-large",
            Self::TooManyFields => "too-many-fields",
            Self::SlowBody => "slow-body",
            Self::WrongType => "wrong-type",
            Self::StateTooLarge { .. } => "state-too-large",
            Self::FinishFailed => "finish-failed",
            Self::FinishUnavailable => "finish-unavailable",
            Self::Internal => "internal",
            Self::StoreDown => "store-down",
            #[cfg(feature = "uploads")]
            Self::UploadUnavailable => "upload-unavailable",
            #[cfg(feature = "save-and-return")]
            Self::LinkUnknown { .. } => "link-unknown",
            #[cfg(feature = "save-and-return")]
            Self::LinkGone { why, .. } => match why {
                crate::save_return::LinkStatus::Live => "link-expired",
                crate::save_return::LinkStatus::Used => "link-used",
                crate::save_return::LinkStatus::Ended => "link-ended",
                crate::save_return::LinkStatus::Finished => "link-finished",
            },
            #[cfg(feature = "save-and-return")]
            Self::MailFailed { .. } => "mail-failed",
            #[cfg(feature = "save-and-return")]
            Self::TooManySends { .. } => "too-many-sends",
        }
    }

    /// The problem's response for a client that asked for JSON (an RFC
    /// 9457 problem document) or else its page.
    pub(crate) fn response(&self, texts: &Texts, json: bool) -> HttpResponse {
        if !json {
            return self.page(texts);
        }
        let words = self.words(texts);
        let link = self.link(texts).map(|(href, _)| href);
        let mut response = crate::json::problem(
            self.status_code(),
            self.kind(),
            &words.heading,
            &self.body(texts),
            link,
        );
        self.add_headers(&mut response);
        response
    }

    fn add_headers(&self, response: &mut HttpResponse) {
        match self {
            Self::StoreDown | Self::FinishUnavailable => {
                response
                    .headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from_static("5"));
            }
            Self::MethodNotAllowed { allow } => {
                response
                    .headers_mut()
                    .insert(ALLOW, HeaderValue::from_static(allow));
            }
            #[cfg(feature = "uploads")]
            Self::UploadUnavailable => {
                response
                    .headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from_static("30"));
            }
            #[cfg(feature = "save-and-return")]
            Self::TooManySends { minutes, .. } => {
                if let Ok(value) = HeaderValue::from_str(&(minutes * 60).to_string()) {
                    response.headers_mut().insert(RETRY_AFTER, value);
                }
            }
            // The rest of the body may never come (or is too large to
            // read): the connection cannot carry another request.
            Self::SlowBody | Self::TooLarge => response
                .head_mut()
                .set_connection_type(ConnectionType::Close),
            _ => {}
        }
    }

    /// The problem's response, its page in the words of `texts`.
    pub(crate) fn page(&self, texts: &Texts) -> HttpResponse {
        let words = self.words(texts);
        let filled = self.body(texts);
        let (heading, body) = (words.heading.as_ref(), filled.as_ref());
        let page = ProblemPage {
            lang: &texts.lang,
            heading,
            body,
            link: self.link(texts),
        };
        let html = page.render().unwrap_or_else(|_| {
            format!("<!DOCTYPE html><title>{heading}</title><h1>{heading}</h1><p>{body}</p>")
        });
        let mut response = HttpResponse::build(self.status_code())
            .content_type("text/html; charset=utf-8")
            .insert_header((CACHE_CONTROL, "no-store"))
            .body(html);
        self.add_headers(&mut response);
        response
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.words(Texts::english()).heading)
    }
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Csrf { .. } => StatusCode::FORBIDDEN,
            Self::Malformed => StatusCode::BAD_REQUEST,
            Self::TooLarge | Self::TooManyFields | Self::StateTooLarge { .. } => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            Self::WrongType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::SlowBody => StatusCode::REQUEST_TIMEOUT,
            Self::FinishFailed | Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::StoreDown | Self::FinishUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            #[cfg(feature = "uploads")]
            Self::UploadUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            #[cfg(feature = "save-and-return")]
            Self::LinkUnknown { .. } => StatusCode::NOT_FOUND,
            #[cfg(feature = "save-and-return")]
            Self::LinkGone { .. } => StatusCode::GONE,
            #[cfg(feature = "save-and-return")]
            Self::MailFailed { .. } => StatusCode::SERVICE_UNAVAILABLE,
            #[cfg(feature = "save-and-return")]
            Self::TooManySends { .. } => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.page(Texts::english())
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
