-- Finished claims: one row per run (a second finish of the same run finds
-- its row), under a reference the claimant is given.
CREATE TABLE claims (
    reference TEXT PRIMARY KEY,
    run_id TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    email TEXT NOT NULL,
    contact TEXT NOT NULL,
    phone TEXT,
    account_name TEXT NOT NULL,
    sort_code TEXT NOT NULL,
    account_number TEXT NOT NULL,
    total_pence BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
