//! [`Texts`]: every word the crate writes, in one table with English
//! defaults, so that an application can reword it or translate it.

use std::borrow::Cow;

use crate::catalogue::Catalogue;

mod save_return;
mod welsh;

pub use save_return::SaveTexts;

/// A text of the table: a `&'static str` or an owned `String`.
pub type Text = Cow<'static, str>;

/// A problem page's heading and paragraph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProblemWords {
    /// The page's `<h1>` and `<title>`.
    pub heading: Text,
    /// What happened and what the visitor can do.
    pub body: Text,
}

impl ProblemWords {
    pub(crate) const fn new(heading: &'static str, body: &'static str) -> Self {
        Self {
            heading: Cow::Borrowed(heading),
            body: Cow::Borrowed(body),
        }
    }
}

/// Every text the crate puts on a page, with English defaults.
///
/// Texts with `{…}` placeholders are filled in when used: `{label}` is the
/// field's label, `{min}` and `{max}` a rule's limits, `{current}` and
/// `{total}` the progress, `{count}` a number of characters, `{parts}` the
/// missing parts of a date. Give a table to
/// [`WizardConfig::texts`](crate::WizardConfig::texts); change the fields
/// you need and keep the rest:
///
/// ```
/// use actix_wizard::{page::Texts, WizardConfig};
///
/// let texts = Texts {
///     finish_button: "Create account".into(),
///     whole_number: "Enter a whole number".into(),
///     ..Texts::default()
/// };
/// let config = WizardConfig::default().texts(texts);
/// # let _ = config;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Texts {
    /// The `lang` of the pages the crate lays out.
    pub lang: Text,
    /// The service's name: every page's `<title>` ends with it ("Your
    /// details – Claim your expenses"), and the default layout's header
    /// shows it. Empty by default: the title is the page's alone.
    pub service: Text,
    /// The main button on a visit from the check page's Change link.
    pub change_button: Text,
    /// The button that returns to the check page without keeping what was
    /// typed.
    pub cancel_button: Text,
    /// An exit page's link back to the question that led there.
    pub exit_back_link: Text,
    /// A file field's line about the file the run holds: `{name}` and
    /// `{size}`.
    pub file_held: Text,
    /// The button that removes it: `{name}`.
    pub file_remove: Text,
    /// A file field with no file chosen: `{label_lower}`.
    pub file_missing: Text,
    /// A file not of the field's kinds: `{kinds}` ("PDF, JPG or PNG").
    pub file_kind: Text,
    /// A file over the field's limit: `{size}` ("10 MB").
    pub file_too_large: Text,
    /// A file with nothing in it.
    pub file_empty: Text,
    /// A file the virus scanner refused.
    pub file_virus: Text,
    /// A held file gone from the staging store (found at the finish).
    pub file_gone: Text,
    /// A list of files' heading over the files it holds.
    pub files_held: Text,
    /// A list of files offered more than it takes: `{max}`.
    pub files_too_many: Text,
    /// A list of files with fewer than it needs: `{min}`.
    pub files_too_few: Text,
    /// A list of files' refusal of one of them: `{name}` and `{message}`
    /// (one of the messages above).
    pub files_one_refused: Text,
    /// The timeout warning's heading ([`crate::WizardConfig::timeout_warning`]).
    pub timeout_heading: Text,
    /// Its text: `{time}` is how long is left ("2 minutes").
    pub timeout_body: Text,
    /// Its button, which keeps the answers.
    pub timeout_continue: Text,
    /// Its heading once the time has run out.
    pub timeout_gone_heading: Text,
    /// Its text then, above [`Texts::start_again_link`].
    pub timeout_gone_body: Text,
    /// How long is left, in whole minutes: `{n}` of them (more than one).
    pub timeout_minutes: Text,
    /// One minute left.
    pub timeout_minute: Text,
    /// How long is left in the last minute: `{n}` seconds (more than one).
    pub timeout_seconds: Text,
    /// One second left.
    pub timeout_second: Text,
    /// A list page with no item yet.
    pub list_none: Text,
    /// Beside an item whose steps are not all answered.
    pub list_not_finished: Text,
    /// The link that removes an item.
    pub remove: Text,
    /// In place of a list's question when it holds its most items
    /// (`{max}`).
    pub list_full: Text,
    /// In place of a list's question when the run is near the size its
    /// store can keep.
    pub list_near_cap: Text,
    /// A list's question left unanswered (a list may give its own).
    pub list_missing: Text,
    /// Going on with fewer finished items than a list's minimum
    /// (`{min}`; a list may give its own).
    pub list_too_few: Text,
    /// Going on while an item is not finished.
    pub list_unfinished: Text,
    /// A remove page's question (`{name}`: the item's summary).
    pub remove_question: Text,
    /// A remove page's question left unanswered.
    pub remove_missing: Text,
    /// The heading of an item's answers on the check page (`{noun}`,
    /// `{number}`, `{name}`).
    pub item_heading: Text,
    /// Prefix of the `<title>` of a page with errors.
    pub error_title_prefix: Text,
    /// The error summary's heading.
    pub error_summary_title: Text,
    /// The visually hidden prefix of a field's error message.
    pub error_prefix: Text,
    /// The progress line: `{current}` and `{total}`.
    pub progress: Text,
    /// The button that saves a step and goes on.
    pub continue_button: Text,
    /// The button that goes back without checking the step.
    pub back_button: Text,
    /// The last step's button.
    pub finish_button: Text,
    /// The check-answers list's link text (followed by the row's label,
    /// visually hidden).
    pub change: Text,
    /// Added to the label of an optional field on its form.
    pub optional_suffix: Text,
    /// A `true` answer on the check-answers list.
    pub yes: Text,
    /// A `false` answer on the check-answers list.
    pub no: Text,
    /// An empty answer on the check-answers list.
    pub not_provided: Text,
    /// A textarea's character count, before any typing: `{count}`.
    pub characters_allowed: Text,
    /// A textarea's character count while within the limit: `{count}`.
    pub characters_remaining: Text,
    /// A textarea's character count over the limit: `{count}`.
    pub characters_too_many: Text,
    /// The label of a date's day.
    pub day: Text,
    /// The label of a date's month.
    pub month: Text,
    /// The label of a date's year.
    pub year: Text,
    /// The months' names, January first, for dates on the check-answers list.
    pub month_names: [Text; 12],
    /// "day", "month", "year" joined for [`Texts::date_incomplete`].
    pub date_part_names: [Text; 3],
    /// The word between the last two missing parts ("a day and month").
    pub and: Text,
    /// A date with nothing entered.
    pub date_missing: Text,
    /// A date with some parts missing: `{label}`, `{parts}`.
    pub date_incomplete: Text,
    /// A year that is not four digits.
    pub date_year_digits: Text,
    /// A date that does not exist (31 February).
    pub date_not_real: Text,
    /// A date of birth or the like in the future.
    pub date_not_past: Text,
    /// A date that should be in the future but is not.
    pub date_not_future: Text,
    /// A date after today, where today or earlier is asked for.
    pub date_after_today: Text,
    /// Text holding a control character (a NUL byte, an escape; a line
    /// break outside a text area): `{label}`.
    pub text_control: Text,
    /// Text of invisible characters only, or an email address holding
    /// one (a soft hyphen, a zero-width space): `{label}`.
    pub text_invisible: Text,
    /// A money field left empty: `{label}`.
    pub money_missing: Text,
    /// Text that is not an amount of money ("twelve", "1,20"), or too
    /// large to be one: `{label}`.
    pub money_format: Text,
    /// An amount with a minus or plus sign: `{label}`.
    pub money_signed: Text,
    /// An amount with more than two digits after the point: `{label}`.
    pub money_decimals: Text,
    /// `age=abc` on an integer field: `{label}`.
    pub whole_number: Text,
    /// A whole number the field's type cannot hold: `{label}`, `{min}`, `{max}`.
    pub out_of_range: Text,
    /// `x` on a decimal field: `{label}`.
    pub number: Text,
    /// A value that is none of the field's choices: `{label}`.
    pub choice: Text,
    /// A yes/no field given something else: `{label}`.
    pub yes_no: Text,
    /// validator's `required`, without a message of its own.
    pub rule_required: Text,
    /// A required choice left unanswered (radios, checkboxes, a
    /// drop-down): GOV.UK's "Select …" where a typed answer is "Enter …".
    pub rule_required_choice: Text,
    /// validator's `email`.
    pub rule_email: Text,
    /// validator's `url`.
    pub rule_url: Text,
    /// validator's `must_match`.
    pub rule_must_match: Text,
    /// `length(equal)`: `{min}` is the length.
    pub rule_length_equal: Text,
    /// `length(min, max)`.
    pub rule_length_between: Text,
    /// `length(min)`.
    pub rule_length_min: Text,
    /// `length(max)`.
    pub rule_length_max: Text,
    /// `range(min, max)`.
    pub rule_range_between: Text,
    /// `range(min)`.
    pub rule_range_min: Text,
    /// `range(max)`.
    pub rule_range_max: Text,
    /// `regex` and any other rule.
    pub rule_format: Text,
    /// The notice after the answers expired.
    pub expired_notice: Text,
    /// The notice after the steps changed under a run.
    pub changed_notice: Text,
    /// The 404 page.
    pub not_found: ProblemWords,
    /// The 404 page's link.
    pub start_again_link: Text,
    /// The 403 page of a resource the visitor may not use
    /// ([`crate::Wizard::admit`]).
    pub forbidden: ProblemWords,
    /// The link under a confirmation page
    /// ([`crate::page::CompletePage::confirmation`]) that starts another run.
    pub start_another: Text,
    /// The skip link of [`crate::page::Layout::service_document`].
    pub skip_to_main: Text,
    /// What separates thousands in the numbers of messages ("100,000").
    pub thousands_separator: Text,
    /// With runs per tab: the notice when a new run dropped the oldest.
    pub oldest_dropped_notice: Text,
    /// With runs per tab: the heading of the list of unfinished runs.
    pub runs_heading: Text,
    /// Its line above the list.
    pub runs_intro: Text,
    /// A run in the list: `{current}`, `{total}` and `{minutes}` since it
    /// was last used.
    pub runs_item: Text,
    /// Each run's link.
    pub continue_link: Text,
    /// The link that starts another run.
    pub start_new_link: Text,
    /// The 405 page.
    pub method_not_allowed: ProblemWords,
    /// The 403 page of a bad CSRF token.
    pub csrf: ProblemWords,
    /// The 403 page's link.
    pub reload_link: Text,
    /// The 400 page.
    pub malformed: ProblemWords,
    /// The 413 page of a large body.
    pub too_large: ProblemWords,
    /// The 413 page of too many fields.
    pub too_many_fields: ProblemWords,
    /// The 408 page of a body that stopped arriving, or came too slowly.
    pub slow_body: ProblemWords,
    /// The 415 page.
    pub wrong_type: ProblemWords,
    /// The 413 page of answers over the state cap.
    pub state_too_large: ProblemWords,
    /// Its link.
    pub back_to_form_link: Text,
    /// The 500 page of a finish that failed.
    pub finish_failed: ProblemWords,
    /// The 500 page of anything else.
    pub internal: ProblemWords,
    /// The 503 page of a store that did not answer.
    pub store_down: ProblemWords,
    /// The 503 page of a file that could not be checked for viruses or
    /// kept (feature `uploads`).
    pub upload_unavailable: ProblemWords,
    /// "Save and come back later" (feature `save-and-return`).
    pub save: SaveTexts,
    /// The wizard's own words in this language — titles, labels, options,
    /// messages, exit pages — by step and field; none by default, when the
    /// declarations' words are used ([`Texts::with_catalogue`]).
    pub catalogue: Catalogue,
    /// The language's own name, as its switcher link shows it
    /// ("Cymraeg").
    pub language_name: Text,
    /// The language switcher's accessible name.
    pub language_switcher: Text,
}

