//! A cookie jar that keeps cookies the way a browser does for one site.

use std::time::{Duration, SystemTime};

use actix_web::cookie::{Cookie, Expiration};
use actix_web::http::header::{HeaderMap, SET_COOKIE};

/// One stored cookie.
#[derive(Debug, Clone)]
struct Kept {
    name: String,
    value: String,
    path: String,
    /// When it lapses, by the test's clock; `None` for a session cookie.
    expires: Option<SystemTime>,
}

/// The cookies of one browser profile, for one site.
///
/// It stores what `Set-Cookie` says, replaces a cookie of the same name and
/// path, drops one whose `Max-Age` is zero or whose expiry has passed (by
/// the kit's clock, so advancing the clock ages cookies too), and sends a
/// cookie only to paths under its `Path` (RFC 6265 path matching; without
/// a `Path`, the directory of the URL that set it).
///
/// `Secure` cookies are kept and sent over the test's plain http, as
/// browsers do for `http://localhost`, which they treat as a secure
/// context: a configuration with secure cookies (the default) works in
/// tests unchanged. `Domain`, `HttpOnly` and `SameSite` change nothing
/// here: every request goes to the same site, and from a page of it.
#[derive(Debug, Clone, Default)]
pub struct CookieJar {
    cookies: Vec<Kept>,
}

impl CookieJar {
    /// The value of the cookie named `name`, if the jar holds one (of any
    /// path), as it goes over the wire: percent-encoded where the server
    /// encoded it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|c| c.name == name)
            .map(|c| c.value.as_str())
    }

    /// Sets a cookie by hand, for every path of the site (a test that
    /// tampers with a cookie, say).
    ///
    /// ```
    /// let mut jar = actix_wizard::testing::CookieJar::default();
    /// jar.set("wizard_session", "tampered");
    /// assert_eq!(jar.get("wizard_session"), Some("tampered"));
    /// jar.remove("wizard_session");
    /// assert!(jar.names().is_empty());
    /// ```
    pub fn set(&mut self, name: &str, value: &str) {
        self.cookies.retain(|c| c.name != name);
        self.cookies.push(Kept {
            name: name.to_owned(),
            value: value.to_owned(),
            path: "/".to_owned(),
            expires: None,
        });
    }

    /// Drops every cookie named `name` (the visitor cleared it).
    pub fn remove(&mut self, name: &str) {
        self.cookies.retain(|c| c.name != name);
    }

    /// Drops every cookie.
    pub fn clear(&mut self) {
        self.cookies.clear();
    }

    /// The names of the cookies held.
    pub fn names(&self) -> Vec<&str> {
        self.cookies.iter().map(|c| c.name.as_str()).collect()
    }

    /// The `Cookie` header a browser would send to `path` at `now`.
    pub(crate) fn header_for(&mut self, path: &str, now: SystemTime) -> Option<String> {
        self.cookies
            .retain(|c| c.expires.is_none_or(|expires| expires > now));
        let mut sent: Vec<&Kept> = self
            .cookies
            .iter()
            .filter(|c| path_matches(path, &c.path))
            .collect();
        // Longer paths first, as browsers order them.
        sent.sort_by_key(|c| std::cmp::Reverse(c.path.len()));
        let header = sent
            .iter()
            .map(|c| format!("{}={}", c.name, c.value))
            .collect::<Vec<_>>()
            .join("; ");
        (!header.is_empty()).then_some(header)
    }

    /// Takes in every `Set-Cookie` of a response to `request_path`.
    pub(crate) fn store_from(&mut self, headers: &HeaderMap, request_path: &str, now: SystemTime) {
        for header in headers.get_all(SET_COOKIE) {
            let Ok(text) = header.to_str() else { continue };
            let Ok(cookie) = Cookie::parse(text.to_owned()) else {
                continue;
            };
            self.store(&cookie, request_path, now);
        }
    }

    fn store(&mut self, cookie: &Cookie<'_>, request_path: &str, now: SystemTime) {
        let path = cookie
            .path()
            .filter(|p| p.starts_with('/'))
            .map_or_else(|| default_path(request_path), str::to_owned);
        let expires = match (cookie.max_age(), cookie.expires()) {
            (Some(age), _) => {
                Some(now + Duration::from_secs(u64::try_from(age.whole_seconds()).unwrap_or(0)))
            }
            (None, Some(Expiration::DateTime(at))) => Some(SystemTime::from(at)),
            (None, _) => None,
        };
        self.cookies
            .retain(|c| !(c.name == cookie.name() && c.path == path));
        if expires.is_some_and(|at| at <= now) {
            return; // a deletion
        }
        self.cookies.push(Kept {
            name: cookie.name().to_owned(),
            value: cookie.value().to_owned(),
            path,
            expires,
        });
    }
}

/// RFC 6265 §5.1.4: whether a request to `path` gets a cookie of
/// `cookie_path`.
fn path_matches(path: &str, cookie_path: &str) -> bool {
    path == cookie_path
        || (path.starts_with(cookie_path)
            && (cookie_path.ends_with('/') || path[cookie_path.len()..].starts_with('/')))
}

/// RFC 6265 §5.1.4: the path of a cookie set without one.
fn default_path(request_path: &str) -> String {
    match request_path.rfind('/') {
        Some(0) | None => "/".to_owned(),
        Some(last) => request_path[..last].to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    fn response_setting(cookies: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for cookie in cookies {
            headers.append(SET_COOKIE, HeaderValue::from_str(cookie).unwrap());
        }
        headers
    }

    #[test]
    fn cookies_are_sent_under_their_path_replaced_and_deleted_like_a_browser() {
        let now = SystemTime::now();
        let mut jar = CookieJar::default();
        jar.store_from(
            &response_setting(&["a=1; Path=/signup; Secure", "b=2; Path=/"]),
            "/signup/account",
            now,
        );
        assert_eq!(
            jar.header_for("/signup/profile", now).as_deref(),
            Some("a=1; b=2")
        );
        assert_eq!(jar.header_for("/signups", now).as_deref(), Some("b=2"));
        jar.store_from(&response_setting(&["a=3; Path=/signup"]), "/signup", now);
        assert_eq!(jar.get("a"), Some("3"));
        jar.store_from(
            &response_setting(&["a=; Path=/signup; Max-Age=0"]),
            "/signup",
            now,
        );
        assert_eq!(jar.get("a"), None);
        jar.store_from(&response_setting(&["c=4"]), "/signup/account", now);
        assert_eq!(jar.header_for("/other", now).as_deref(), Some("b=2"));
    }

    #[test]
    fn a_cookie_lapses_when_the_clock_passes_its_max_age() {
        let now = SystemTime::now();
        let mut jar = CookieJar::default();
        jar.store_from(&response_setting(&["a=1; Path=/; Max-Age=60"]), "/", now);
        assert!(jar.header_for("/", now + Duration::from_secs(59)).is_some());
        assert!(jar.header_for("/", now + Duration::from_secs(61)).is_none());
    }
}
