//! The page around a step's body ([`Layout`]), the completion page's
//! parts ([`CompletePage`]), and the page of a problem.

use std::fmt;

use askama::Template;

use crate::components::escape_into;
use crate::texts::Texts;

use super::parts::Markup;
use super::{LayoutFn, STYLESHEET};

/// The page around a step's body: what [`crate::Wizard::layout`] gets.
pub struct Layout<'a> {
    pub(crate) title: &'a str,
    pub(crate) body: &'a str,
    pub(crate) texts: &'a Texts,
}

impl<'a> Layout<'a> {
    /// A page of the application's own (an operator's page, say) to lay out
    /// as the wizard's pages are: `body` is HTML, placed as it is.
    ///
    /// ```
    /// use actix_wizard::{page::Layout, page::Texts};
    ///
    /// let texts = Texts::default();
    /// let layout = Layout::new("Reports", "<h1>Reports</h1>", &texts);
    /// assert!(layout.service_document("Example", "/site.css").contains("<h1>Reports</h1>"));
    /// ```
    pub fn new(title: &'a str, body: &'a str, texts: &'a Texts) -> Self {
        Self { title, body, texts }
    }

    /// The `<title>` ("Error: " first on a page with errors), without
    /// the service's name.
    pub fn title(&self) -> &'a str {
        self.title
    }

    /// The service's name ([`Texts::service`]), empty when not given.
    pub fn service(&self) -> &'a str {
        &self.texts.service
    }

    /// The rendered body, HTML to place as it is.
    pub fn body(&self) -> Markup<'a> {
        Markup(self.body)
    }

    /// The page's `lang`, from the text table.
    pub fn lang(&self) -> &'a str {
        &self.texts.lang
    }

    /// The crate's stylesheet ([`STYLESHEET`]), to inline in a `<style>`.
    pub fn stylesheet(&self) -> Markup<'static> {
        Markup(STYLESHEET)
    }

    /// A complete, plain HTML document around the body, with the crate's
    /// stylesheet inlined: the default layout.
    pub fn default_document(&self) -> String {
        let mut out = String::with_capacity(self.body.len() + STYLESHEET.len() + 400);
        let service = Some(self.service()).filter(|name| !name.is_empty());
        self.open_head(&mut out, service);
        out.push_str("<style>");
        out.push_str(STYLESHEET);
        out.push_str("</style>\n</head>\n<body>\n<main id=\"main\" class=\"wizard\">\n");
        out.push_str(self.body);
        out.push_str("</main>\n</body>\n</html>\n");
        out
    }

    /// A service's page in the manner of GOV.UK's page template: a skip
    /// link, a header naming the service, and the body in
    /// `<main id="main">` inside a `width` container. Its `<title>` is the
    /// page's, then the service's name ("Your profile – Example signup");
    /// it links the application's `stylesheet` (which should carry the
    /// crate's [`STYLESHEET`] rules, or link both) instead of inlining one.
    /// The classes it uses are `skip-link`, `header`, `header__name` and
    /// `width`.
    ///
    /// ```
    /// # fn layout(layout: &actix_wizard::page::Layout<'_>) -> Result<String, askama::Error> {
    /// Ok(layout.service_document("Apply for a licence", "/static/site.css"))
    /// # }
    /// ```
    pub fn service_document(&self, service: &str, stylesheet: &str) -> String {
        let mut out = String::with_capacity(self.body.len() + 800);
        self.open_head(&mut out, Some(service));
        out.push_str("<link rel=\"stylesheet\" href=\"");
        escape_into(&mut out, stylesheet);
        out.push_str("\">\n</head>\n<body>\n<a class=\"skip-link\" href=\"#main\">");
        escape_into(&mut out, &self.texts.skip_to_main);
        out.push_str(
            "</a>\n<header class=\"header\"><div class=\"width\"><span class=\"header__name\">",
        );
        escape_into(&mut out, service);
        out.push_str("</span></div></header>\n<div class=\"width\">\n<main id=\"main\">\n");
        out.push_str(self.body);
        out.push_str("</main>\n</div>\n</body>\n</html>\n");
        out
    }

    /// The document's start up to the end of its `<title>`.
    fn open_head(&self, out: &mut String, service: Option<&str>) {
        out.push_str("<!DOCTYPE html>\n<html lang=\"");
        escape_into(out, self.lang());
        out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        escape_into(out, self.title);
        if let Some(service) = service {
            out.push_str(" \u{2013} ");
            escape_into(out, service);
        }
        out.push_str("</title>\n");
    }
}

/// What the completion page's template receives.
pub struct CompletePage<'a> {
    pub(crate) base: &'a str,
    pub(crate) texts: &'a Texts,
    pub(crate) layout: LayoutFn,
    /// The same page in the wizard's other languages.
    pub(crate) switcher: super::LanguageSwitcher,
}

impl CompletePage<'_> {
    /// The language switcher, for a page of your own: nothing in a
    /// wizard of one language ([`CompletePage::confirmation`] places it).
    pub fn language_switcher(&self) -> &super::LanguageSwitcher {
        &self.switcher
    }

    /// The URL the wizard is mounted at; linking to it starts a new run.
    pub fn base(&self) -> &str {
        self.base
    }

    /// The wizard's text table.
    pub fn texts(&self) -> &Texts {
        self.texts
    }

    /// `body` inside the wizard's layout, titled `title`.
    pub fn in_layout(&self, title: &str, body: &str) -> Result<String, askama::Error> {
        (self.layout)(&Layout {
            title,
            body,
            texts: self.texts,
        })
    }

    /// A confirmation page inside the wizard's layout, in the manner of
    /// GOV.UK's: a panel with `heading` and `message` (both text, escaped
    /// here; `format_args!` works for either), then a link that starts
    /// another run ([`Texts::start_another`]). Titled `title`.
    ///
    /// ```
    /// # fn page(page: &actix_wizard::page::CompletePage<'_>, name: &str) -> Result<String, askama::Error> {
    /// page.confirmation("Application sent", format_args!("Thank you, {name}"), "We have sent you an email.")
    /// # }
    /// ```
    pub fn confirmation(
        &self,
        title: impl fmt::Display,
        heading: impl fmt::Display,
        message: impl fmt::Display,
    ) -> Result<String, askama::Error> {
        let mut body = String::with_capacity(256);
        self.switcher.write_into(&mut body);
        body.push_str("<div class=\"panel\">\n<h1>");
        escape_into(&mut body, &heading.to_string());
        body.push_str("</h1>\n<p>");
        escape_into(&mut body, &message.to_string());
        body.push_str("</p>\n</div>\n<p><a href=\"");
        escape_into(&mut body, self.base);
        body.push_str("\">");
        escape_into(&mut body, &self.texts.start_another);
        body.push_str("</a></p>\n");
        self.in_layout(&title.to_string(), &body)
    }
}

/// A page for a request the wizard cannot serve (400, 403, 404, 413, 415,
/// 500, 503), in plain accessible HTML.
#[derive(Template)]
#[template(path = "wizard/problem.html")]
pub(crate) struct ProblemPage<'a> {
    pub lang: &'a str,
    pub heading: &'a str,
    pub body: &'a str,
    pub link: Option<(&'a str, &'a str)>,
}
