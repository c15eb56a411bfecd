//! [`Exit`]: a page of its own for visitors who cannot go on, reached by
//! an answer ([`crate::Steps::exit_if`]).

use crate::components::escape_into;
use crate::texts::Texts;

/// An exit page: where an answer that ends the visitor's way through the
/// wizard leads ("You cannot use this service"), with why and a link back
/// to change the answer. Served at `{base}/{segment}` with `GET` only; it
/// stores nothing, and neither does the answer that leads to it.
///
/// ```
/// use actix_wizard::Exit;
/// let exit = Exit::new(
///     "not-eligible",
///     "You cannot use this service",
///     "You can only claim expenses if you are employed by us.",
/// );
/// assert_eq!(exit.segment(), "not-eligible");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exit {
    segment: &'static str,
    title: &'static str,
    body: &'static str,
}

impl Exit {
    /// The page at URL segment `segment` (a step name's rules), headed
    /// `title`, saying `body` (paragraphs apart by a blank line).
    pub const fn new(segment: &'static str, title: &'static str, body: &'static str) -> Self {
        Self {
            segment,
            title,
            body,
        }
    }

    /// Its URL segment.
    pub fn segment(&self) -> &'static str {
        self.segment
    }

    /// Its heading and `<title>`.
    pub fn title(&self) -> &'static str {
        self.title
    }

    /// What the page says, as declared.
    pub(crate) fn body_text(&self) -> &'static str {
        self.body
    }

    /// What the page says, paragraph by paragraph.
    pub(crate) fn paragraphs(&self) -> Vec<&'static str> {
        self.body
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect()
    }

    /// The page's body: heading, paragraphs, and the link back to the
    /// question at `back`.
    pub(crate) fn body(&self, back: &str, texts: &Texts) -> String {
        let mut out = String::with_capacity(512);
        out.push_str("<h1>");
        escape_into(&mut out, self.title);
        out.push_str("</h1>\n");
        for paragraph in self.paragraphs() {
            out.push_str("<p>");
            escape_into(&mut out, paragraph);
            out.push_str("</p>\n");
        }
        out.push_str("<p><a href=\"");
        escape_into(&mut out, back);
        out.push_str("\">");
        escape_into(&mut out, &texts.exit_back_link);
        out.push_str("</a></p>\n");
        out
    }
}
