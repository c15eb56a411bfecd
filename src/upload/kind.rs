//! What a file is, read from its first bytes (its magic number), never
//! from its name or the browser's `Content-Type`.

use serde::{Deserialize, Serialize};

/// A type of file a field may accept, known by its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// A PDF document.
    Pdf,
    /// A JPEG picture.
    Jpeg,
    /// A PNG picture.
    Png,
}

impl FileKind {
    /// Every kind, in the order messages list them.
    pub const ALL: [FileKind; 3] = [FileKind::Pdf, FileKind::Jpeg, FileKind::Png];

    /// What the file's first bytes say it is, if one of these: enough of
    /// its start to read the magic number (a few hundred bytes do).
    ///
    /// ```
    /// use actix_wizard::upload::FileKind;
    ///
    /// assert_eq!(FileKind::of(b"%PDF-1.7\n..."), Some(FileKind::Pdf));
    /// assert_eq!(FileKind::of(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(FileKind::Png));
    /// assert_eq!(FileKind::of(b"plain words"), None);
    /// ```
    pub fn of(head: &[u8]) -> Option<Self> {
        match infer::get(head)?.mime_type() {
            "application/pdf" => Some(Self::Pdf),
            "image/jpeg" => Some(Self::Jpeg),
            "image/png" => Some(Self::Png),
            _ => None,
        }
    }

    /// The name a declaration gives it: `pdf`, `jpeg` (or `jpg`), `png`.
    pub fn named(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "pdf" => Some(Self::Pdf),
            "jpeg" | "jpg" => Some(Self::Jpeg),
            "png" => Some(Self::Png),
            _ => None,
        }
    }

    /// What a message calls it, as GOV.UK writes it: "PDF", "JPG", "PNG".
    pub fn label(self) -> &'static str {
        match self {
            Self::Pdf => "PDF",
            Self::Jpeg => "JPG",
            Self::Png => "PNG",
        }
    }

    /// Its media type, for the `accept` attribute and a download.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }
}

/// The kinds a message lists: "a PDF, JPG or PNG".
#[allow(dead_code)] // the file field's messages, next
pub(crate) fn listed(kinds: &[FileKind], or: &str) -> String {
    let labels: Vec<&str> = kinds.iter().map(|kind| kind.label()).collect();
    match labels.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} {or} {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_known_by_its_content_not_its_name() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0];
        assert_eq!(FileKind::of(&jpeg), Some(FileKind::Jpeg));
        assert_eq!(FileKind::of(b"GIF89a"), None);
        assert_eq!(FileKind::of(b""), None);
        assert_eq!(FileKind::named("JPG"), Some(FileKind::Jpeg));
        assert_eq!(FileKind::named("exe"), None);
    }

    #[test]
    fn kinds_are_listed_as_a_sentence_lists_them() {
        assert_eq!(listed(&FileKind::ALL, "or"), "PDF, JPG or PNG");
        assert_eq!(listed(&[FileKind::Png], "or"), "PNG");
        assert_eq!(listed(&[FileKind::Pdf, FileKind::Png], "or"), "PDF or PNG");
    }
}
