//! The field components: each writes a whole field (its label or legend,
//! hint, error message and controls) from its declaration, in the manner
//! of the GOV.UK Design System.
//!
//! The rules they keep, so that no page can get them wrong:
//! - the control an error-summary link names has the field's id: the input
//!   itself, the *first* control of a radio or checkbox group, the first
//!   wrong part of a date — never a `<fieldset>`, which cannot take focus;
//! - `aria-invalid="true"` on every control of an invalid field;
//! - `aria-describedby` names the hint, then the error (on the fieldset of
//!   a group, where screen readers announce it once);
//! - values are escaped; a password is never written back.

use std::fmt::Write;

mod file;
pub(crate) use file::{DEFAULT_ACCEPT, held_parts, readable_size};

/// What a money field's input shows before it, unless it says otherwise.
const MONEY_PREFIX: &str = "£";

use askama::filters::{Escaper, Html};

use crate::date::{DATE_PARTS, Date};
use crate::field::{FieldSpec, Kind};
use crate::field_errors::FieldError;
use crate::form::{RawForm, parse_yes_no};
use crate::texts::{Texts, fill};

/// Writes `text` escaped for HTML text and attribute values.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    // Writing into a String cannot fail.
    let _ = Html.write_escaped_str(&mut *out, text);
}

/// One field as the page shows it: its declaration, what the form holds
/// for it, and its error.
pub(crate) struct FieldView<'a> {
    pub spec: &'a FieldSpec,
    /// The field's name and id (the declaration's, or a name a template
    /// gave for an undeclared field).
    pub name: &'a str,
    /// The question, as declared (or made from the name).
    pub label: &'a str,
    pub values: &'a RawForm,
    pub error: Option<&'a FieldError>,
    pub texts: &'a Texts,
    /// The fields its options reveal, written already: an option's value
    /// and the HTML beneath it.
    pub revealed: &'a [(&'static str, String)],
}

