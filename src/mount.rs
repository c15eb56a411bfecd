//! Where a wizard is mounted: a fixed path, or a pattern with path
//! parameters that each request fills in.

use std::sync::Arc;

use actix_web::HttpRequest;

/// Where a wizard is mounted: a fixed path (`/signup`), or a pattern with
/// path parameters (`/bookings/{booking}/change`) that each request fills
/// in, so that every resource has its own URLs, cookie path and run.
#[derive(Debug)]
pub(crate) struct Mount {
    pattern: String,
    /// The path itself, when the pattern has no parameter.
    fixed: Option<Arc<str>>,
}

/// Path bytes written as they are in a URL the wizard builds: the
/// unreserved characters and the sub-delimiters a segment may hold.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

impl Mount {
    pub fn new(pattern: &str) -> Self {
        Self {
            pattern: pattern.to_owned(),
            fixed: (!pattern.contains('{')).then(|| Arc::from(pattern)),
        }
    }

    /// The mount path as declared (a pattern when it has parameters).
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// The wizard's base path on the resource `request` is on: the
    /// pattern with each `{name}` (or `{name:regex}`) replaced by the
    /// request's value, percent-encoded. `None` when a parameter is
    /// missing (a request from outside the wizard's scope).
    pub fn base_of(&self, request: &HttpRequest) -> Option<Arc<str>> {
        if let Some(fixed) = &self.fixed {
            return Some(Arc::clone(fixed));
        }
        self.fill(|name| request.match_info().get(name))
    }

    /// The path with each parameter's value from `value_of` (encoded as a
    /// path segment); `None` if one is missing.
    pub fn fill<'v>(&self, value_of: impl Fn(&str) -> Option<&'v str>) -> Option<Arc<str>> {
        let mut base = String::with_capacity(self.pattern.len() + 16);
        let mut rest = self.pattern.as_str();
        while let Some(open) = rest.find('{') {
            base.push_str(&rest[..open]);
            let close = open + closing_brace(&rest[open..])?;
            let name = rest[open + 1..close].split(':').next()?;
            let value = value_of(name)?;
            base.extend(percent_encoding::utf8_percent_encode(value, SEGMENT));
            rest = &rest[close + 1..];
        }
        base.push_str(rest);
        Some(base.into())
    }
}

fn closing_brace(pattern: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (at, byte) in pattern.bytes().enumerate() {
        match byte {
            b'{' => depth += 1,
            b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_base_is_made_from_a_pattern_whose_regex_has_braces() {
        let mount = Mount::new("/w/r/{run:[a-z]{3}}");
        let request = actix_web::test::TestRequest::default()
            .param("run", "abc")
            .to_http_request();
        assert_eq!(mount.base_of(&request).as_deref(), Some("/w/r/abc"));
        assert_eq!(closing_brace("{a:[b]{2}}c"), Some(9));
        assert_eq!(closing_brace("{a"), None);
    }
}
