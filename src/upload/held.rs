//! [`Upload`]: a file a run holds, by its key in the staging store.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::FileKind;
use crate::components::held_parts;
use crate::field::{FieldValue, Kind};
use crate::files::UPLOAD_TYPE_NAME;
use crate::texts::Texts;

impl FieldValue for Upload {
    const KIND: Kind = Kind::File;
    fn display(&self, _texts: &Texts) -> Option<String> {
        Some(self.name.clone())
    }
}

/// A file a run holds: in the staging store under its key, with the name
/// it came with (for the visitor's eyes only, never part of a key), its
/// size in bytes and its kind, read from its content. A step field of
/// this type (or `Option<Upload>`) is a file field.
///
/// In the run it is one short string (`pdf 5120 staging/RUN/ID receipt.pdf`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upload {
    pub(crate) key: String,
    pub(crate) name: String,
    pub(crate) size: u64,
    pub(crate) kind: FileKind,
}

impl Upload {
    /// Its key in the staging store.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The name it came with, cleaned: the last part of a path, no
    /// control characters, at most 255 characters.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// What it is.
    pub fn kind(&self) -> FileKind {
        self.kind
    }

    /// Whether it belongs to run `run`: its key names the run.
    #[allow(dead_code)] // the pipeline's check of a held file, next
    pub(crate) fn is_of_run(&self, run: &str) -> bool {
        self.key
            .strip_prefix(super::staging::STAGING_PREFIX)
            .and_then(|rest| rest.strip_prefix(run))
            .is_some_and(|rest| rest.starts_with('/'))
    }
}

/// A file's name as a browser sent it, made safe to show and keep.
pub(crate) fn clean_name(sent: &str) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = last.chars().filter(|c| !c.is_control()).take(255).collect();
    match name.trim() {
        "" => "file".to_owned(),
        name => name.to_owned(),
    }
}

impl fmt::Display for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            FileKind::Pdf => "pdf",
            FileKind::Jpeg => "jpeg",
            FileKind::Png => "png",
        };
        write!(f, "{kind} {} {} {}", self.size, self.key, self.name)
    }
}

impl std::str::FromStr for Upload {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        let held = held_parts(text).ok_or(())?;
        Ok(Self {
            kind: FileKind::named(held.kind).ok_or(())?,
            size: held.size,
            key: held.key.to_owned(),
            name: held.name.to_owned(),
        })
    }
}

impl Serialize for Upload {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(UPLOAD_TYPE_NAME, &self.to_string())
    }
}

impl<'de> Deserialize<'de> for Upload {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Held;
        impl<'de> Visitor<'de> for Held {
            type Value = Upload;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a held file")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Upload, E> {
                text.parse()
                    .map_err(|()| E::invalid_value(de::Unexpected::Str(text), &self))
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                inner: D,
            ) -> Result<Upload, D::Error> {
                let text = String::deserialize(inner)?;
                self.visit_str(&text)
            }
        }
        deserializer.deserialize_newtype_struct(UPLOAD_TYPE_NAME, Held)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_file_is_one_string_in_the_run() {
        let upload = Upload {
            key: "staging/run1/abc".into(),
            name: "taxi receipt.pdf".into(),
            size: 5120,
            kind: FileKind::Pdf,
        };
        let json = serde_json::to_string(&upload).unwrap_or_default();
        assert_eq!(json, r#""pdf 5120 staging/run1/abc taxi receipt.pdf""#);
        let back: Upload = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, upload);
        assert!(upload.is_of_run("run1"));
        assert!(!upload.is_of_run("run"));
        assert!("pdf 10 staging/r/x".parse::<Upload>().is_err());
        assert!("exe 10 staging/r/x a".parse::<Upload>().is_err());
    }

    #[test]
    fn names_keep_their_last_part_and_no_control_characters() {
        assert_eq!(clean_name(r"C:\fakepath\taxi.pdf"), "taxi.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0}b\nc.png"), "abc.png");
        assert_eq!(clean_name(""), "file");
        assert_eq!(clean_name(&"x".repeat(300)).len(), 255);
    }
}
