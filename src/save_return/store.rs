//! Where saved runs wait, apart from the session: [`SavedRuns`], with its
//! implementation on sqlx in [`super::sql`].

use futures_util::future::LocalBoxFuture;

/// Where a saved run's link stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkStatus {
    /// It works (until it expires).
    Live,
    /// It was used to resume the run.
    Used,
    /// Too many wrong email addresses were given for it.
    Ended,
    /// The run finished since (from this copy or another).
    Finished,
}

impl LinkStatus {
    /// Its name in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Live => "live",
            Self::Used => "used",
            Self::Ended => "ended",
            Self::Finished => "finished",
        }
    }

    /// The status named `name`.
    pub fn named(name: &str) -> Option<Self> {
        [Self::Live, Self::Used, Self::Ended, Self::Finished]
            .into_iter()
            .find(|status| status.as_str() == name)
    }
}

/// A run saved to come back to: its state sealed for this record, the
/// hash of its link's token and a tag of the address the link went to.
/// Nothing in it reads in clear.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedRun {
    /// The run's id (one saved copy per run: a newer save replaces it).
    pub run: String,
    /// The wizard's id.
    pub wizard: String,
    /// The page it was saved from (under the run's base: its resource's,
    /// its tab's), where it resumes.
    pub page: String,
    /// The hash of the link's token (the token itself is never kept).
    pub token_hash: String,
    /// A keyed tag of the email address the link was sent to.
    pub email_tag: String,
    /// The run's state, sealed for this record.
    pub sealed: String,
    /// When it was saved (Unix seconds).
    pub saved_at: u64,
    /// When its link stops working (Unix seconds).
    pub expires_at: u64,
    /// Wrong email addresses given for the link so far.
    pub wrong_tries: u32,
    /// Where its link stands.
    pub status: LinkStatus,
}

/// What a sender has sent in the last hour: how many, and the oldest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sends {
    /// How many.
    pub count: u32,
    /// When the oldest of them was sent (Unix seconds).
    pub oldest: Option<u64>,
}

/// Saved runs, kept where every instance of the application finds them.
/// [`super::SqlSavedRuns`] keeps them in SQLite or PostgreSQL; any other
/// store implements this.
pub trait SavedRuns: Send + Sync + 'static {
    /// Keeps `saved`, in place of any earlier save of the same run (whose
    /// link then stops working).
    fn keep<'a>(&'a self, saved: &'a SavedRun) -> LocalBoxFuture<'a, anyhow::Result<()>>;
    /// The saved run whose link's token hashes to `token_hash`, whatever
    /// its status.
    fn find<'a>(
        &'a self,
        token_hash: &'a str,
    ) -> LocalBoxFuture<'a, anyhow::Result<Option<SavedRun>>>;
    /// Counts a wrong email address for the link; at `most` the link
    /// ends. The count so far.
    fn miss<'a>(
        &'a self,
        token_hash: &'a str,
        most: u32,
    ) -> LocalBoxFuture<'a, anyhow::Result<u32>>;
    /// Uses the link, once: the saved run when its link was live and not
    /// expired at `now` (its status is then [`LinkStatus::Used`]), `None`
    /// when another request used it first.
    fn take<'a>(
        &'a self,
        token_hash: &'a str,
        now: u64,
    ) -> LocalBoxFuture<'a, anyhow::Result<Option<SavedRun>>>;
    /// The run finished: its saved state is dropped, and its link says so.
    fn finished<'a>(&'a self, run: &'a str) -> LocalBoxFuture<'a, anyhow::Result<()>>;
    /// What each of `senders` sent since `since`.
    fn sends<'a>(
        &'a self,
        senders: &'a [String],
        since: u64,
    ) -> LocalBoxFuture<'a, anyhow::Result<Vec<Sends>>>;
    /// Counts a message (or an attempt) for each of `senders`, at `at`.
    fn sent<'a>(&'a self, senders: &'a [String], at: u64)
    -> LocalBoxFuture<'a, anyhow::Result<()>>;
    /// Deletes the saved runs expired at `now`, and the sends counted
    /// before `sends_before`: how many saved runs went.
    fn purge<'a>(&'a self, now: u64, sends_before: u64) -> LocalBoxFuture<'a, anyhow::Result<u64>>;
}
