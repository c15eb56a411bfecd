//! The pages of a list of items ([`crate::Repeat`]): the list with its
//! question, and an item's remove page.

use std::borrow::Cow;

use super::Page;
use crate::components::escape_into;

/// One item as the list page shows it.
pub(crate) struct ListRow {
    pub name: String,
    pub detail: String,
    /// Whether every step of the item is answered.
    pub finished: bool,
    /// Its first step (finished) or the step to go on with.
    pub open_url: String,
    pub remove_url: String,
}

impl Page<'_> {
    /// The list page's body: the items, then the form with the question,
    /// or in its place the line saying no more can be added (`full`).
    pub(crate) fn list_body(&self, rows: &[ListRow], full: Option<&str>) -> String {
        let mut out = String::with_capacity(4096);
        self.top().write_into(&mut out);
        if rows.is_empty() {
            out.push_str("<p class=\"list-empty\">");
            escape_into(&mut out, &self.texts.list_none);
            out.push_str("</p>\n");
        } else {
            write_rows(&mut out, rows, self);
        }
        self.form_start(&mut out);
        match full {
            Some(line) => {
                out.push_str("<p class=\"list-full\">");
                escape_into(&mut out, line);
                out.push_str("</p>\n");
            }
            None => self.field(crate::repeat::ADD_ANOTHER).write_into(&mut out),
        }
        self.buttons().write_into(&mut out);
        out.push_str("</form>\n");
        out
    }

    /// An item's remove page's body: its question, as the page's heading,
    /// is the legend of the yes/no radios.
    pub(crate) fn remove_body(&self) -> String {
        let mut out = String::with_capacity(2048);
        self.progress().write_into(&mut out);
        out.push('\n');
        self.error_summary().write_into(&mut out);
        self.form_start(&mut out);
        let mut field = self.field(crate::repeat::CONFIRM);
        field.label = Cow::Owned(self.title.to_owned());
        let mut question = String::with_capacity(1024);
        field.write_into(&mut question);
        // The question is the page's heading: the legend holds the `<h1>`,
        // as GOV.UK's pattern for a page of one question has it.
        let mut legend = String::from("<legend class=\"legend\">");
        escape_into(&mut legend, self.title);
        let mut heading = String::from("<legend class=\"legend legend--heading\"><h1>");
        escape_into(&mut heading, self.title);
        heading.push_str("</h1>");
        out.push_str(&question.replacen(&legend, &heading, 1));
        self.buttons().write_into(&mut out);
        out.push_str("</form>\n");
        out
    }

    fn form_start(&self, out: &mut String) {
        out.push_str("\n<form method=\"post\" action=\"");
        escape_into(out, &self.action);
        out.push_str("\" novalidate>\n");
        self.hidden_fields().write_into(out);
        out.push('\n');
    }
}

fn write_rows(out: &mut String, rows: &[ListRow], page: &Page<'_>) {
    let texts = page.texts;
    out.push_str("<dl class=\"summary-list\">");
    for row in rows {
        out.push_str("\n  <div class=\"summary-list__row\">\n    <dt class=\"summary-list__key\">");
        escape_into(out, &row.name);
        out.push_str("</dt>\n    <dd class=\"summary-list__value\">");
        if row.finished {
            escape_into(out, &row.detail);
        } else {
            out.push_str("<strong class=\"tag\">");
            escape_into(out, &texts.list_not_finished);
            out.push_str("</strong>");
        }
        out.push_str("</dd>\n    <dd class=\"summary-list__actions\"><a href=\"");
        escape_into(out, &row.open_url);
        out.push_str("\">");
        let open = match row.finished {
            true => &texts.change,
            false => &texts.continue_link,
        };
        escape_into(out, open);
        write_hidden_name(out, &row.name);
        out.push_str("</a> <a href=\"");
        escape_into(out, &row.remove_url);
        out.push_str("\">");
        escape_into(out, &texts.remove);
        write_hidden_name(out, &row.name);
        out.push_str("</a></dd>\n  </div>");
    }
    out.push_str("\n</dl>\n");
}

fn write_hidden_name(out: &mut String, name: &str) {
    out.push_str("<span class=\"visually-hidden\"> ");
    escape_into(out, name);
    out.push_str("</span>");
}
