//! The visitor cookie: a small signed cookie per wizard naming the run a
//! browser is on, that run's CSRF token, and how far the run got.
//!
//! It lets a visitor who has only looked at a page carry a CSRF token
//! without a session being written (double-submit: the form's token must
//! equal the cookie's, and only this server can sign a cookie), tells an
//! expired run (which actix-session cannot tell from a new visitor) from a
//! new one, and names a finished run so that a late duplicate of its
//! finish is recognised.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header::{HeaderValue, SET_COOKIE};
use actix_web::{HttpRequest, HttpResponse};

use crate::cipher::StateCipher;
use crate::csrf::random_id;

/// How far a visitor's run got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Pages seen, nothing stored yet.
    Looking,
    /// Answers or drafts are (or were, until they expired) stored in the
    /// session.
    Answering,
    /// The run finished.
    Finished,
}

impl Stage {
    fn letter(self) -> char {
        match self {
            Self::Looking => 'l',
            Self::Answering => 'a',
            Self::Finished => 'f',
        }
    }

    fn from_letter(letter: &str) -> Option<Self> {
        match letter {
            "l" => Some(Self::Looking),
            "a" => Some(Self::Answering),
            "f" => Some(Self::Finished),
            _ => None,
        }
    }
}

/// What the visitor cookie says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Visitor {
    /// The run's id: 96 random bits, handed to the finish handler.
    pub run: String,
    /// The CSRF token every form of the run carries: 128 random bits.
    pub csrf: String,
    pub stage: Stage,
}

impl Visitor {
    /// A new run, nothing stored.
    pub fn new_run() -> Self {
        Self {
            run: random_id(12),
            csrf: random_id(16),
            stage: Stage::Looking,
        }
    }

    /// A visitor for a run whose state the session holds, when the browser
    /// lost the cookie (its holder owns the session, so it may have it).
    pub fn for_stored_run(run: &str) -> Self {
        Self {
            run: run.to_owned(),
            csrf: random_id(16),
            stage: Stage::Answering,
        }
    }

    fn encode(&self) -> String {
        format!("{}.{}.{}", self.run, self.csrf, self.stage.letter())
    }

    pub fn decode(value: &str) -> Option<Self> {
        let mut parts = value.split('.');
        let (run, csrf, stage) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || run.is_empty() || csrf.is_empty() {
            return None;
        }
        Some(Self {
            run: run.to_owned(),
            csrf: csrf.to_owned(),
            stage: Stage::from_letter(stage)?,
        })
    }
}

/// A visitor cookie as the browser sent it.
#[derive(Debug, Clone)]
pub(crate) struct Sent {
    pub visitor: Visitor,
    signed: String,
}

/// How the visitor cookie of one wizard is named, scoped and signed.
pub(crate) struct VisitorCookie {
    name: String,
    /// `; HttpOnly; SameSite=Lax[; Secure]; Max-Age=…`, made once; the
    /// `Path` is the run's base, written with each cookie (a wizard on a
    /// path with parameters has one per resource).
    attributes: String,
    context: Vec<u8>,
    secure: bool,
}