impl Default for Texts {
    fn default() -> Self {
        Self::ENGLISH
    }
}

impl Texts {
    /// The English table, the default.
    pub const ENGLISH: Texts = Texts {
        lang: Cow::Borrowed("en"),
        service: Cow::Borrowed(""),
        error_title_prefix: Cow::Borrowed("Error: "),
        error_summary_title: Cow::Borrowed("There is a problem"),
        error_prefix: Cow::Borrowed("Error:"),
        progress: Cow::Borrowed("Step {current} of {total}"),
        continue_button: Cow::Borrowed("Continue"),
        back_button: Cow::Borrowed("Back"),
        finish_button: Cow::Borrowed("Finish"),
        change: Cow::Borrowed("Change"),
        optional_suffix: Cow::Borrowed(" (optional)"),
        yes: Cow::Borrowed("Yes"),
        no: Cow::Borrowed("No"),
        not_provided: Cow::Borrowed("Not provided"),
        characters_allowed: Cow::Borrowed("You can enter up to {count} characters"),
        characters_remaining: Cow::Borrowed("You have {count} characters remaining"),
        characters_too_many: Cow::Borrowed("You have {count} characters too many"),
        day: Cow::Borrowed("Day"),
        month: Cow::Borrowed("Month"),
        year: Cow::Borrowed("Year"),
        month_names: [
            Cow::Borrowed("January"),
            Cow::Borrowed("February"),
            Cow::Borrowed("March"),
            Cow::Borrowed("April"),
            Cow::Borrowed("May"),
            Cow::Borrowed("June"),
            Cow::Borrowed("July"),
            Cow::Borrowed("August"),
            Cow::Borrowed("September"),
            Cow::Borrowed("October"),
            Cow::Borrowed("November"),
            Cow::Borrowed("December"),
        ],
        date_part_names: [
            Cow::Borrowed("day"),
            Cow::Borrowed("month"),
            Cow::Borrowed("year"),
        ],
        and: Cow::Borrowed("and"),
        date_missing: Cow::Borrowed("Enter {label_lower}"),
        date_incomplete: Cow::Borrowed("{label} must include a {parts}"),
        date_year_digits: Cow::Borrowed("Year must include 4 numbers"),
        date_not_real: Cow::Borrowed("{label} must be a real date"),
        date_not_past: Cow::Borrowed("{label} must be in the past"),
        date_not_future: Cow::Borrowed("{label} must be in the future"),
        date_after_today: Cow::Borrowed("{label} must be today or in the past"),
        text_control: Cow::Borrowed("{label} must not include control characters or line breaks"),
        text_invisible: Cow::Borrowed("{label} must not include invisible characters"),
        money_missing: Cow::Borrowed("Enter {label_lower}"),
        money_format: Cow::Borrowed("{label} must be an amount of money, like 12.50 or 1,200"),
        money_signed: Cow::Borrowed("{label} must be an amount without a minus or plus sign"),
        money_decimals: Cow::Borrowed("{label} must have no more than 2 digits after the point"),
        whole_number: Cow::Borrowed("{label} must be a whole number"),
        out_of_range: Cow::Borrowed("{label} must be between {min} and {max}"),
        number: Cow::Borrowed("{label} must be a number"),
        choice: Cow::Borrowed("Select one of the options for {label_lower}"),
        yes_no: Cow::Borrowed("{label} must be yes or no"),
        rule_required: Cow::Borrowed("Enter {label_lower}"),
        rule_required_choice: Cow::Borrowed("Select {label_lower}"),
        rule_email: Cow::Borrowed(
            "Enter an email address in the correct format, like name@example.com",
        ),
        rule_url: Cow::Borrowed("Enter a web address in the correct format"),
        rule_must_match: Cow::Borrowed("The values do not match"),
        rule_length_equal: Cow::Borrowed("{label} must be {min} characters"),
        rule_length_between: Cow::Borrowed("{label} must be between {min} and {max} characters"),
        rule_length_min: Cow::Borrowed("{label} must be {min} characters or more"),
        rule_length_max: Cow::Borrowed("{label} must be {max} characters or fewer"),
        rule_range_between: Cow::Borrowed("{label} must be between {min} and {max}"),
        rule_range_min: Cow::Borrowed("{label} must be {min} or more"),
        rule_range_max: Cow::Borrowed("{label} must be {max} or less"),
        rule_format: Cow::Borrowed("Enter {label_lower} in the correct format"),
        expired_notice: Cow::Borrowed(
            "Your earlier answers were deleted because you did not do anything for a while. Please start again.",
        ),
        changed_notice: Cow::Borrowed(
            "Some questions have changed since you started. Please check your answers on this page.",
        ),
        not_found: ProblemWords::new(
            "Page not found",
            "There is no such page. Check the address, or start from the beginning.",
        ),
        start_again_link: Cow::Borrowed("Start from the beginning"),
        forbidden: ProblemWords::new(
            "You cannot use this page",
            "You do not have permission to change this. Check you are signed in with the right account.",
        ),
        start_another: Cow::Borrowed("Start again"),
        skip_to_main: Cow::Borrowed("Skip to main content"),
        thousands_separator: Cow::Borrowed(","),
        oldest_dropped_notice: Cow::Borrowed(
            "You had too many unfinished forms open, so the oldest one was deleted.",
        ),
        runs_heading: Cow::Borrowed("Continue where you left off"),
        runs_intro: Cow::Borrowed("You have more than one of these forms unfinished."),
        change_button: Cow::Borrowed("Save and return to check your answers"),
        cancel_button: Cow::Borrowed("Cancel"),
        exit_back_link: Cow::Borrowed("Change your answer"),
        file_held: Cow::Borrowed("{name} ({size}) is uploaded. Choose another file to replace it."),
        file_remove: Cow::Borrowed("Remove {name}"),
        file_missing: Cow::Borrowed("Select {label_lower}"),
        file_kind: Cow::Borrowed("The selected file must be a {kinds}"),
        file_too_large: Cow::Borrowed("The selected file must be smaller than {size}"),
        file_empty: Cow::Borrowed("The selected file is empty"),
        file_virus: Cow::Borrowed("The selected file contains a virus"),
        file_gone: Cow::Borrowed("The file you uploaded is no longer here: select it again"),
        files_held: Cow::Borrowed("Files added"),
        files_too_many: Cow::Borrowed("You can only add up to {max} files"),
        files_too_few: Cow::Borrowed("Add at least {min} files"),
        files_one_refused: Cow::Borrowed("{name}: {message}"),
        timeout_heading: Cow::Borrowed("Do you need more time?"),
        timeout_body: Cow::Borrowed(
            "You have not done anything on this form for a while. To protect your information, we will delete your answers in {time}.",
        ),
        timeout_continue: Cow::Borrowed("Continue with this form"),
        timeout_gone_heading: Cow::Borrowed("Your answers have been deleted"),
        timeout_gone_body: Cow::Borrowed(
            "You did not do anything on this form for a while, so we deleted your answers to protect your information.",
        ),
        timeout_minutes: Cow::Borrowed("{n} minutes"),
        timeout_minute: Cow::Borrowed("1 minute"),
        timeout_seconds: Cow::Borrowed("{n} seconds"),
        timeout_second: Cow::Borrowed("1 second"),
        list_none: Cow::Borrowed("None added yet."),
        list_not_finished: Cow::Borrowed("Not finished"),
        remove: Cow::Borrowed("Remove"),
        list_full: Cow::Borrowed("You have added the most you can ({max})."),
        list_near_cap: Cow::Borrowed(
            "You cannot add another here: this form holds as much as it can keep.",
        ),
        list_missing: Cow::Borrowed("Select yes if you need to add another"),
        list_too_few: Cow::Borrowed("Add at least {min} before you continue"),
        list_unfinished: Cow::Borrowed(
            "Finish or remove each one marked as not finished before you continue",
        ),
        remove_question: Cow::Borrowed("Are you sure you want to remove {name}?"),
        remove_missing: Cow::Borrowed("Select yes if you want to remove it"),
        item_heading: Cow::Borrowed("{noun} {number}: {name}"),
        runs_item: Cow::Borrowed("Step {current} of {total}, last used {minutes} min ago"),
        continue_link: Cow::Borrowed("Continue"),
        start_new_link: Cow::Borrowed("Start a new one"),
        method_not_allowed: ProblemWords::new(
            "This page cannot do that",
            "The page was asked to do something it does not do, so nothing was saved. Go back and try again.",
        ),
        csrf: ProblemWords::new(
            "Your form could not be checked",
            "The form was missing its security token or it did not match, so nothing was saved. Go back to the form, reload it and try again.",
        ),
        reload_link: Cow::Borrowed("Reload the form"),
        malformed: ProblemWords::new(
            "Your form could not be read",
            "The form data was not in a format we understand, so nothing was saved. Go back and try again.",
        ),
        too_large: ProblemWords::new(
            "Your form is too large",
            "The form sent was larger than we accept, so nothing was saved. Shorten your answers and try again.",
        ),
        too_many_fields: ProblemWords::new(
            "Your form has too many fields",
            "The form sent had more fields than we accept, so nothing was saved.",
        ),
        slow_body: ProblemWords::new(
            "Your form took too long to arrive",
            "The connection was too slow or stopped while the form was being sent, so nothing was saved. Go back and try again.",
        ),
        wrong_type: ProblemWords::new(
            "Unsupported form type",
            "This page accepts ordinary web forms (application/x-www-form-urlencoded) and JSON (application/json) only. Nothing was saved.",
        ),
        state_too_large: ProblemWords::new(
            "Your answers are too long to keep",
            "We could not save this page because all your answers together are longer than we can keep. Your earlier answers are safe. Go back and shorten this page's answers.",
        ),
        back_to_form_link: Cow::Borrowed("Go back to the form"),
        finish_failed: ProblemWords::new(
            "Sorry, we could not finish",
            "Something went wrong on our side. Your answers are safe: try again in a few minutes.",
        ),
        internal: ProblemWords::new(
            "Sorry, there is a problem with the service",
            "Something went wrong on our side. Your answers are safe: try again in a few minutes.",
        ),
        store_down: ProblemWords::new(
            "Sorry, the service is unavailable",
            "We cannot reach the place where your answers are kept. Your answers are safe: try again in a few minutes and you will continue where you left off.",
        ),
        upload_unavailable: ProblemWords::new(
            "Your file could not be uploaded",
            "We could not check your file for viruses just now, so it was not kept. Your other answers are safe. Go back and try again in a few minutes.",
        ),
        save: SaveTexts::ENGLISH,
        catalogue: Catalogue::NONE,
        language_name: Cow::Borrowed("English"),
        language_switcher: Cow::Borrowed("Language"),
    };

