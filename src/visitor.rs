//! The visitor cookie: a small signed cookie per wizard naming the run a
//! browser is on, that run's CSRF token, and how far the run got.
//!
//! It lets a visitor who has only looked at a page carry a CSRF token
//! without a session being written (double-submit: the form's token must
//! equal the cookie's, and only this server can sign a cookie), tells an
//! expired run (which actix-session cannot tell from a new visitor) from a
//! new one, and names a finished run so that a late duplicate of its
//! finish is recognised.

use std::cell::Cell;
use std::rc::Rc;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header::{HeaderValue, SET_COOKIE};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};

use crate::cipher::StateCipher;
use crate::config::WizardConfig;
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

/// What the visitor cookie says: a ticket to one run (its id, CSRF token,
/// holder and stage). The testing kit's browser is [`crate::testing::Visitor`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ticket {
    /// The run's id: 96 random bits, handed to the finish handler.
    pub run: String,
    /// The CSRF token every form of the run carries: 128 random bits.
    pub csrf: String,
    /// From the run's first store, 128 random bits that only this cookie
    /// holds (never the store): the run's state is sealed with them as
    /// associated data, so that state copied into another session opens
    /// for nobody there. Empty before the first store, and with runs per
    /// tab, where the browser's [`HolderCookie`] holds them instead.
    pub holder: String,
    pub stage: Stage,
}

impl Ticket {
    /// A new run, nothing stored.
    pub fn new_run() -> Self {
        Self {
            run: random_id(12),
            csrf: random_id(16),
            holder: String::new(),
            stage: Stage::Looking,
        }
    }

    /// The visitor of a run storing its first answers or draft: a run id
    /// and a holder of its own, never those of the cookie it was shown
    /// with, which someone else may have planted (the CSRF token stays,
    /// so that the form on the page still goes through).
    pub fn storing(&self) -> Self {
        Self {
            run: random_id(12),
            csrf: self.csrf.clone(),
            holder: random_id(16),
            stage: Stage::Answering,
        }
    }

    /// Writes the ticket as its cookie carries it (before the signature).
    fn encode_into(&self, out: &mut String) {
        for part in [&self.run, &self.csrf, &self.holder] {
            out.push_str(part);
            out.push('.');
        }
        out.push(self.stage.letter());
    }

    pub fn decode(value: &str) -> Option<Self> {
        let mut parts = value.split('.');
        let (run, csrf) = (parts.next()?, parts.next()?);
        let (holder, stage) = (parts.next()?, parts.next()?);
        if parts.next().is_some() || run.is_empty() || csrf.is_empty() {
            return None;
        }
        Some(Self {
            run: run.to_owned(),
            csrf: csrf.to_owned(),
            holder: holder.to_owned(),
            stage: Stage::from_letter(stage)?,
        })
    }
}

/// The holder cookie of wizards with runs per tab: 128 random bits a
/// browser keeps beside the session cookie (same path, never in the
/// store), with which every tab's state is sealed, as a visitor cookie's
/// holder seals its run's elsewhere. It is the browser's, not the run's,
/// so that the list of a session's runs, at the wizard's own path where
/// no tab's visitor cookie goes, can open them all.
pub(crate) struct HolderCookie {
    /// [`WizardConfig::holder_cookie_name`].
    name: &'static str,
    /// `wizard_holder=`
    prefix: String,
    /// `; Path=…; HttpOnly; SameSite=Lax[; Secure]; Max-Age=…`
    attributes: String,
}

impl HolderCookie {
    /// The cookie of `config`, on the session cookie's path.
    pub fn new(config: &WizardConfig) -> Self {
        let name = config.holder_cookie_name();
        let cookie = Cookie::build("x", "")
            .path(config.cookie_path.clone())
            .http_only(true)
            .secure(config.secure_cookies)
            .same_site(SameSite::Lax)
            .max_age(actix_web::cookie::time::Duration::days(30))
            .finish()
            .to_string();
        Self {
            name,
            prefix: format!("{name}="),
            attributes: cookie.trim_start_matches("x=").to_owned(),
        }
    }

    /// The holder the browser sent, if any of a plausible form.
    pub fn read(&self, request: &HttpRequest) -> Option<String> {
        let value = cookie_value(request, self.name)?;
        let plausible = value.len() == 22
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        plausible.then_some(value)
    }

    /// A new holder.
    pub fn new_holder() -> String {
        random_id(16)
    }

    /// Sets the cookie to `holder` in `response` to `request`.
    pub fn write(&self, request: &HttpRequest, holder: &str, response: &mut HttpResponse) {
        note_set(request, self.name, holder);
        let header = format!("{}{holder}{}", self.prefix, self.attributes);
        if let Ok(header) = HeaderValue::try_from(header) {
            response.headers_mut().append(SET_COOKIE, header);
        }
    }
}

/// The wizard cookies this response sets (name, value), for a later look
/// at the run within the same request (a JSON client's next document is
/// read as the browser's next request would, with them).
#[derive(Clone, Default)]
struct SetNow(Vec<(String, String)>);

/// Notes in `request` that its response sets cookie `name` to `value`.
/// Only a JSON client's request looks again (its next document follows
/// a redirect in place), so only there is anything noted.
fn note_set(request: &HttpRequest, name: &str, value: &str) {
    if !crate::headers::Client::of(request).is_json() {
        return;
    }
    let mut extensions = request.extensions_mut();
    let set = extensions.get_or_insert_with(SetNow::default);
    set.0.retain(|(set_name, _)| set_name != name);
    set.0.push((name.to_owned(), value.to_owned()));
}

