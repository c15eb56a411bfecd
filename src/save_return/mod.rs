//! "Save and come back later" (feature `save-and-return`): a visitor saves
//! a run, is sent a link by email, and resumes it from the link in a new
//! session, on any device, without an account.
//!
//! - **Saving.** Every page with a form gets a second button,
//!   `action=save`: what is on the page is kept as its draft, then
//!   `{base}/save` asks for an email address (filled in from a declared
//!   field when answered) and sends a link to `{base}/resume/{token}`;
//!   `{base}/saved` says where it went (the address partly hidden) and
//!   until when it works.
//! - **Keeping.** The run is copied to [`SavedRuns`] (on sqlx:
//!   [`SqlSavedRuns`]), always sealed, bound to its record; the link's
//!   token and the address are kept only as keyed hashes. A newer save of
//!   the run replaces the older, whose link stops working.
//! - **Resuming.** The link asks for the address it was sent to before it
//!   shows anything (the fifth wrong answer ends it), then starts a new
//!   session holding the run where it was left, drafts and files
//!   included, under its own run id; the token leaves the address bar
//!   before the page shows. It works once.
//! - **Limits.** At most 5 messages an hour per address and per session,
//!   attempts included, counted in the database so that the limit holds
//!   across instances: the sixth is 429.
//!
//! ```no_run
//! # async fn setup() -> Result<(), Box<dyn std::error::Error>> {
//! use actix_wizard::WizardConfig;
//! use actix_wizard::save_return::{Outbox, SaveAndReturn, SqlSavedRuns};
//!
//! let saved = SqlSavedRuns::connect("sqlite:claim.db?mode=rwc").await?;
//! saved.migrate().await?;
//! let outbox = Outbox::new("outbox", "Claims <no-reply@example.com>")?;
//! let config = WizardConfig::default()
//!     .save_and_return(SaveAndReturn::new(saved, outbox).email_from("claimant", "email"));
//! # Ok(())
//! # }
//! ```

use std::sync::Arc;
use std::time::Duration;

mod mail;
mod sql;
mod store;

pub use mail::{Letter, MailError, Mailer, Outbox, Smtp};
pub use sql::SqlSavedRuns;
pub use store::{LinkStatus, SavedRun, SavedRuns, Sends};

/// How a wizard saves runs to come back to: where saved runs are kept,
/// how the link is sent, and for how long it works.
#[derive(Clone)]
pub struct SaveAndReturn {
    pub(crate) saved: Arc<dyn SavedRuns>,
    pub(crate) mailer: Arc<dyn Mailer>,
    pub(crate) link_for: Duration,
    pub(crate) email_from: Option<(&'static str, &'static str)>,
    pub(crate) sends_per_hour: u32,
    pub(crate) wrong_answers: u32,
    pub(crate) origin: Option<String>,
}

impl std::fmt::Debug for SaveAndReturn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SaveAndReturn")
            .field("link_for", &self.link_for)
            .field("email_from", &self.email_from)
            .field("sends_per_hour", &self.sends_per_hour)
            .finish_non_exhaustive()
    }
}

impl SaveAndReturn {
    /// Runs saved in `saved`, links sent by `mailer`; a link works for 7
    /// days, 5 messages an hour per address and per session, 5 wrong
    /// addresses end a link.
    pub fn new(saved: impl SavedRuns, mailer: impl Mailer) -> Self {
        Self {
            saved: Arc::new(saved),
            mailer: Arc::new(mailer),
            link_for: Duration::from_secs(7 * 24 * 3600),
            email_from: None,
            sends_per_hour: 5,
            wrong_answers: 5,
            origin: None,
        }
    }

    /// How long a link works (7 days by default).
    pub fn link_for(mut self, time: Duration) -> Self {
        self.link_for = time;
        self
    }

    /// The answered field whose address fills in the save page's (`step`
    /// and field's form name).
    pub fn email_from(mut self, step: &'static str, field: &'static str) -> Self {
        self.email_from = Some((step, field));
        self
    }

    /// How many messages an address, or a session, is sent in an hour.
    pub fn sends_per_hour(mut self, most: u32) -> Self {
        self.sends_per_hour = most.max(1);
        self
    }

    /// The scheme and host the links start with (`https://claims.example.org`);
    /// by default the request's own, as actix-web reads it (behind a proxy,
    /// set this).
    pub fn origin(mut self, origin: impl Into<String>) -> Self {
        self.origin = Some(origin.into().trim_end_matches('/').to_owned());
        self
    }

    /// Where saved runs are kept.
    pub fn saved_runs(&self) -> &dyn SavedRuns {
        &*self.saved
    }

    /// Deletes the saved runs whose links expired, and the counts of
    /// messages older than an hour, every `interval`, for as long as the
    /// future runs: spawn it once (`actix_web::rt::spawn`).
    pub async fn purge_every(self, interval: Duration) {
        loop {
            tokio::time::sleep(interval).await;
            let now = unix_now();
            match self.saved.purge(now, now.saturating_sub(3600)).await {
                Ok(gone) => tracing::info!(gone, "expired saved runs purged"),
                Err(error) => tracing::warn!(%error, "the purge of saved runs failed"),
            }
        }
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// An address as the saved page shows it: its first character, `***`,
/// then `@` and its domain (`a***@example.com`).
pub(crate) fn masked(address: &str) -> String {
    let (local, domain) = address.rsplit_once('@').unwrap_or((address, ""));
    let first: String = local.chars().take(1).collect();
    format!("{first}***@{domain}")
}

/// An address as it is compared: trimmed, in small letters.
pub(crate) fn normalised(address: &str) -> String {
    address.trim().to_lowercase()
}

/// A date as GOV.UK writes it: "10 December 2026".
pub(crate) fn long_date(unix: u64) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let at = time::OffsetDateTime::from_unix_timestamp(i64::try_from(unix).unwrap_or(0))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let month = MONTHS[usize::from(u8::from(at.month())) - 1];
    format!("{} {month} {}", at.day(), at.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_shown_partly_hidden_and_dates_as_people_write_them() {
        assert_eq!(masked("ann@example.com"), "a***@example.com");
        assert_eq!(normalised("  Ann@Example.COM "), "ann@example.com");
        // 2026-12-10 00:00 UTC.
        assert_eq!(long_date(1_796_860_800), "10 December 2026");
    }
}