    /// This table with `catalogue`'s words for the wizard's own
    /// (titles, labels, options, messages, exit pages).
    ///
    /// ```
    /// use actix_wizard::{WizardConfig, catalogue::Catalogue, page::Texts};
    ///
    /// # fn main() -> Result<(), actix_wizard::catalogue::CatalogueError> {
    /// let welsh = Catalogue::fluent("cy", "account = Eich cyfrif\n")?;
    /// let config = WizardConfig::default().language(Texts::WELSH.with_catalogue(welsh));
    /// # let _ = config;
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_catalogue(mut self, catalogue: Catalogue) -> Self {
        self.catalogue = catalogue;
        self
    }

    /// The English table as a shared static, for code that has no
    /// configuration at hand.
    pub(crate) fn english() -> &'static Texts {
        static ENGLISH: Texts = Texts::ENGLISH;
        &ENGLISH
    }

    /// "a day and month": the missing parts of a date, in order.
    pub(crate) fn date_parts(&self, missing: [bool; 3]) -> String {
        let names: Vec<&str> = self
            .date_part_names
            .iter()
            .zip(missing)
            .filter(|(_, m)| *m)
            .map(|(n, _)| n.as_ref())
            .collect();
        match names.as_slice() {
            [] => String::new(),
            [one] => (*one).to_owned(),
            [init @ .., last] => format!("{} {} {last}", init.join(", "), self.and),
        }
    }
}

