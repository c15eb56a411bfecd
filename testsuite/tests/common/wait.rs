//! Waiting for a condition, never for a guess: each helper polls for the
//! thing that must happen and fails with its name after a generous
//! deadline (a busy CI machine is slow, not wrong).

use std::future::Future;
use std::time::{Duration, Instant};

/// How long a condition may take before the test fails.
const DEADLINE: Duration = Duration::from_secs(30);
/// How often it is checked.
const POLL: Duration = Duration::from_millis(20);

/// Resolves once `condition` holds; panics naming `what` after the deadline.
pub async fn until<F, Fut>(what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + DEADLINE;
    while !condition().await {
        assert!(
            Instant::now() < deadline,
            "{what}: did not happen within {DEADLINE:?}"
        );
        tokio::time::sleep(POLL).await;
    }
}

/// The blocking form of [`until`], for process states and ports.
pub fn until_blocking(what: &str, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + DEADLINE;
    while !condition() {
        if Instant::now() >= deadline {
            eprintln!("{what}: did not happen within {DEADLINE:?}");
            return false;
        }
        std::thread::sleep(POLL);
    }
    true
}
