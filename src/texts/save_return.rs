//! The words of "save and come back later" ([`crate::save_return`]): its
//! button, its pages, its message and its problems.

use std::borrow::Cow;

use super::{ProblemWords, Text};

/// What the save-and-return pages and message say; every one replaceable,
/// as the rest of [`super::Texts`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveTexts {
    /// The button on every page with a form.
    pub button: Text,
    /// The page that asks where to send the link.
    pub ask_title: Text,
    /// Its line: `{until}` is when the link stops working.
    pub ask_intro: Text,
    /// Its field's label and hint.
    pub email_label: Text,
    /// The hint under it.
    pub email_hint: Text,
    /// Its button.
    pub send_button: Text,
    /// No address given; an address that is not one.
    pub email_missing: Text,
    /// An address that is not one.
    pub email_invalid: Text,
    /// The page after sending: its heading, and its line with `{address}`
    /// (partly hidden) and `{until}`.
    pub sent_title: Text,
    /// The sent page's line: `{address}` (partly hidden) and `{until}`.
    pub sent_body: Text,
    /// Its link back to the answers.
    pub sent_continue: Text,
    /// The message: its subject, and its body with `{link}` and `{until}`.
    pub mail_subject: Text,
    /// The message's body: `{link}` and `{until}`.
    pub mail_body: Text,
    /// The page a link opens: heading, line, field label and button.
    pub resume_title: Text,
    /// The line under its heading.
    pub resume_intro: Text,
    /// Its field's label.
    pub resume_label: Text,
    /// Its button.
    pub resume_button: Text,
    /// An address that is not the one the link was sent to.
    pub resume_wrong: Text,
    /// Links that do not work: unknown (404), used, expired, ended after
    /// wrong addresses, and of a run that finished since (410).
    pub link_unknown: ProblemWords,
    /// A link used already (410).
    pub link_used: ProblemWords,
    /// A link past its time (410).
    pub link_expired: ProblemWords,
    /// A link ended by wrong addresses (410).
    pub link_ended: ProblemWords,
    /// A link of a run finished since (410).
    pub link_finished: ProblemWords,
    /// The mail server did not answer (503).
    pub mail_failed: ProblemWords,
    /// Too many links asked for (429): `{minutes}` until the next.
    pub too_many: ProblemWords,
}

impl SaveTexts {
    /// The English words.
    pub const ENGLISH: SaveTexts = SaveTexts {
        button: Cow::Borrowed("Save and come back later"),
        ask_title: Cow::Borrowed("Save your answers and come back later"),
        ask_intro: Cow::Borrowed(
            "We will email you a link to come back to your answers, on this or any other device. The link works once, until {until}.",
        ),
        email_label: Cow::Borrowed("Email address"),
        email_hint: Cow::Borrowed("We will only use this to send you the link"),
        send_button: Cow::Borrowed("Send the link"),
        email_missing: Cow::Borrowed("Enter your email address"),
        email_invalid: Cow::Borrowed(
            "Enter an email address in the correct format, like name@example.com",
        ),
        sent_title: Cow::Borrowed("We have sent you a link"),
        sent_body: Cow::Borrowed(
            "We sent a link to {address}. It works once, until {until}. Your answers are saved.",
        ),
        sent_continue: Cow::Borrowed("Continue with your answers now"),
        mail_subject: Cow::Borrowed("Your saved answers"),
        mail_body: Cow::Borrowed(
            "Use this link to come back to your answers:\n\n{link}\n\nIt works once, until {until}. You will be asked for this email address.\n\nIf you did not ask for this, you can ignore this email.\n",
        ),
        resume_title: Cow::Borrowed("Continue with your saved answers"),
        resume_intro: Cow::Borrowed("Enter the email address we sent the link to."),
        resume_label: Cow::Borrowed("Email address"),
        resume_button: Cow::Borrowed("Continue"),
        resume_wrong: Cow::Borrowed("Enter the email address the link was sent to"),
        link_unknown: ProblemWords::new(
            "This link does not work",
            "Check that you used the link in the most recent email we sent you. Only the newest link works.",
        ),
        link_used: ProblemWords::new(
            "This link has been used",
            "Each link works once. If you saved your answers again, use the link in the newest email.",
        ),
        link_expired: ProblemWords::new(
            "This link has expired",
            "Saved answers are kept for a limited time, and these have been deleted. You will need to start again.",
        ),
        link_ended: ProblemWords::new(
            "This link no longer works",
            "The email address was entered wrongly too many times. You will need to start again.",
        ),
        link_finished: ProblemWords::new(
            "These answers have already been sent",
            "The form was finished after this link was sent. You do not need to do anything else.",
        ),
        mail_failed: ProblemWords::new(
            "We could not send the link",
            "Our email service is not working just now. Nothing is lost: your answers are still saved in this browser. Go back and try again in a few minutes.",
        ),
        too_many: ProblemWords::new(
            "You have asked for too many links",
            "You can ask for up to 5 links an hour. Try again in {minutes} minutes. Your answers are still saved in this browser.",
        ),
    };
}