/// Fills a text's `{name}` placeholders; `{label_lower}` is `label` with
/// its first letter lowercased. Unknown placeholders stay as written.
pub(crate) fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let filled = fill_in(text, values);
    // A message that opens with the field is a sentence: a subject in
    // small letters ("how many shares they hold") opens it in capitals.
    match text.starts_with("{label}") {
        true => upper_first(&filled),
        false => filled,
    }
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn fill_in(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    fill_each(text, values, |piece| out.push_str(piece));
    out
}

/// Hands `text` to `write` piece by piece with its `{name}` placeholders
/// filled as [`fill`] does (but for the capital a `{label}` opens with),
/// so that a page writes a text straight into its body, escaped, without
/// a copy of the filled text.
pub(crate) fn fill_each(text: &str, values: &[(&str, &str)], mut write: impl FnMut(&str)) {
    each_piece(text, |piece| match piece {
        Piece::Words(words) => write(words),
        Piece::Placeholder { name, as_written } => match lookup(values, name) {
            Some(value) => write(&value),
            None => write(as_written),
        },
    });
}

/// A part of a text: words as written, or a `{name}` placeholder.
pub(crate) enum Piece<'t> {
    Words(&'t str),
    Placeholder {
        name: &'t str,
        /// The placeholder with its braces, for a writer that leaves it.
        as_written: &'t str,
    },
}

