//! Reading the messages a test's mail went to: an outbox of `.eml` files,
//! or the Maildir of the SMTP server a test started (its `new/`).

use std::path::Path;

/// The messages in `dir`, oldest first, MIME-decoded: (to, subject, body).
pub fn letters_in(dir: &Path) -> Vec<(String, String, String)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(std::time::SystemTime, (String, String, String))> = entries
        .flatten()
        .filter_map(|entry| {
            let raw = std::fs::read(entry.path()).ok()?;
            let mail = mailparse::parse_mail(&raw).ok()?;
            let header = |name: &str| {
                mailparse::MailHeaderMap::get_first_value(&mail.get_headers(), name)
                    .unwrap_or_default()
            };
            let body = mail.get_body().ok()?;
            let when = entry.metadata().and_then(|m| m.modified()).ok()?;
            Some((when, (header("To"), header("Subject"), body)))
        })
        .collect();
    found.sort_by_key(|(when, _)| *when);
    found.into_iter().map(|(_, letter)| letter).collect()
}

/// The path of the link under `prefix` (`/claim/resume/`) in the newest
/// message in `dir`.
pub fn newest_link(dir: &Path, prefix: &str) -> String {
    let letters = letters_in(dir);
    let (_, _, body) = letters.last().cloned().unwrap_or_default();
    let start = body
        .find(prefix)
        .unwrap_or_else(|| panic!("no link under {prefix} in {body:?}"));
    body[start..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Saved runs in a database of the test's own (SQLite in memory),
/// migrated.
pub async fn memory_saved_runs() -> actix_wizard::save_return::SqlSavedRuns {
    let saved = actix_wizard::save_return::SqlSavedRuns::connect("sqlite::memory:")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    saved.migrate().await.unwrap_or_else(|e| panic!("{e}"));
    saved
}

/// How many files are staged under `dir` (not the sweeper's marks).
pub fn staged(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|e| {
                let name = e.file_name();
                let mark = name == "seen" || name.to_string_lossy().starts_with("kept-");
                match (e.path().is_dir(), mark) {
                    (true, _) => staged(&e.path()),
                    (false, true) => 0,
                    (false, false) => 1,
                }
            })
            .sum()
    })
}
