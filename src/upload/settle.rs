//! A file field's value in a form is never what the client sent: it is
//! the file this request brought, or else the file the run already held
//! (unless the visitor removed it). A client's own value for it, in any
//! body (a form, JSON, a draft), is dropped, so that no one can name
//! another run's object.

use super::{Received, Refused, Upload};
use crate::field::{FieldSpec, Kind};
use crate::files::{REFUSED_SUFFIX, Removal, code, max_files};
use crate::form::RawForm;

/// Puts each file field's value in `form`: the file `received` for it,
/// else the one `held` (the step's draft or answers) unless `removing`
/// names it; a refused file leaves its marker for the step's validation.
/// A list of files keeps what it held (less the one removed) and adds what
/// came, up to its most. Returns the files this drops (replaced, removed,
/// or over a list's most), to delete.
pub(crate) fn settle(
    fields: &[FieldSpec],
    form: &mut RawForm,
    held: &RawForm,
    received: &[(String, Received)],
    removing: Option<&str>,
    run: &str,
) -> Vec<Upload> {
    let removal = removing.map(Removal::of);
    let mut dropped = Vec::new();
    for spec in fields.iter().filter(|spec| spec.kind.is_file()) {
        let marker = format!("{}{REFUSED_SUFFIX}", spec.name);
        form.retain(|name| name != spec.name && name != marker);
        let mut kept = Vec::new();
        for text in held.values(spec.name) {
            let Some(upload) = text.parse::<Upload>().ok().filter(|u| u.is_of_run(run)) else {
                continue;
            };
            match removal.is_some_and(|r| r.removes(spec.name, text)) {
                true => dropped.push(upload),
                false => kept.push(upload),
            }
        }
        let came = received.iter().filter(|(name, _)| name == spec.name);
        let refusal = match spec.kind {
            Kind::Files => add_to_list(spec, &mut kept, came.map(|(_, got)| got), &mut dropped),
            _ => replace_one(&mut kept, came.map(|(_, got)| got), &mut dropped),
        };
        for upload in kept {
            form.push(spec.name, upload.to_string());
        }
        if let Some(refusal) = refusal {
            form.push(marker, refusal);
        }
    }
    dropped
}

/// A file field: the first file that came replaces the one held; a
/// refused one keeps it. The refusal's marker, if any.
fn replace_one<'a>(
    kept: &mut Vec<Upload>,
    mut came: impl Iterator<Item = &'a Received>,
    dropped: &mut Vec<Upload>,
) -> Option<String> {
    let refusal = match came.next()? {
        Received::File(upload) => {
            dropped.append(kept);
            kept.push(upload.clone());
            None
        }
        Received::Refused(why, _) => Some(refusal_code(why).to_owned()),
    };
    // A field of one file that was sent several: the others go.
    dropped.extend(came.filter_map(|got| match got {
        Received::File(upload) => Some(upload.clone()),
        Received::Refused(..) => None,
    }));
    refusal
}

/// A list of files: each file that came is added while there is room; the
/// first refusal's marker names the file (`CODE NAME`).
fn add_to_list<'a>(
    spec: &FieldSpec,
    kept: &mut Vec<Upload>,
    came: impl Iterator<Item = &'a Received>,
    dropped: &mut Vec<Upload>,
) -> Option<String> {
    let most = max_files(spec);
    let mut refusal = None;
    for got in came {
        match got {
            Received::File(upload) if kept.len() < most => kept.push(upload.clone()),
            Received::File(upload) => {
                dropped.push(upload.clone());
                refusal.get_or_insert_with(|| code::TOO_MANY.to_owned());
            }
            Received::Refused(why, name) => {
                refusal.get_or_insert_with(|| format!("{} {name}", refusal_code(why)));
            }
        }
    }
    refusal
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
    fn a_list_adds_what_came_up_to_its_most_and_removes_one_by_its_id() {
        const RULES: [crate::field::Rule; 1] = [crate::field::Rule::Length {
            min: None,
            max: Some(2),
            equal: None,
        }];
        const LIST: [FieldSpec; 1] =
            [FieldSpec::new("photos", "Photos", Kind::Files).rules(&RULES)];
        let (a, b, c) = (
            upload("run1", "a"),
            upload("run1", "b"),
            upload("run1", "c"),
        );
        let held = form(&[("photos", a.to_string())]);
        let came = [
            ("photos".to_owned(), Received::File(b.clone())),
            (
                "photos".to_owned(),
                Received::Refused(Refused::Empty, "e.pdf".into()),
            ),
            ("photos".to_owned(), Received::File(c.clone())),
        ];
        let mut sent = RawForm::default();
        let dropped = settle(&LIST, &mut sent, &held, &came, None, "run1");
        let kept: Vec<&str> = sent.values("photos").collect();
        assert_eq!(kept, [a.to_string(), b.to_string()]);
        assert_eq!(dropped, [c], "over the most: deleted");
        assert_eq!(sent.first("photos!refused"), Some("empty e.pdf"));
        // Removing one by its id keeps the other.
        let held = form(&[("photos", a.to_string()), ("photos", b.to_string())]);
        let mut removed = RawForm::default();
        let dropped = settle(&LIST, &mut removed, &held, &[], Some("photos/b"), "run1");
        assert_eq!(
            removed.values("photos").collect::<Vec<_>>(),
            [a.to_string()]
        );
        assert_eq!(dropped, [b]);
    }

    #[test]
    fn a_held_file_stays_until_replaced_or_removed() {
        let old = upload("run1", "old");
        let held = form(&[("receipt", old.to_string())]);
        let mut kept = RawForm::default();
        assert!(settle(&FIELDS, &mut kept, &held, &[], None, "run1").is_empty());
        assert_eq!(kept.first("receipt"), Some(old.to_string().as_str()));
        // A refused replacement keeps the old file, and says why.
        let refused = [(
            "receipt".to_owned(),
            Received::Refused(Refused::Kind, "a.exe".into()),
        )];
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
