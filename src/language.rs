//! Which language a request is answered in: `?lang=cy` (remembered in a
//! cookie), else the cookie, else `Accept-Language`, else the wizard's
//! default; an application's own choice first when it gives one
//! ([`crate::WizardConfig::choose_language`]). A wizard in one language
//! reads nothing of the request for it.

use std::sync::Arc;

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieAge};
use actix_web::http::header::ACCEPT_LANGUAGE;
use actix_web::{HttpMessage, HttpRequest};

use crate::config::WizardConfig;
use crate::texts::Texts;

/// The cookie that remembers a visitor's choice.
pub(crate) const LANG_COOKIE: &str = "wizard-lang";
/// The query parameter that switches.
pub(crate) const LANG_QUERY: &str = "lang";

pub use crate::config::LanguageChoice;

/// The table of language `tag` among `config`'s, by its primary subtag
/// (`cy-GB` is `cy`).
fn table<'c>(config: &'c WizardConfig, tag: &str) -> Option<&'c Arc<Texts>> {
    let primary = tag.split(['-', '_']).next()?.trim();
    std::iter::once(&config.texts)
        .chain(&config.languages)
        .find(|texts| texts.lang.eq_ignore_ascii_case(primary))
}

/// The language `?lang=` asks for, when it is one of `config`'s.
pub(crate) fn asked<'c>(config: &'c WizardConfig, request: &HttpRequest) -> Option<&'c Arc<Texts>> {
    if config.languages.is_empty() {
        return None;
    }
    let query = request.query_string();
    let asked = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| *name == LANG_QUERY)?
        .1;
    table(config, asked)
}

/// A request's language, once chosen: the position of its table among
/// the configuration's (0 the default), kept in the request's extensions
/// so that the query, the cookie and the header are read once.
#[derive(Clone, Copy)]
struct Chosen(usize);

/// The texts `request` is answered in.
pub(crate) fn texts_for<'c>(config: &'c WizardConfig, request: &HttpRequest) -> &'c Arc<Texts> {
    if config.languages.is_empty() {
        return &config.texts;
    }
    let kept = request.extensions().get::<Chosen>().copied();
    let at = kept.map_or_else(
        || {
            let texts = choose(config, request);
            let at = config
                .languages
                .iter()
                .position(|other| Arc::ptr_eq(other, texts))
                .map_or(0, |at| at + 1);
            request.extensions_mut().insert(Chosen(at));
            at
        },
        |Chosen(at)| at,
    );
    match at {
        0 => &config.texts,
        at => config.languages.get(at - 1).unwrap_or(&config.texts),
    }
}

/// The table `request` asks for, read from the request.
fn choose<'c>(config: &'c WizardConfig, request: &HttpRequest) -> &'c Arc<Texts> {
    let chosen = config.choose_language.and_then(|choose| choose(request));
    if let Some(texts) = chosen.as_deref().and_then(|tag| table(config, tag)) {
        return texts;
    }
    if let Some(texts) = asked(config, request) {
        return texts;
    }
    if let Some(texts) = request
        .cookie(LANG_COOKIE)
        .and_then(|c| table(config, c.value()))
    {
        return texts;
    }
    accepted(config, request).unwrap_or(&config.texts)
}

/// The best of `config`'s languages by `Accept-Language` (its weights
/// read; `*` and unknown tags skipped).
fn accepted<'c>(config: &'c WizardConfig, request: &HttpRequest) -> Option<&'c Arc<Texts>> {
    let header = request.headers().get(ACCEPT_LANGUAGE)?.to_str().ok()?;
    let mut best: Option<(u16, &Arc<Texts>)> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let weight = parts
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let weight = (weight.clamp(0.0, 1.0) * 1000.0) as u16;
        let Some(texts) = table(config, tag) else {
            continue;
        };
        if weight > 0 && best.is_none_or(|(w, _)| weight > w) {
            best = Some((weight, texts));
        }
    }
    best.map(|(_, texts)| texts)
}

/// The cookie that remembers a switch (`?lang=` naming one of the
/// wizard's languages), for a year.
pub(crate) fn remembered(config: &WizardConfig, request: &HttpRequest) -> Option<Cookie<'static>> {
    let texts = asked(config, request)?;
    Some(
        Cookie::build(LANG_COOKIE, texts.lang.to_string())
            .path(config.cookie_path.clone())
            .http_only(true)
            .secure(config.secure_cookies)
            .same_site(SameSite::Lax)
            .max_age(CookieAge::days(365))
            .finish(),
    )
}

/// `path` with `query`, its `lang` set to `lang` (the switcher's link).
pub(crate) fn switched(path: &str, query: &str, lang: &str) -> String {
    let mut kept: Vec<&str> = query
        .split('&')
        .filter(|pair| !pair.is_empty() && pair.split('=').next() != Some(LANG_QUERY))
        .collect();
    let lang = format!("{LANG_QUERY}={lang}");
    kept.push(&lang);
    format!("{path}?{}", kept.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn config() -> WizardConfig {
        let mut welsh = Texts::ENGLISH;
        welsh.lang = "cy".into();
        WizardConfig::default().language(welsh)
    }

    fn lang_of(request: TestRequest) -> String {
        let config = config();
        texts_for(&config, &request.to_http_request())
            .lang
            .to_string()
    }

    #[test]
    fn the_query_wins_then_the_cookie_then_accept_language_then_the_default() {
        assert_eq!(lang_of(TestRequest::get().uri("/w?lang=cy")), "cy");
        let cookie = Cookie::new(LANG_COOKIE, "cy");
        assert_eq!(lang_of(TestRequest::get().cookie(cookie.clone())), "cy");
        let both = TestRequest::get().uri("/w?lang=en").cookie(cookie);
        assert_eq!(lang_of(both), "en");
        let accepts =
            |value: &'static str| TestRequest::get().insert_header((ACCEPT_LANGUAGE, value));
        assert_eq!(lang_of(accepts("cy-GB,cy;q=0.9,en;q=0.5")), "cy");
        assert_eq!(lang_of(accepts("en;q=0.8, cy;q=0.3")), "en");
        assert_eq!(lang_of(accepts("fr, cy;q=0.1")), "cy");
        assert_eq!(lang_of(accepts("fr, de")), "en");
        assert_eq!(lang_of(TestRequest::get().uri("/w?lang=xx")), "en");
    }

    #[test]
    fn the_switcher_keeps_the_query() {
        assert_eq!(
            switched("/c/bank", "change&lang=en", "cy"),
            "/c/bank?change&lang=cy"
        );
        assert_eq!(switched("/c/bank", "", "cy"), "/c/bank?lang=cy");
    }
}