impl VisitorCookie {
    /// The cookie of wizard `id`.
    pub fn new(id: &str, secure: bool) -> Self {
        let cookie = Cookie::build("x", "")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Lax)
            .max_age(actix_web::cookie::time::Duration::days(30))
            .finish()
            .to_string();
        Self {
            name: format!("{id}_run"),
            attributes: cookie.trim_start_matches("x=").to_owned(),
            context: format!("{id}:visitor").into_bytes(),
            secure,
        }
    }

    /// Removes the cookie of the pages under `base` in the browser (a run
    /// that is gone, so that its pages start afresh rather than say its
    /// answers expired).
    pub fn expire(&self, base: &str, response: &mut HttpResponse) {
        let path = if base.is_empty() { "/" } else { base };
        let cookie = Cookie::build(self.name.as_str(), "")
            .path(path)
            .http_only(true)
            .secure(self.secure)
            .same_site(SameSite::Lax)
            .max_age(actix_web::cookie::time::Duration::ZERO)
            .finish();
        if let Ok(header) = HeaderValue::try_from(cookie.to_string()) {
            response.headers_mut().append(SET_COOKIE, header);
        }
    }

    /// What the browser's cookie says, not yet checked: see
    /// [`VisitorCookie::is_genuine`]. Reading a page needs no check (its
    /// token is only shown, and checked when the form comes back, and a
    /// run it names must equal the stored run's secret id).
    pub fn read(&self, request: &HttpRequest) -> Option<Sent> {
        // The cookies actix-web parsed once for this request (the session
        // layer read them too), borrowed rather than cloned.
        let cookies = request.cookies().ok()?;
        let cookie = cookies.iter().find(|c| c.name() == self.name)?;
        let (value, _) = cookie.value().rsplit_once('.')?;
        Some(Sent {
            visitor: Visitor::decode(value)?,
            signed: cookie.value().to_owned(),
        })
    }

    /// Whether this server signed `sent` for this wizard.
    pub fn is_genuine(&self, sent: &Sent, cipher: &StateCipher) -> bool {
        cipher.verify(&sent.signed, &self.context).is_some()
    }

    /// Sets the cookie to `visitor` in `response`, for the pages under
    /// `base`.
    pub fn write(
        &self,
        visitor: &Visitor,
        base: &str,
        cipher: &StateCipher,
        response: &mut HttpResponse,
    ) {
        let value = cipher.sign(&visitor.encode(), &self.context);
        let path = if base.is_empty() { "/" } else { base };
        let mut header = String::with_capacity(
            self.attributes.len() + self.name.len() + value.len() + path.len() + 8,
        );
        header.push_str(&self.name);
        header.push('=');
        header.push_str(&value);
        header.push_str("; Path=");
        header.push_str(path);
        header.push_str(&self.attributes);
        // Name, value (hex, base64url, `.`), the path (percent-encoded)
        // and attributes are ours and cookie-safe, so the header value is
        // always valid.
        if let Ok(header) = HeaderValue::try_from(header) {
            response.headers_mut().append(SET_COOKIE, header);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cipher::StateKey;

    #[test]
    fn a_visitor_reads_back_only_when_signed_for_this_wizard() {
        let cipher = StateCipher::new(&StateKey::random());
        let cookie = VisitorCookie::new("signup", false);
        let visitor = Visitor::new_run();
        let mut response = HttpResponse::Ok().finish();
        cookie.write(&visitor, "/signup", &cipher, &mut response);
        let sent = response
            .cookies()
            .next()
            .map(|c| c.value().to_owned())
            .unwrap_or_default();
        assert!(sent.contains(&visitor.run), "signed, not hidden");

        let request = actix_web::test::TestRequest::default()
            .cookie(Cookie::new("signup_run", sent.clone()))
            .to_http_request();
        let read = cookie.read(&request).unwrap_or_else(|| panic!("not read"));
        assert_eq!(read.visitor, visitor);
        assert!(cookie.is_genuine(&read, &cipher));

        let other = VisitorCookie::new("other", false);
        let request = actix_web::test::TestRequest::default()
            .cookie(Cookie::new("other_run", sent.clone()))
            .to_http_request();
        let read = other.read(&request).unwrap_or_else(|| panic!("not read"));
        assert!(!other.is_genuine(&read, &cipher), "bound to its wizard");

        let forged = sent.replacen(".l.", ".a.", 1);
        let request = actix_web::test::TestRequest::default()
            .cookie(Cookie::new("signup_run", forged))
            .to_http_request();
        let read = cookie.read(&request).unwrap_or_else(|| panic!("not read"));
        assert_eq!(read.visitor.stage, Stage::Answering);
        assert!(!cookie.is_genuine(&read, &cipher));
    }
}
