//! The pages of "save and come back later": the form that asks for an
//! email address (where to send the link; which address a link was sent
//! to), and the page that says where the link went.

use crate::components::{escape_into, write_error_message};
use crate::csrf::CSRF_FIELD;
use crate::texts::Texts;

/// The one-field form of an email address.
pub(crate) struct EmailForm<'a> {
    pub title: &'a str,
    pub intro: &'a str,
    pub label: &'a str,
    pub hint: Option<&'a str>,
    pub button: &'a str,
    pub action: &'a str,
    pub token: &'a str,
    pub value: &'a str,
    pub error: Option<&'a str>,
    /// Where the visitor goes back to, if anywhere.
    pub back: Option<&'a str>,
    /// The page a save was asked for on (a hidden `from`), if any.
    pub from: Option<&'a str>,
}

/// The hidden field of the page a save was asked for on.
pub(crate) const FROM: &str = "from";

/// The field's name and id.
pub(crate) const EMAIL: &str = "email";

impl EmailForm<'_> {
    /// The form as a JSON client reads it: `page` names it (`save`,
    /// `resume`); its one field as a step's document gives a field.
    pub(crate) fn document(&self, page: &str) -> serde_json::Value {
        serde_json::json!({
            "page": page,
            "title": self.title,
            "text": self.intro,
            "url": self.action,
            "csrf_token": self.token,
            "from": self.from,
            "fields": [{
                "name": EMAIL,
                "label": self.label,
                "hint": self.hint,
                "kind": "email",
                "value": self.value,
                "error": self.error,
            }],
        })
    }

    /// The page's body: an error summary when there is an error, the
    /// heading, the line, and the form.
    pub(crate) fn body(&self, texts: &Texts) -> String {
        let mut out = String::with_capacity(2048);
        if let Some(back) = self.back {
            out.push_str("<a class=\"back-link\" href=\"");
            escape_into(&mut out, back);
            out.push_str("\">");
            escape_into(&mut out, &texts.back_button);
            out.push_str("</a>\n");
        }
        if let Some(error) = self.error {
            out.push_str("<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"error-summary-title\" tabindex=\"-1\" autofocus>\n<h2 class=\"error-summary__title\" id=\"error-summary-title\">");
            escape_into(&mut out, &texts.error_summary_title);
            out.push_str("</h2>\n<ul class=\"error-summary__list\">\n<li><a href=\"#email\">");
            escape_into(&mut out, error);
            out.push_str("</a></li>\n</ul>\n</div>\n");
        }
        out.push_str("<h1>");
        escape_into(&mut out, self.title);
        out.push_str("</h1>\n<p>");
        escape_into(&mut out, self.intro);
        out.push_str("</p>\n<form method=\"post\" action=\"");
        escape_into(&mut out, self.action);
        out.push_str("\" novalidate>\n<input type=\"hidden\" name=\"");
        out.push_str(CSRF_FIELD);
        out.push_str("\" value=\"");
        escape_into(&mut out, self.token);
        out.push_str("\">\n");
        if let Some(from) = self.from {
            out.push_str("<input type=\"hidden\" name=\"");
            out.push_str(FROM);
            out.push_str("\" value=\"");
            escape_into(&mut out, from);
            out.push_str("\">\n");
        }
        self.write_field(&mut out, texts);
        out.push_str(
            "<div class=\"buttons\">\n<button class=\"button\" name=\"action\" value=\"send\">",
        );
        escape_into(&mut out, self.button);
        out.push_str("</button>\n</div>\n</form>\n");
        out
    }

    fn write_field(&self, out: &mut String, texts: &Texts) {
        out.push_str("<div class=\"field");
        if self.error.is_some() {
            out.push_str(" field--error");
        }
        out.push_str("\">\n<label class=\"label\" for=\"email\">");
        escape_into(out, self.label);
        out.push_str("</label>\n");
        let mut described = Vec::new();
        if let Some(hint) = self.hint {
            out.push_str("<p class=\"hint\" id=\"email-hint\">");
            escape_into(out, hint);
            out.push_str("</p>\n");
            described.push("email-hint");
        }
        write_error_message(out, EMAIL, self.error, texts);
        if self.error.is_some() {
            described.push("email-error");
        }
        out.push_str("<input class=\"input");
        if self.error.is_some() {
            out.push_str(" input--error");
        }
        out.push_str("\" id=\"email\" name=\"email\" type=\"email\" spellcheck=\"false\" autocomplete=\"email\" value=\"");
        escape_into(out, self.value);
        out.push('"');
        if self.error.is_some() {
            out.push_str(" aria-invalid=\"true\"");
        }
        if !described.is_empty() {
            out.push_str(" aria-describedby=\"");
            out.push_str(&described.join(" "));
            out.push('"');
        }
        out.push_str(">\n</div>\n");
    }
}

/// The page after the link was sent: its heading, where the link went and
/// until when, and a link back to the answers.
pub(crate) fn sent_body(heading: &str, line: &str, back: &str, back_label: &str) -> String {
    let mut out = String::with_capacity(512);
    out.push_str("<h1>");
    escape_into(&mut out, heading);
    out.push_str("</h1>\n<p>");
    escape_into(&mut out, line);
    out.push_str("</p>\n<p><a href=\"");
    escape_into(&mut out, back);
    out.push_str("\">");
    escape_into(&mut out, back_label);
    out.push_str("</a></p>\n");
    out
}
