//! The texts' placeholders and phrases.

use super::*;

#[test]
fn placeholders_are_filled_and_unknown_ones_kept() {
    let text = fill(
        "{label} must be between {min} and {max} {unit}",
        &[("label", "Age"), ("min", "13"), ("max", "120")],
    );
    assert_eq!(text, "Age must be between 13 and 120 {unit}");
    assert_eq!(
        fill("Enter {label_lower}", &[("label", "Date of birth")]),
        "Enter date of birth"
    );
    assert_eq!(
        fill("Enter {label_lower}", &[("label", "VAT number")]),
        "Enter VAT number"
    );
    assert_eq!(fill("open { brace", &[]), "open { brace");
}

#[test]
fn a_text_is_handed_over_in_pieces_with_its_placeholders_filled() {
    let mut pieces = Vec::new();
    fill_each(
        "Step {current} of {total} {unknown} {open",
        &[("current", "2"), ("total", "<3>")],
        |piece| pieces.push(piece.to_owned()),
    );
    // A writer that escapes each piece escapes the values too.
    assert_eq!(pieces.concat(), "Step 2 of <3> {unknown} {open");
    assert!(pieces.contains(&"<3>".to_owned()), "{pieces:?}");
}

#[test]
fn a_message_that_opens_with_a_subject_opens_with_a_capital() {
    assert_eq!(
        fill(
            "{label} must be a whole number",
            &[("label", "how many shares they hold")]
        ),
        "How many shares they hold must be a whole number"
    );
    assert_eq!(
        fill("Enter {label_lower}", &[("label", "your date of birth")]),
        "Enter your date of birth"
    );
}

#[test]
fn missing_date_parts_read_as_a_phrase() {
    let texts = Texts::default();
    assert_eq!(texts.date_parts([false, true, false]), "month");
    assert_eq!(texts.date_parts([true, true, false]), "day and month");
    assert_eq!(texts.date_parts([true, true, true]), "day, month and year");
}

#[test]
fn a_text_reads_as_its_words_and_placeholders_in_order() {
    let mut read = Vec::new();
    each_piece("{time} left, {other} {open", |piece| {
        read.push(match piece {
            Piece::Words(words) => format!("words:{words}"),
            Piece::Placeholder { name, as_written } => format!("{name}:{as_written}"),
        })
    });
    assert_eq!(
        read,
        [
            "time:{time}",
            "words: left, ",
            "other:{other}",
            "words: {open"
        ]
    );
}