impl FieldView<'_> {
    fn id(&self) -> &str {
        self.name
    }

    fn invalid(&self) -> bool {
        self.error.is_some()
    }

    fn value(&self) -> &str {
        self.values.first(self.name).unwrap_or("")
    }

    pub fn is_checked(&self, value: &str) -> bool {
        let mut given = self.values.values(self.name);
        if self.values.values(self.name).any(|v| v == value) {
            return true;
        }
        // A stored `true` reads back as the checkbox's own value.
        matches!(
            (parse_yes_no(value), given.next(), given.next()),
            (Some(true), Some(only), None) if parse_yes_no(only) == Some(true)
        )
    }

    /// The label's (or legend's) text: "(optional)" added on the form.
    pub fn label_text(&self) -> String {
        if self.spec.optional {
            format!("{}{}", self.label, self.texts.optional_suffix)
        } else {
            self.label.to_owned()
        }
    }

    /// Writes the whole field.
    pub fn write(&self, out: &mut String) {
        out.push_str("<div class=\"field");
        if self.invalid() {
            out.push_str(" field--error");
        }
        out.push_str("\">\n");
        match self.spec.kind {
            // A group: legend, hint and error in its fieldset, then its
            // controls. A lone checkbox without its own text needs none.
            Kind::Radios | Kind::Checkboxes | Kind::Date => {
                self.open_group(out, self.spec.kind == Kind::Date);
                self.write_control(out);
                out.push_str("</fieldset>\n");
            }
            Kind::Checkbox => self.write_checkbox(out),
            // One control: its label, hint and error, then the control.
            Kind::Text
            | Kind::Email
            | Kind::Telephone
            | Kind::Password
            | Kind::Number
            | Kind::Money
            | Kind::Textarea
            | Kind::Select
            | Kind::File
            | Kind::Files => {
                self.write_label(out);
                self.write_hint(out);
                self.write_error(out);
                self.write_control(out);
            }
        }
        out.push_str("</div>\n");
    }

    pub fn write_label(&self, out: &mut String) {
        out.push_str("<label class=\"label\" for=\"");
        escape_into(out, self.id());
        out.push_str("\">");
        escape_into(out, &self.label_text());
        out.push_str("</label>\n");
    }

    fn write_legend(&self, out: &mut String) {
        out.push_str("<legend class=\"legend\">");
        escape_into(out, &self.label_text());
        out.push_str("</legend>\n");
    }

    pub fn write_hint(&self, out: &mut String) {
        if let Some(hint) = self.spec.hint {
            out.push_str("<p class=\"hint\" id=\"");
            escape_into(out, self.id());
            out.push_str("-hint\">");
            escape_into(out, hint);
            out.push_str("</p>\n");
        }
    }

    pub fn write_error(&self, out: &mut String) {
        write_error_message(
            out,
            self.id(),
            self.error.map(|e| e.message.as_str()),
            self.texts,
        );
    }

    /// ` aria-invalid="true"` on an invalid field's control.
    fn write_invalid(&self, out: &mut String) {
        if self.invalid() {
            out.push_str(" aria-invalid=\"true\"");
        }
    }

    /// ` aria-describedby="…"` naming the character count, the hint,
    /// then the error; nothing when there is none of them.
    fn write_described_by(&self, out: &mut String, with_count: bool) {
        let parts = [
            (with_count, "-info"),
            (self.spec.hint.is_some(), "-hint"),
            (self.invalid(), "-error"),
        ];
        let mut first = true;
        for (present, suffix) in parts {
            if !present {
                continue;
            }
            out.push_str(if first { " aria-describedby=\"" } else { " " });
            first = false;
            escape_into(out, self.id());
            out.push_str(suffix);
        }
        if !first {
            out.push('"');
        }
    }

    fn write_optional_attributes(&self, out: &mut String) {
        let spec = self.spec;
        let inputmode = spec.inputmode.or(match spec.kind {
            Kind::Number => Some("numeric"),
            Kind::Money => Some("decimal"),
            _ => None,
        });
        // A secret a wizard asks for is almost always one being made (a
        // signup, a new password): without a word of its own, the browser
        // is told so, and offers to make and save one rather than fill in
        // a saved password. A step that asks for a current password says
        // `autocomplete = "current-password"`.
        let autocomplete = spec.autocomplete.or(match spec.kind {
            Kind::Password => Some("new-password"),
            _ => None,
        });
        for (name, value) in [("autocomplete", autocomplete), ("inputmode", inputmode)] {
            if let Some(value) = value {
                out.push(' ');
                out.push_str(name);
                out.push_str("=\"");
                escape_into(out, value);
                out.push('"');
            }
        }
        let spellcheck = spec.spellcheck.or(match spec.kind {
            Kind::Email | Kind::Password | Kind::Money => Some(false),
            _ => None,
        });
        if let Some(on) = spellcheck {
            out.push_str(if on {
                " spellcheck=\"true\""
            } else {
                " spellcheck=\"false\""
            });
        }
        if spec.kind == Kind::Password {
            out.push_str(" autocapitalize=\"none\"");
        }
    }

    /// The control of a one-control field, without label, hint or error.
    pub fn write_control(&self, out: &mut String) {
        match self.spec.kind {
            Kind::Textarea => return self.write_textarea_control(out),
            Kind::Select => return self.write_select_control(out),
            Kind::Radios | Kind::Checkboxes => return self.write_choice_items(out),
            Kind::Checkbox => return self.write_checkbox_item(out, false),
            Kind::Date => return self.write_date_parts(out),
            Kind::File | Kind::Files => return self.write_file_control(out),
            Kind::Text
            | Kind::Email
            | Kind::Telephone
            | Kind::Password
            | Kind::Number
            | Kind::Money => {}
        }
        let spec = self.spec;
        let prefix = spec
            .prefix
            .or((spec.kind == Kind::Money).then_some(MONEY_PREFIX));
        let wrapped = prefix.is_some() || spec.suffix.is_some();
        if wrapped {
            out.push_str("<div class=\"input-wrapper\">");
        }
        if let Some(prefix) = prefix {
            out.push_str("<span class=\"input-affix\" aria-hidden=\"true\">");
            escape_into(out, prefix);
            out.push_str("</span>");
        }
        self.write_input(out);
        if let Some(suffix) = spec.suffix {
            out.push_str("<span class=\"input-affix\" aria-hidden=\"true\">");
            escape_into(out, suffix);
            out.push_str("</span>");
        }
        if wrapped {
            out.push_str("</div>");
        }
        out.push('\n');
    }

    /// A one-line `<input>`.
    fn write_input(&self, out: &mut String) {
        let spec = self.spec;
        out.push_str("<input class=\"input");
        if self.invalid() {
            out.push_str(" input--error");
        }
        if let Some(width) = spec.width {
            let _ = write!(out, " input--width-{width}");
        }
        out.push_str("\" id=\"");
        escape_into(out, self.id());
        out.push_str("\" name=\"");
        escape_into(out, self.id());
        let kind = match spec.kind {
            Kind::Email => "email",
            Kind::Password => "password",
            Kind::Telephone => "tel",
            _ => "text",
        };
        out.push_str("\" type=\"");
        out.push_str(kind);
        out.push_str("\" value=\"");
        if spec.kind != Kind::Password {
            escape_into(out, self.value());
        }
        out.push('"');
        self.write_optional_attributes(out);
        self.write_invalid(out);
        self.write_described_by(out, false);
        out.push('>');
    }

    fn write_textarea_control(&self, out: &mut String) {
        let spec = self.spec;
        out.push_str("<textarea class=\"textarea");
        if self.invalid() {
            out.push_str(" textarea--error");
        }
        out.push_str("\" id=\"");
        escape_into(out, self.id());
        out.push_str("\" name=\"");
        escape_into(out, self.id());
        let _ = write!(out, "\" rows=\"{}\"", spec.rows);
        self.write_optional_attributes(out);
        self.write_invalid(out);
        self.write_described_by(out, spec.max_chars.is_some());
        out.push('>');
        escape_into(out, self.value());
        out.push_str("</textarea>\n");
        if let Some(limit) = spec.max_chars {
            // Counted on the server, so it is right without JavaScript.
            let used = self.value().chars().count();
            let message = if used == 0 {
                fill(
                    &self.texts.characters_allowed,
                    &[("count", &limit.to_string())],
                )
            } else if used <= limit {
                fill(
                    &self.texts.characters_remaining,
                    &[("count", &(limit - used).to_string())],
                )
            } else {
                fill(
                    &self.texts.characters_too_many,
                    &[("count", &(used - limit).to_string())],
                )
            };
            out.push_str("<p class=\"hint character-count\" id=\"");
            escape_into(out, self.id());
            out.push_str("-info\">");
            escape_into(out, &message);
            out.push_str("</p>\n");
        }
    }

    fn write_select_control(&self, out: &mut String) {
        out.push_str("<select class=\"select");
        if self.invalid() {
            out.push_str(" select--error");
        }
        out.push_str("\" id=\"");
        escape_into(out, self.id());
        out.push_str("\" name=\"");
        escape_into(out, self.id());
        out.push('"');
        self.write_optional_attributes(out);
        self.write_invalid(out);
        self.write_described_by(out, false);
        out.push_str(">\n<option value=\"\"></option>\n");
        let chosen = self.value();
        for choice in self.spec.options {
            out.push_str("<option value=\"");
            escape_into(out, choice.value);
            out.push('"');
            if choice.value == chosen {
                out.push_str(" selected");
            }
            out.push('>');
            escape_into(out, choice.label);
            out.push_str("</option>\n");
        }
        out.push_str("</select>\n");
    }

    /// `<fieldset>` with the group's description, then its legend, hint
    /// and error.
    fn open_group(&self, out: &mut String, role_group: bool) {
        out.push_str("<fieldset class=\"fieldset\"");
        if role_group {
            out.push_str(" role=\"group\"");
        }
        self.write_described_by(out, false);
        out.push_str(">\n");
        self.write_legend(out);
        self.write_hint(out);
        self.write_error(out);
    }

    /// Writes the id of the group's `index`th control: the field's own
    /// for the first (where the error summary links), `name-value` for
    /// the rest.
    fn write_item_id(&self, out: &mut String, index: usize, value: &str) {
        escape_into(out, self.id());
        if index > 0 {
            out.push('-');
            escape_into(out, value);
        }
    }

    fn write_choice_items(&self, out: &mut String) {
        let kind = if self.spec.kind == Kind::Checkboxes {
            "checkbox"
        } else {
            "radio"
        };
        out.push_str("<div class=\"choices\">\n");
        for (index, choice) in self.spec.options.iter().enumerate() {
            out.push_str("<div class=\"choice\">\n<input class=\"choice__input\" id=\"");
            self.write_item_id(out, index, choice.value);
            out.push_str("\" name=\"");
            escape_into(out, self.id());
            out.push_str("\" type=\"");
            out.push_str(kind);
            out.push_str("\" value=\"");
            escape_into(out, choice.value);
            out.push('"');
            if self.is_checked(choice.value) {
                out.push_str(" checked");
            }
            let reveals = self
                .revealed
                .iter()
                .find(|(value, _)| *value == choice.value);
            if reveals.is_some() {
                // The page's script turns it into `aria-controls` once
                // it hides what is not chosen (GOV.UK's way).
                out.push_str(" data-aria-controls=\"");
                self.write_conditional_id(out, choice.value);
                out.push('"');
            }
            self.write_invalid(out);
            if choice.hint.is_some() {
                out.push_str(" aria-describedby=\"");
                self.write_item_id(out, index, choice.value);
                out.push_str("-item-hint\"");
            }
            out.push_str(">\n<label class=\"choice__label\" for=\"");
            self.write_item_id(out, index, choice.value);
            out.push_str("\">");
            escape_into(out, choice.label);
            out.push_str("</label>\n");
            if let Some(hint) = choice.hint {
                out.push_str("<p class=\"hint choice__hint\" id=\"");
                self.write_item_id(out, index, choice.value);
                out.push_str("-item-hint\">");
                escape_into(out, hint);
                out.push_str("</p>\n");
            }
            out.push_str("</div>\n");
            if let Some((value, html)) = reveals {
                out.push_str("<div class=\"choice__conditional\" id=\"");
                self.write_conditional_id(out, value);
                out.push_str("\">\n");
                out.push_str(html);
                out.push_str("</div>\n");
            }
        }
        out.push_str("</div>\n");
    }

    /// The id of what option `value` reveals.
    fn write_conditional_id(&self, out: &mut String, value: &str) {
        out.push_str("conditional-");
        escape_into(out, self.id());
        out.push('-');
        escape_into(out, value);
    }

    /// A single yes/no checkbox: in a fieldset whose legend is the label
    /// when it has a text of its own, else labelled by the label.
    fn write_checkbox(&self, out: &mut String) {
        if self.spec.checkbox.is_some() {
            self.open_group(out, false);
            self.write_checkbox_item(out, false);
            out.push_str("</fieldset>\n");
        } else {
            self.write_hint(out);
            self.write_error(out);
            self.write_checkbox_item(out, true);
        }
    }

    fn write_checkbox_item(&self, out: &mut String, described_here: bool) {
        let text = match self.spec.checkbox {
            Some(text) => text.to_owned(),
            None => self.label_text(),
        };
        out.push_str("<div class=\"choice\">\n<input class=\"choice__input\" id=\"");
        escape_into(out, self.id());
        out.push_str("\" name=\"");
        escape_into(out, self.id());
        out.push_str("\" type=\"checkbox\" value=\"yes\"");
        if self.is_checked("yes") {
            out.push_str(" checked");
        }
        self.write_invalid(out);
        if described_here {
            self.write_described_by(out, false);
        }
        out.push_str(">\n<label class=\"choice__label\" for=\"");
        escape_into(out, self.id());
        out.push_str("\">");
        escape_into(out, &text);
        out.push_str("</label>\n</div>\n");
    }

    /// The typed parts of the date: as the visitor typed them (a draft or
    /// an invalid page), else from the stored `YYYY-MM-DD`.
    fn date_values(&self) -> [String; 3] {
        let typed = DATE_PARTS.map(|part| {
            self.values
                .first(&format!("{}-{part}", self.id()))
                .map(str::to_owned)
        });
        if typed.iter().any(Option::is_some) {
            return typed.map(Option::unwrap_or_default);
        }
        Date::parts_of_iso(self.value()).unwrap_or_default()
    }

    fn write_date_parts(&self, out: &mut String) {
        let values = self.date_values();
        let labels = [&self.texts.day, &self.texts.month, &self.texts.year];
        let wrong = self.error.and_then(|e| e.part.as_deref());
        out.push_str("<div class=\"date-input\">\n");
        for ((part, label), value) in DATE_PARTS.iter().zip(labels).zip(&values) {
            let id = format!("{}-{part}", self.id());
            let width = if *part == "year" { 4 } else { 2 };
            // The parts the error names, or every part when it is the
            // whole date's; the style and `aria-invalid` agree.
            let flagged = self.invalid()
                && wrong.is_none_or(|w| w == "all" || w.split(',').any(|p| p == *part));
            out.push_str("<div class=\"date-input__item\">\n<label class=\"label\" for=\"");
            escape_into(out, &id);
            out.push_str("\">");
            escape_into(out, label);
            out.push_str("</label>\n<input class=\"input");
            if flagged {
                out.push_str(" input--error");
            }
            let _ = write!(out, " input--width-{width}\" id=\"");
            escape_into(out, &id);
            out.push_str("\" name=\"");
            escape_into(out, &id);
            out.push_str("\" type=\"text\" inputmode=\"numeric\" value=\"");
            escape_into(out, value);
            out.push('"');
            if let Some(base) = self.spec.autocomplete {
                out.push_str(" autocomplete=\"");
                escape_into(out, base);
                out.push('-');
                out.push_str(part);
                out.push('"');
            }
            if flagged {
                out.push_str(" aria-invalid=\"true\"");
            }
            out.push_str(">\n</div>\n");
        }
        out.push_str("</div>\n");
    }
}

/// `<p class="field-error" id="ID-error">` with a visually hidden prefix,
/// or nothing when there is no message.
pub(crate) fn write_error_message(
    out: &mut String,
    id: &str,
    message: Option<&str>,
    texts: &Texts,
) {
    let Some(message) = message else { return };
    out.push_str("<p class=\"field-error\" id=\"");
    escape_into(out, id);
    out.push_str("-error\"><span class=\"visually-hidden\">");
    escape_into(out, &texts.error_prefix);
    out.push_str("</span> ");
    escape_into(out, message);
    out.push_str("</p>\n");
}

#[cfg(test)]
mod tests;
