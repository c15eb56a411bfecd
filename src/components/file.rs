//! A file field: its input (`type="file"`, the kinds it takes in
//! `accept`), and the file the run already holds for it, named beneath
//! the label with a button that removes it, since a browser cannot fill
//! a file input again.

use super::{FieldView, escape_into};
use crate::field::Kind;
use crate::files::file_id;
use crate::texts::fill;

/// A held file as the run keeps it: `KIND SIZE KEY NAME`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HeldParts<'a> {
    pub kind: &'a str,
    pub size: u64,
    pub key: &'a str,
    pub name: &'a str,
}

/// Reads a held file's text; `None` for anything else.
pub(crate) fn held_parts(text: &str) -> Option<HeldParts<'_>> {
    let mut parts = text.splitn(4, ' ');
    let kind = parts.next()?;
    let size = parts.next()?.parse().ok()?;
    let key = parts.next().filter(|key| !key.is_empty())?;
    let name = parts.next()?;
    Some(HeldParts {
        kind,
        size,
        key,
        name,
    })
}

/// A size as people read it: "820 bytes", "14 KB", "1.5 MB".
pub(crate) fn readable_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    match bytes {
        0..KB => format!("{bytes} bytes"),
        KB..1_048_576 => format!("{} KB", bytes.div_ceil(KB)),
        _ => {
            let tenths = (bytes * 10).div_ceil(1_048_576);
            match tenths % 10 {
                0 => format!("{} MB", tenths / 10),
                part => format!("{}.{part} MB", tenths / 10),
            }
        }
    }
}

/// The `accept` attribute of the kinds a field names ("pdf, jpeg"):
/// extensions, a hint to the browser's picker only.
fn accept_attribute(kinds: &str) -> String {
    let mut extensions = Vec::new();
    for kind in kinds.split(',').map(str::trim).filter(|k| !k.is_empty()) {
        match kind.to_ascii_lowercase().as_str() {
            "jpeg" | "jpg" => extensions.extend([".jpg", ".jpeg"]),
            "pdf" => extensions.push(".pdf"),
            "png" => extensions.push(".png"),
            _ => {}
        }
    }
    extensions.join(",")
}

/// What a file field takes when it does not say.
pub(crate) const DEFAULT_ACCEPT: &str = "pdf, jpeg, png";

impl FieldView<'_> {
    /// The held file (if any) and the file input; for a list of files,
    /// those it holds, each with its Remove button, and an input that
    /// takes several.
    pub(super) fn write_file_control(&self, out: &mut String) {
        if self.spec.kind == Kind::Files {
            self.write_held_list(out);
        } else if let Some(held) = self.values.first(self.name).and_then(held_parts) {
            let size = readable_size(held.size);
            let line = fill(
                &self.texts.file_held,
                &[("name", held.name), ("size", &size)],
            );
            out.push_str("<p class=\"file-held\" id=\"");
            escape_into(out, self.name);
            out.push_str("-held\">");
            escape_into(out, &line);
            // It belongs to the page's small remove form, not to the step's
            // form, whose first button Enter presses.
            out.push_str(
                "</p>\n<button type=\"submit\" class=\"button button--secondary\" form=\"",
            );
            escape_into(out, self.name);
            out.push_str("-remove\" name=\"action\" value=\"remove-");
            escape_into(out, self.name);
            out.push_str("\">");
            let remove = fill(&self.texts.file_remove, &[("name", held.name)]);
            escape_into(out, &remove);
            out.push_str("</button>\n");
        }
        out.push_str("<input class=\"file-upload");
        if self.invalid() {
            out.push_str(" file-upload--error");
        }
        out.push_str("\" type=\"file\" id=\"");
        escape_into(out, self.name);
        out.push_str("\" name=\"");
        escape_into(out, self.name);
        out.push_str("\" accept=\"");
        let accept = accept_attribute(self.spec.accept.unwrap_or(DEFAULT_ACCEPT));
        escape_into(out, &accept);
        out.push('"');
        if self.spec.kind == Kind::Files {
            out.push_str(" multiple");
        }
        self.write_invalid(out);
        self.write_described_by(out, false);
        out.push_str(">\n");
    }
}

impl FieldView<'_> {
    /// A list of files' held files: a heading, then one line per file with
    /// its size and a Remove button (`remove-{field}/{id}`), which belongs
    /// to the page's remove form for the field.
    fn write_held_list(&self, out: &mut String) {
        let held: Vec<HeldParts<'_>> = self
            .values
            .values(self.name)
            .filter_map(held_parts)
            .collect();
        if held.is_empty() {
            return;
        }
        out.push_str("<h3 class=\"file-list__heading\">");
        escape_into(out, &self.texts.files_held);
        out.push_str("</h3>\n<ul class=\"file-list\" id=\"");
        escape_into(out, self.name);
        out.push_str("-held\">\n");
        for file in held {
            out.push_str("<li class=\"file-list__item\"><span>");
            escape_into(
                out,
                &format!("{} ({})", file.name, readable_size(file.size)),
            );
            out.push_str(
                "</span> <button type=\"submit\" class=\"button button--secondary\" form=\"",
            );
            escape_into(out, self.name);
            out.push_str("-remove\" name=\"action\" value=\"remove-");
            escape_into(out, self.name);
            out.push('/');
            escape_into(out, file_id(file.key));
            out.push_str("\">");
            escape_into(out, &fill(&self.texts.file_remove, &[("name", file.name)]));
            out.push_str("</button></li>\n");
        }
        out.push_str("</ul>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(readable_size(820), "820 bytes");
        assert_eq!(readable_size(14 * 1024 - 5), "14 KB");
        assert_eq!(readable_size(1_572_864), "1.5 MB");
        assert_eq!(readable_size(10 * 1_048_576), "10 MB");
    }

    #[test]
    fn a_held_file_is_read_from_its_text() {
        let held = held_parts("pdf 1500 staging/run/abc taxi receipt.pdf");
        assert_eq!(
            held.map(|h| (h.size, h.name)),
            Some((1500, "taxi receipt.pdf"))
        );
        assert_eq!(held_parts("taxi.pdf"), None);
        assert_eq!(accept_attribute("pdf, JPEG,png"), ".pdf,.jpg,.jpeg,.png");
    }
}
