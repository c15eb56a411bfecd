//! The timeout warning: a dialog, closed until the wizard's script opens
//! it shortly before the run expires, which offers to keep the answers.

use crate::components::escape_into;
use crate::declaration::KEEP_ALIVE_SEGMENT;
use crate::texts::{Piece, Texts, each_piece, fill_each};

/// When the run a page shows expires, as the store last set it, and when
/// the page warns about it ([`crate::WizardConfig::timeout_warning`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeout {
    /// Seconds from the page's rendering until the run expires.
    pub expires_in: u64,
    /// Seconds before the expiry that the dialog opens.
    pub warn_before: u64,
    /// The idle timeout: what keeping the run alive gives it again.
    pub idle: u64,
}

impl Timeout {
    /// How long is left, in the wizard's words: whole minutes, rounded
    /// up, then seconds in the last minute ("2 minutes", "45 seconds").
    pub fn words(seconds: u64, texts: &Texts) -> String {
        let mut words = String::new();
        Self::words_each(seconds, texts, |piece| words.push_str(piece));
        words
    }

    /// [`Timeout::words`], handed to `write` piece by piece.
    fn words_each(seconds: u64, texts: &Texts, write: impl FnMut(&str)) {
        let minutes = seconds.div_ceil(60);
        let mut number = itoa::Buffer::new();
        let (text, n) = match (seconds, minutes) {
            (1, _) => (&texts.timeout_second, None),
            (0..60, _) => (&texts.timeout_seconds, Some(seconds)),
            (_, 1) => (&texts.timeout_minute, None),
            _ => (&texts.timeout_minutes, Some(minutes)),
        };
        match n {
            Some(n) => fill_each(text, &[("n", number.format(n))], write),
            None => fill_each(text, &[], write),
        }
    }
}

/// The id of the warning's `<dialog>`, which the script looks for.
pub(crate) const TIMEOUT_DIALOG_ID: &str = "wizard-timeout";

/// The timeout warning of a page ([`super::Page::timeout_warning`]): a
/// `<dialog>` the wizard's script opens (nothing without JavaScript),
/// labelled by its heading and described by its text. It carries what
/// the script needs as `data-` attributes: the seconds until expiry and
/// before it to warn, the idle timeout, where to keep the run alive,
/// where to start again, and the words for the time left. Empty when the
/// page's run is not stored or the warning is off.
pub struct TimeoutWarning<'a> {
    pub(super) timeout: Option<Timeout>,
    pub(super) base: &'a str,
    pub(super) texts: &'a Texts,
}

