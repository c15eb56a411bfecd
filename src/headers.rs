//! [`SecurityHeaders`]: what every response of a wizard carries so that
//! its pages cannot be framed (clickjacking), sniffed or leak their URL;
//! and [`Client`]: who sent a request, decided once from its headers.

use actix_web::http::header::{
    CONTENT_SECURITY_POLICY, HeaderMap, HeaderName, HeaderValue, REFERRER_POLICY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};

/// The security headers added to every response the crate makes (pages,
/// redirects, problem pages, the store-outage 503), each only where the
/// application has not set that header itself.
///
/// By default: `X-Frame-Options: DENY` with
/// `Content-Security-Policy: frame-ancestors 'none'` (no framing),
/// `X-Content-Type-Options: nosniff` and `Referrer-Policy: same-origin`.
///
/// ```
/// use actix_wizard::{http::SecurityHeaders, WizardConfig};
///
/// // Framed by the application's own pages only:
/// let config = WizardConfig::default()
///     .security_headers(SecurityHeaders::default().allow_same_origin_framing());
/// assert!(config.security_headers.get("x-frame-options") == Some("SAMEORIGIN"));
/// // Or none at all (a proxy in front sets them):
/// assert!(SecurityHeaders::none().get("referrer-policy").is_none());
/// ```
#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl Default for SecurityHeaders {
    fn default() -> Self {
        Self {
            headers: vec![
                (X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
                (
                    CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static("frame-ancestors 'none'"),
                ),
                (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
                (REFERRER_POLICY, HeaderValue::from_static("same-origin")),
            ],
        }
    }
}

impl SecurityHeaders {
    /// No headers: for applications (or proxies) that set their own.
    pub fn none() -> Self {
        Self {
            headers: Vec::new(),
        }
    }

    /// Sets `name` to `value`, replacing the default for that header.
    ///
    /// ```
    /// use actix_web::http::header::{HeaderName, HeaderValue};
    /// use actix_wizard::http::SecurityHeaders;
    /// let headers = SecurityHeaders::default().with(
    ///     HeaderName::from_static("referrer-policy"),
    ///     HeaderValue::from_static("no-referrer"),
    /// );
    /// assert_eq!(headers.get("referrer-policy"), Some("no-referrer"));
    /// ```
    pub fn with(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value));
        self
    }

    /// Lets pages of the same origin frame the wizard's pages
    /// (`SAMEORIGIN`, `frame-ancestors 'self'`).
    pub fn allow_same_origin_framing(self) -> Self {
        self.with(X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"))
            .with(
                CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("frame-ancestors 'self'"),
            )
    }

    /// The value this policy gives `name`, if any.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.as_str().eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.to_str().ok())
    }

    /// Adds each header that `headers` does not hold yet: for a page of
    /// the application's own, outside the wizard's routes.
    ///
    /// ```
    /// use actix_web::HttpResponse;
    /// use actix_wizard::http::SecurityHeaders;
    /// let mut page = HttpResponse::Ok().body("<p>Operators only</p>");
    /// SecurityHeaders::default().apply(page.headers_mut());
    /// assert_eq!(page.headers().get("x-frame-options").unwrap(), "DENY");
    /// ```
    pub fn apply(&self, headers: &mut HeaderMap) {
        for (name, value) in &self.headers {
            if !headers.contains_key(name) {
                headers.append(name.clone(), value.clone());
            }
        }
    }
}

/// Whether the client asked for JSON: its `Accept` names
/// `application/json` or `application/problem+json` with a non-zero
/// quality. Browsers never name them, so their pages are unchanged.
pub(crate) fn wants_json(headers: &actix_web::http::header::HeaderMap) -> bool {
    headers
        .get_all(actix_web::http::header::ACCEPT)
        // A browser's `Accept` never says "json": most requests stop here.
        .filter(|value| {
            value
                .as_bytes()
                .windows(4)
                .any(|w| w.eq_ignore_ascii_case(b"json"))
        })
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|range| {
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next().unwrap_or("");
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            !refused
                && (media.eq_ignore_ascii_case("application/json")
                    || media.eq_ignore_ascii_case("application/problem+json"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_application_header_is_kept() {
        let mut headers = HeaderMap::new();
        headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
        SecurityHeaders::default().apply(&mut headers);
        assert_eq!(
            headers.get(X_FRAME_OPTIONS).map(|v| v.as_bytes()),
            Some(&b"SAMEORIGIN"[..])
        );
        assert_eq!(
            headers.get(X_CONTENT_TYPE_OPTIONS).map(|v| v.as_bytes()),
            Some(&b"nosniff"[..])
        );
        assert_eq!(headers.len(), 4);
    }
}

/// Who sent a request, as its headers say: a JSON client (its `Accept`
/// names JSON, [`wants_json`]), htmx swapping a fragment (`HX-Request`,
/// not a history restore), or a browser wanting a whole page. Decided
/// once per request, by the first layer that asks, and kept in the
/// request's extensions for every later one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Client {
    Page,
    Fragment,
    Json,
}

// Names made once: looking a header up by a `&str` parses (and
// allocates) a name on every request.
const HX_REQUEST: HeaderName = HeaderName::from_static("hx-request");
const HX_HISTORY_RESTORE: HeaderName = HeaderName::from_static("hx-history-restore-request");

impl Client {
    /// The client that sent `request`.
    pub fn of(request: &actix_web::HttpRequest) -> Self {
        use actix_web::HttpMessage;
        if let Some(client) = request.extensions().get::<Client>() {
            return *client;
        }
        let headers = request.headers();
        let says = |name: &HeaderName| {
            headers
                .get(name)
                .is_some_and(|value| value.as_bytes() == b"true")
        };
        let client = if wants_json(headers) {
            Client::Json
        } else if says(&HX_REQUEST) && !says(&HX_HISTORY_RESTORE) {
            Client::Fragment
        } else {
            Client::Page
        };
        request.extensions_mut().insert(client);
        client
    }

    /// Whether the client reads JSON.
    pub fn is_json(self) -> bool {
        self == Client::Json
    }
}

#[cfg(test)]
mod client_tests {
    use super::Client;
    use actix_web::test::TestRequest;

    #[test]
    fn json_wins_then_htmx_then_a_page() {
        let client = |headers: &[(&'static str, &'static str)]| {
            let mut request = TestRequest::default();
            for header in headers {
                request = request.insert_header(*header);
            }
            Client::of(&request.to_http_request())
        };
        assert_eq!(client(&[]), Client::Page);
        assert_eq!(client(&[("accept", "application/json")]), Client::Json);
        assert_eq!(client(&[("hx-request", "true")]), Client::Fragment);
        assert_eq!(
            client(&[
                ("hx-request", "true"),
                ("hx-history-restore-request", "true")
            ]),
            Client::Page
        );
        assert_eq!(
            client(&[("hx-request", "true"), ("accept", "application/json")]),
            Client::Json
        );
    }

    #[test]
    fn a_request_is_read_once() {
        let request = TestRequest::default()
            .insert_header(("accept", "application/json"))
            .to_http_request();
        assert_eq!(Client::of(&request), Client::Json);
        // What the first look decided stays, whatever asks later.
        use actix_web::HttpMessage;
        request.extensions_mut().insert(Client::Page);
        assert_eq!(Client::of(&request), Client::Page);
    }
}
