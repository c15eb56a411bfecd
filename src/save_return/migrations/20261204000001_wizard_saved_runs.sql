-- actix-wizard's saved runs ("save and come back later"): one row per run,
-- its state sealed, its link's token and address only as keyed hashes.
CREATE TABLE IF NOT EXISTS wizard_saved_runs (
    run_id TEXT PRIMARY KEY,
    wizard TEXT NOT NULL,
    page TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    email_tag TEXT NOT NULL,
    sealed TEXT NOT NULL,
    saved_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    wrong_tries BIGINT NOT NULL DEFAULT 0,
    status TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS wizard_saved_runs_expires ON wizard_saved_runs (expires_at);
-- Messages sent (and attempts), per address and per session, for the
-- hourly limit that holds across instances.
CREATE TABLE IF NOT EXISTS wizard_save_sends (
    sender TEXT NOT NULL,
    sent_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS wizard_save_sends_sender ON wizard_save_sends (sender, sent_at);