/// Hands `text` to `write` as its words and its `{name}` placeholders, in
/// order: the one reading of placeholders, which [`fill_each`] fills from
/// values and a page may fill with markup of its own. An unclosed brace is
/// words.
pub(crate) fn each_piece<'t>(text: &'t str, mut write: impl FnMut(Piece<'t>)) {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            break;
        };
        if open > 0 {
            write(Piece::Words(&rest[..open]));
        }
        write(Piece::Placeholder {
            name: &after[..close],
            as_written: &rest[open..open + close + 2],
        });
        rest = &after[close + 1..];
    }
    if !rest.is_empty() {
        write(Piece::Words(rest));
    }
}

fn lookup<'v>(values: &[(&str, &'v str)], name: &str) -> Option<Cow<'v, str>> {
    if let Some((_, v)) = values.iter().find(|(n, _)| *n == name) {
        return Some(Cow::Borrowed(v));
    }
    let base = name.strip_suffix("_lower")?;
    let (_, value) = values.iter().find(|(n, _)| *n == base)?;
    Some(Cow::Owned(lower_first(value)))
}

/// "Date of birth" → "date of birth". Leaves a word in capitals ("VAT
/// number") as it is.
pub(crate) fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(_), Some(second)) if second.is_uppercase() => text.to_owned(),
        (Some(first), _) => first.to_lowercase().chain(text.chars().skip(1)).collect(),
        (None, _) => String::new(),
    }
}

#[cfg(test)]
mod tests;
