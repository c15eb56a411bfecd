//! A run ledger in memory that logs what it is asked. Given to a
//! [`super::test_store::TestStore`] that logs its reads into the same
//! log, the order of the two tells whether a claim went out while the
//! session loaded.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_wizard::{ledger::Claim, ledger::RunLedger};
use futures_util::future::LocalBoxFuture;

/// What the ledger and the store were asked, in order: `claim RUN`,
/// `record RUN`, `release RUN`, `status RUN`, `load begins`, `load ends`.
#[derive(Clone, Default)]
pub struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    pub fn push(&self, entry: String) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(entry);
    }

    /// Everything logged so far.
    pub fn entries(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Forgets what was logged (to look at one request alone).
    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// The ledger's entries only.
    pub fn ledger_ops(&self) -> Vec<String> {
        self.entries()
            .into_iter()
            .filter(|entry| !entry.starts_with("load"))
            .collect()
    }
}

/// A ledger in memory: `None` unclaimed, `Some(None)` claimed, and
/// `Some(Some(outcome))` finished.
#[derive(Clone, Default)]
pub struct LoggedLedger {
    runs: Arc<Mutex<HashMap<String, Option<String>>>>,
    pub log: Log,
}

impl LoggedLedger {
    /// Where `run` stands, without logging.
    pub fn peek(&self, run: &str) -> Option<Claim> {
        let runs = self.runs.lock().unwrap_or_else(|p| p.into_inner());
        runs.get(run).map(|entry| match entry {
            None => Claim::Pending,
            Some(outcome) => Claim::Done(outcome.clone()),
        })
    }

    /// The runs the ledger holds an entry for.
    pub fn runs(&self) -> Vec<String> {
        let runs = self.runs.lock().unwrap_or_else(|p| p.into_inner());
        runs.keys().cloned().collect()
    }
}

impl RunLedger for LoggedLedger {
    fn claim<'a>(&'a self, run: &'a str) -> LocalBoxFuture<'a, anyhow::Result<Claim>> {
        Box::pin(async move {
            self.log.push(format!("claim {run}"));
            let mut runs = self.runs.lock().unwrap_or_else(|p| p.into_inner());
            Ok(match runs.get(run) {
                None => {
                    runs.insert(run.to_owned(), None);
                    Claim::Won
                }
                Some(None) => Claim::Pending,
                Some(Some(outcome)) => Claim::Done(outcome.clone()),
            })
        })
    }

    fn record<'a>(
        &'a self,
        run: &'a str,
        outcome: &'a str,
    ) -> LocalBoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            self.log.push(format!("record {run}"));
            let mut runs = self.runs.lock().unwrap_or_else(|p| p.into_inner());
            runs.insert(run.to_owned(), Some(outcome.to_owned()));
            Ok(())
        })
    }

    fn release<'a>(&'a self, run: &'a str) -> LocalBoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            self.log.push(format!("release {run}"));
            let mut runs = self.runs.lock().unwrap_or_else(|p| p.into_inner());
            runs.remove(run);
            Ok(())
        })
    }

    fn outcome<'a>(&'a self, run: &'a str) -> LocalBoxFuture<'a, anyhow::Result<Option<String>>> {
        Box::pin(async move {
            self.log.push(format!("outcome {run}"));
            Ok(match self.peek(run) {
                Some(Claim::Done(outcome)) => Some(outcome),
                _ => None,
            })
        })
    }

    fn status<'a>(&'a self, run: &'a str) -> LocalBoxFuture<'a, anyhow::Result<Option<Claim>>> {
        Box::pin(async move {
            self.log.push(format!("status {run}"));
            Ok(self.peek(run))
        })
    }
}
