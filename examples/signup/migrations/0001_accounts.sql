-- The signup's accounts. Written once for SQLite and PostgreSQL alike.
--
-- `email` is the address as the application normalises it (trimmed and
-- lowercased, in Rust), so that one unique index means the same on both
-- databases; `run_id` is the wizard run that created the account, unique,
-- so that finishing a run twice (on two instances, say) creates one account.
CREATE TABLE accounts (
    email TEXT PRIMARY KEY,
    email_as_typed TEXT NOT NULL,
    display_name TEXT NOT NULL,
    company_name TEXT,
    run_id TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