impl TimeoutWarning<'_> {
    /// Writes the dialog.
    pub(crate) fn write_into(&self, out: &mut String) {
        let Some(timeout) = self.timeout else {
            return;
        };
        let texts = self.texts;
        out.push_str("<dialog class=\"timeout\" id=\"");
        out.push_str(TIMEOUT_DIALOG_ID);
        out.push_str(
            "\" aria-labelledby=\"wizard-timeout-heading\" \
             aria-describedby=\"wizard-timeout-text\"",
        );
        self.write_data(out, timeout);
        let start = if self.base.is_empty() { "/" } else { self.base };
        out.push_str(
            ">\n<h2 class=\"timeout__heading\" id=\"wizard-timeout-heading\" tabindex=\"-1\">",
        );
        escape_into(out, &texts.timeout_heading);
        out.push_str("</h2>\n<p class=\"timeout__text\" id=\"wizard-timeout-text\">");
        // The time left is markup of its own (the script rewrites it as it
        // counts down), so the text's `{time}` is filled here, not by value.
        each_piece(&texts.timeout_body, |piece| match piece {
            Piece::Placeholder { name: "time", .. } => {
                out.push_str("<span class=\"timeout__time\">");
                Timeout::words_each(timeout.warn_before, texts, |words| escape_into(out, words));
                out.push_str("</span>");
            }
            Piece::Placeholder { as_written, .. } => escape_into(out, as_written),
            Piece::Words(words) => escape_into(out, words),
        });
        out.push_str(
            "</p>\n<p class=\"visually-hidden timeout__live\" aria-live=\"polite\"></p>\n",
        );
        out.push_str("<button type=\"button\" class=\"button timeout__continue\">");
        escape_into(out, &texts.timeout_continue);
        out.push_str(
            "</button>\n<div class=\"timeout__gone\" id=\"wizard-timeout-gone\" hidden>\n<p>",
        );
        escape_into(out, &texts.timeout_gone_body);
        out.push_str("</p>\n<p><a href=\"");
        escape_into(out, start);
        out.push_str("\">");
        escape_into(out, &texts.start_again_link);
        out.push_str("</a></p>\n</div>\n</dialog>\n");
    }

    /// The dialog's `data-` attributes: what the script needs.
    fn write_data(&self, out: &mut String, timeout: Timeout) {
        let texts = self.texts;
        let mut number = itoa::Buffer::new();
        for (name, value) in [
            ("expires-in", timeout.expires_in),
            ("warn", timeout.warn_before),
            ("idle", timeout.idle),
        ] {
            out.push_str(" data-");
            out.push_str(name);
            out.push_str("=\"");
            out.push_str(number.format(value));
            out.push('"');
        }
        out.push_str(" data-keep-alive=\"");
        escape_into(out, self.base);
        out.push('/');
        out.push_str(KEEP_ALIVE_SEGMENT);
        out.push('"');
        for (name, value) in [
            ("minutes", &texts.timeout_minutes),
            ("minute", &texts.timeout_minute),
            ("seconds", &texts.timeout_seconds),
            ("second", &texts.timeout_second),
            ("gone-heading", &texts.timeout_gone_heading),
        ] {
            out.push_str(" data-");
            out.push_str(name);
            out.push_str("=\"");
            escape_into(out, value);
            out.push('"');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The warning of a run on `/claim` that expires in 1,500 s of an
    /// 1,800 s idle timeout, shown `warn_before` seconds ahead.
    fn warning(texts: &Texts, warn_before: u64) -> TimeoutWarning<'_> {
        TimeoutWarning {
            timeout: Some(Timeout {
                expires_in: 1500,
                warn_before,
                idle: 1800,
            }),
            base: "/claim",
            texts,
        }
    }

    /// What `warning` writes.
    fn written(warning: &TimeoutWarning<'_>) -> String {
        let mut out = String::new();
        warning.write_into(&mut out);
        out
    }

    #[test]
    fn time_left_is_in_whole_minutes_then_seconds() {
        let texts = Texts::default();
        let words = |seconds| Timeout::words(seconds, &texts);
        assert_eq!(words(120), "2 minutes");
        assert_eq!(words(61), "2 minutes");
        assert_eq!(words(60), "1 minute");
        assert_eq!(words(59), "59 seconds");
        assert_eq!(words(1), "1 second");
    }

    #[test]
    fn the_dialog_carries_its_times_and_escaped_words() {
        let texts = Texts {
            timeout_heading: "Need <more> time?".into(),
            ..Texts::default()
        };
        let warning = warning(&texts, 120);
        let out = written(&warning);
        for expected in [
            "<dialog class=\"timeout\" id=\"wizard-timeout\"",
            "data-expires-in=\"1500\" data-warn=\"120\" data-idle=\"1800\"",
            "data-keep-alive=\"/claim/keep-alive\"",
            "data-minutes=\"{n} minutes\"",
            "Need &#60;more&#62; time?",
            "we will delete your answers in <span class=\"timeout__time\">2 minutes</span>.",
            "<a href=\"/claim\">Start from the beginning</a>",
        ] {
            assert!(out.contains(expected), "{expected} not in {out}");
        }
        let off = TimeoutWarning {
            timeout: None,
            ..warning
        };
        assert_eq!(written(&off), "");
    }

    #[test]
    fn the_time_left_is_written_as_markup_wherever_the_text_puts_it() {
        let texts = Texts {
            timeout_body: "{time} left <{who}>".into(),
            ..Texts::default()
        };
        let out = written(&warning(&texts, 45));
        let expected = "id=\"wizard-timeout-text\"><span class=\"timeout__time\">45 seconds</span> left &#60;{who}&#62;</p>";
        assert!(out.contains(expected), "{out}");
    }
}
