//! What text a form may carry: trimming (spaces and invisible characters
//! at the ends), characters no field may hold, and email addresses in one
//! normalised form.
//!
//! "Invisible" is Unicode's Default_Ignorable_Code_Point (the soft hyphen,
//! zero-width spaces and joiners, bidirectional marks, variation
//! selectors...), read from ICU4X's data, which `idna` already builds.

use icu_properties::CodePointSetData;
use icu_properties::props::DefaultIgnorableCodePoint;
use std::borrow::Cow;

/// What makes a text answer unfit to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextProblem {
    /// A C0 or C1 control character (a NUL byte, an escape...): tab,
    /// carriage return and line feed are allowed in a text area only.
    Control,
    /// Invisible characters only, or (in an email address) any invisible
    /// character.
    Invisible,
}

impl TextProblem {
    /// A short name: `control` or `invisible`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Control => "control",
            Self::Invisible => "invisible",
        }
    }
}

/// Whether `c` is invisible (Default_Ignorable_Code_Point; no ASCII
/// character is).
pub(crate) fn is_invisible(c: char) -> bool {
    !c.is_ascii() && CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c)
}

/// `text` without spaces and invisible characters at either end.
pub(crate) fn trim(text: &str) -> &str {
    if text.is_ascii() {
        return text.trim_ascii();
    }
    text.trim_matches(|c: char| c.is_whitespace() || is_invisible(c))
}

/// Whether `text` says nothing once trimmed.
pub(crate) fn is_blank(text: &str) -> bool {
    trim(text).is_empty()
}

/// What is wrong with `text` as an answer, if anything. `multiline`: a
/// text area, which may hold tabs and line breaks; `address`: an email
/// address, which may hold no invisible character at all.
pub(crate) fn problem(text: &str, multiline: bool, address: bool) -> Option<TextProblem> {
    let allowed = |c: char| multiline && matches!(c, '\t' | '\r' | '\n');
    if text.is_ascii() {
        // No invisible character: controls only.
        let control = text
            .bytes()
            .any(|b| b.is_ascii_control() && !allowed(char::from(b)));
        return control.then_some(TextProblem::Control);
    }
    if text.chars().any(|c| c.is_control() && !allowed(c)) {
        return Some(TextProblem::Control);
    }
    let typed_something = !text.trim().is_empty();
    if typed_something && trim(text).is_empty() {
        return Some(TextProblem::Invisible);
    }
    if address && trim(text).chars().any(is_invisible) {
        return Some(TextProblem::Invisible);
    }
    None
}

/// An email address in the form it is kept and compared in: trimmed,
/// its domain mapped by UTS 46 (`idna`: letters in small ASCII, fullwidth
/// forms as ASCII, an international domain in its `xn--` form). Text
/// that has no `@`, or whose domain UTS 46 refuses, is returned trimmed,
/// for the address rule to refuse.
pub(crate) fn email_address(text: &str) -> Cow<'_, str> {
    let text = trim(text);
    let Some((local, domain)) = text.rsplit_once('@') else {
        return Cow::Borrowed(text);
    };
    if domain
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        // UTS 46 leaves such a domain as it is, or refuses it, which
        // leaves the address as typed: the same either way.
        return Cow::Borrowed(text);
    }
    match idna::domain_to_ascii(domain) {
        Ok(domain) if !domain.is_empty() => Cow::Owned(format!("{local}@{domain}")),
        _ => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimming_removes_invisible_characters_at_the_ends_only() {
        assert_eq!(trim("\u{200b} Ann \u{feff}"), "Ann");
        assert_eq!(trim("An\u{00ad}n"), "An\u{00ad}n");
        assert!(is_blank("\u{200b}\u{200d} "));
    }

    #[test]
    fn control_characters_are_refused_but_line_breaks_in_a_text_area() {
        assert_eq!(problem("A\0B", false, false), Some(TextProblem::Control));
        assert_eq!(problem("A\u{85}B", true, false), Some(TextProblem::Control));
        assert_eq!(problem("A\nB", false, false), Some(TextProblem::Control));
        assert_eq!(problem("A\r\n\tB", true, false), None);
        assert_eq!(problem("Zoë 🏳️‍🌈", false, false), None);
    }

    #[test]
    fn text_of_invisible_characters_only_is_refused() {
        assert_eq!(
            problem("\u{200b}", false, false),
            Some(TextProblem::Invisible)
        );
        assert_eq!(problem("", false, false), None);
        assert_eq!(problem("  ", false, false), None);
    }

    #[test]
    fn an_address_may_hold_no_invisible_character() {
        let soft_hyphen = "norm@exa\u{00ad}mple.com";
        assert_eq!(
            problem(soft_hyphen, false, true),
            Some(TextProblem::Invisible)
        );
        assert_eq!(problem(soft_hyphen, false, false), None);
        assert_eq!(problem("norm@example.com\u{200b}", false, true), None);
    }

    #[test]
    fn one_address_has_one_form() {
        for typed in [
            "norm@example.com",
            "norm@ｅxample.com",
            "norm@EXAMPLE.ＣＯＭ",
            " norm@example.com\u{200b}",
        ] {
            assert_eq!(email_address(typed), "norm@example.com", "{typed:?}");
        }
        assert_eq!(
            email_address("Ann@Bücher.example"),
            "Ann@xn--bcher-kva.example"
        );
        assert_eq!(email_address("no-at-sign"), "no-at-sign");
    }
}