/// The value of cookie `name`: as this response sets it, else as the
/// browser sent it.
fn cookie_value(request: &HttpRequest, name: &str) -> Option<String> {
    if let Some(set) = request.extensions().get::<SetNow>() {
        if let Some((_, value)) = set.0.iter().find(|(set_name, _)| set_name == name) {
            return Some(value.clone());
        }
    }
    let cookies = request.cookies().ok()?;
    let cookie = cookies.iter().find(|c| c.name() == name)?;
    Some(cookie.value().to_owned())
}

/// A visitor cookie as the browser sent it, decoded once per request and
/// shared (`Rc<Sent>`) by every reader of that request.
#[derive(Debug)]
pub(crate) struct Sent {
    pub visitor: Ticket,
    signed: String,
    /// Whether its signature is this server's, once checked: every reader
    /// of the request shares this value, so it is checked once.
    genuine: Cell<Option<bool>>,
}

/// The visitor cookies a request has read so far, decoded: the claim
/// sent ahead (in the middleware) and the run's load read the same
/// cookie, which is decoded and its signature checked once.
/// Kept by cookie name, since a signature is checked for one wizard.
#[derive(Default)]
struct ReadNow(Vec<(String, Rc<Sent>)>);

/// The name of wizard `id`'s visitor cookie (`signup_run`).
pub(crate) fn visitor_cookie_name(id: &str) -> String {
    format!("{id}_run")
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
            name: visitor_cookie_name(id),
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
    pub fn read(&self, request: &HttpRequest) -> Option<Rc<Sent>> {
        let signed = cookie_value(request, &self.name)?;
        if let Some(read) = request.extensions().get::<ReadNow>() {
            let same =
                |(name, sent): &&(String, Rc<Sent>)| *name == self.name && sent.signed == signed;
            if let Some((_, sent)) = read.0.iter().find(same) {
                return Some(Rc::clone(sent));
            }
        }
        let (value, _) = signed.rsplit_once('.')?;
        let sent = Rc::new(Sent {
            visitor: Ticket::decode(value)?,
            signed,
            genuine: Cell::new(None),
        });
        let mut extensions = request.extensions_mut();
        extensions
            .get_or_insert_with(ReadNow::default)
            .0
            .push((self.name.clone(), Rc::clone(&sent)));
        Some(sent)
    }

    /// Whether this server signed `sent` for this wizard; checked once
    /// per request.
    pub fn is_genuine(&self, sent: &Sent, cipher: &StateCipher) -> bool {
        if let Some(genuine) = sent.genuine.get() {
            return genuine;
        }
        let genuine = cipher.verify(&sent.signed, &self.context).is_some();
        sent.genuine.set(Some(genuine));
        genuine
    }

    /// Sets the cookie to `visitor` in `response`, for the pages under
    /// `base`.
    pub fn write(
        &self,
        request: &HttpRequest,
        visitor: &Ticket,
        base: &str,
        cipher: &StateCipher,
        response: &mut HttpResponse,
    ) {
        let path = if base.is_empty() { "/" } else { base };
        // The value (about 80 bytes) is encoded and signed in place.
        let mut header =
            String::with_capacity(self.attributes.len() + self.name.len() + path.len() + 96);
        header.push_str(&self.name);
        header.push('=');
        let value_at = header.len();
        visitor.encode_into(&mut header);
        cipher.sign_into(&mut header, value_at, &self.context);
        note_set(request, &self.name, &header[value_at..]);
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
        let visitor = Ticket::new_run();
        let mut response = HttpResponse::Ok().finish();
        let shown = actix_web::test::TestRequest::default().to_http_request();
        cookie.write(&shown, &visitor, "/signup", &cipher, &mut response);
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
        // Read again in the same request: the decoded cookie and its
        // checked signature are reused, not worked out again.
        let again = cookie.read(&request).unwrap_or_else(|| panic!("not read"));
        assert!(Rc::ptr_eq(&again, &read), "the same decoded cookie");
        assert_eq!(again.genuine.get(), Some(true));

        let other = VisitorCookie::new("other", false);
        let request = actix_web::test::TestRequest::default()
            .cookie(Cookie::new("other_run", sent.clone()))
            .to_http_request();
        let read = other.read(&request).unwrap_or_else(|| panic!("not read"));
        assert!(!other.is_genuine(&read, &cipher), "bound to its wizard");
        // The same value under both names in one request: what one wizard
        // checked is not taken for the other's.
        let request = actix_web::test::TestRequest::default()
            .cookie(Cookie::new("signup_run", sent.clone()))
            .cookie(Cookie::new("other_run", sent.clone()))
            .to_http_request();
        let ours = cookie.read(&request).unwrap_or_else(|| panic!("not read"));
        assert!(cookie.is_genuine(&ours, &cipher));
        let theirs = other.read(&request).unwrap_or_else(|| panic!("not read"));
        assert!(!other.is_genuine(&theirs, &cipher));

        let forged = sent.replacen(".l.", ".a.", 1);
        assert_ne!(forged, sent);
        let request = actix_web::test::TestRequest::default()
            .cookie(Cookie::new("signup_run", forged))
            .to_http_request();
        let read = cookie.read(&request).unwrap_or_else(|| panic!("not read"));
        assert_eq!(read.visitor.stage, Stage::Answering);
        assert!(!cookie.is_genuine(&read, &cipher));
    }
}
