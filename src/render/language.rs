//! The language switcher: the page's language named, and a link to the
//! same page in each other language the wizard offers (`?lang=`), marked
//! with its language (`lang`, `hreflang`) as GOV.UK's pattern does.

use std::fmt;

use askama::filters::HtmlSafe;

use crate::components::escape_into;

/// One language of the switcher.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LanguageLink {
    /// Its tag (`cy`).
    pub lang: String,
    /// Its own name (`Cymraeg`).
    pub name: String,
    /// The same page in it; `None` for the page's own language.
    pub href: Option<String>,
}

/// The page's language switcher ([`super::Page::language_switcher`]):
/// nothing in a wizard of one language.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LanguageSwitcher {
    pub(crate) label: String,
    pub(crate) links: Vec<LanguageLink>,
}

impl LanguageSwitcher {
    /// Its languages, the page's own among them.
    pub fn links(&self) -> &[LanguageLink] {
        &self.links
    }

    /// Writes it (nothing with fewer than two languages).
    pub(crate) fn write_into(&self, out: &mut String) {
        if self.links.len() < 2 {
            return;
        }
        out.push_str("<nav class=\"language-switcher\" aria-label=\"");
        escape_into(out, &self.label);
        out.push_str("\">\n<ul class=\"language-switcher__list\">\n");
        for link in &self.links {
            out.push_str("<li class=\"language-switcher__item\">");
            match &link.href {
                None => {
                    out.push_str("<span aria-current=\"true\">");
                    escape_into(out, &link.name);
                    out.push_str("</span>");
                }
                Some(href) => {
                    out.push_str("<a href=\"");
                    escape_into(out, href);
                    out.push_str("\" hreflang=\"");
                    escape_into(out, &link.lang);
                    out.push_str("\" lang=\"");
                    escape_into(out, &link.lang);
                    out.push_str("\" rel=\"alternate\">");
                    escape_into(out, &link.name);
                    out.push_str("</a>");
                }
            }
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n</nav>\n");
    }
}

impl fmt::Display for LanguageSwitcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.write_into(&mut out);
        f.write_str(&out)
    }
}

impl HtmlSafe for LanguageSwitcher {}
