//! A file field's value in a form is never what the client sent: it is
//! the file this request brought, or else the file the run already held
//! (unless the visitor removed it). A client's own value for it, in any
//! body (a form, JSON, a draft), is dropped, so that no one can name
//! another run's object.

use super::{Received, Refused, Upload};
use crate::field::{FieldSpec, Kind};
use crate::files::{REFUSED_SUFFIX, code};
use crate::form::RawForm;

/// Puts each file field's value in `form`: the file `received` for it,
/// else the one `held` (the step's draft or answers) unless `removing`
/// names it; a refused file leaves its marker for the step's validation.
/// Returns the held files this drops (replaced or removed), to delete.
pub(crate) fn settle(
    fields: &[FieldSpec],
    form: &mut RawForm,
    held: &RawForm,
    received: &[(String, Received)],
    removing: Option<&str>,
    run: &str,
) -> Vec<Upload> {
    let mut dropped = Vec::new();
    for spec in fields.iter().filter(|spec| spec.kind == Kind::File) {
        let marker = format!("{}{REFUSED_SUFFIX}", spec.name);
        form.retain(|name| name != spec.name && name != marker);
        let before = held
            .first(spec.name)
            .and_then(|text| text.parse::<Upload>().ok())
            .filter(|upload| upload.is_of_run(run));
        let came = received.iter().find(|(name, _)| name == spec.name);
        let keep_before = match came.map(|(_, got)| got) {
            Some(Received::File(upload)) => {
                form.push(spec.name, upload.to_string());
                false
            }
            Some(Received::Refused(why)) => {
                form.push(marker, refusal_code(why));
                true
            }
            None => removing != Some(spec.name),
        };
        match (before, keep_before) {
            (Some(before), true) => form.push(spec.name, before.to_string()),
            (Some(before), false) => dropped.push(before),
            (None, _) => {}
        }
    }
    dropped
}

fn refusal_code(why: &Refused) -> &'static str {
    match why {
        Refused::Kind => code::KIND,
        Refused::TooLarge => code::TOO_LARGE,
        Refused::Empty => code::EMPTY,
        Refused::Virus(_) => code::VIRUS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upload::FileKind;

    const FIELDS: [FieldSpec; 2] = [
        FieldSpec::new("receipt", "Receipt", Kind::File),
        FieldSpec::new("notes", "Notes", Kind::Text),
    ];

    fn upload(run: &str, id: &str) -> Upload {
        Upload {
            key: format!("staging/{run}/{id}"),
            name: format!("{id}.pdf"),
            size: 10,
            kind: FileKind::Pdf,
        }
    }

    fn form(pairs: &[(&str, String)]) -> RawForm {
        let mut form = RawForm::default();
        for (name, value) in pairs {
            form.push(*name, value.clone());
        }
        form
    }

    #[test]
    fn what_a_client_sends_for_a_file_field_is_never_taken() {
        let forged = upload("other-run", "theirs").to_string();
        let mut sent = form(&[("receipt", forged.clone()), ("notes", "x".into())]);
        let held = form(&[("receipt", forged)]);
        let dropped = settle(&FIELDS, &mut sent, &held, &[], None, "run1");
        assert_eq!(sent.first("receipt"), None);
        assert_eq!(sent.first("notes"), Some("x"));
        assert!(dropped.is_empty());
    }

    #[test]
    fn a_held_file_stays_until_replaced_or_removed() {
        let old = upload("run1", "old");
        let held = form(&[("receipt", old.to_string())]);
        let mut kept = RawForm::default();
        assert!(settle(&FIELDS, &mut kept, &held, &[], None, "run1").is_empty());
        assert_eq!(kept.first("receipt"), Some(old.to_string().as_str()));
        // A refused replacement keeps the old file, and says why.
        let refused = [("receipt".to_owned(), Received::Refused(Refused::Kind))];
        let mut again = RawForm::default();
        assert!(settle(&FIELDS, &mut again, &held, &refused, None, "run1").is_empty());
        assert_eq!(again.first("receipt"), Some(old.to_string().as_str()));
        assert_eq!(again.first("receipt!refused"), Some("kind"));
        // A new file replaces it: the old one is dropped.
        let new = upload("run1", "new");
        let came = [("receipt".to_owned(), Received::File(new.clone()))];
        let mut replaced = RawForm::default();
        let dropped = settle(&FIELDS, &mut replaced, &held, &came, None, "run1");
        assert_eq!(replaced.first("receipt"), Some(new.to_string().as_str()));
        assert_eq!(dropped, std::slice::from_ref(&old));
        // Removed.
        let mut removed = RawForm::default();
        let dropped = settle(&FIELDS, &mut removed, &held, &[], Some("receipt"), "run1");
        assert_eq!((removed.first("receipt"), dropped), (None, vec![old]));
    }
}
