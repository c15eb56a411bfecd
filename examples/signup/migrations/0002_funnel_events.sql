-- The wizard's events, for the operator's funnel page: one row per event,
-- one per failed field of a refused form. Never an answer's value.
CREATE TABLE funnel_events (
    run_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    step TEXT NOT NULL,
    field TEXT,
    code TEXT,
    message TEXT,
    at_ms BIGINT NOT NULL,
    -- The order the instance that recorded them saw events of the same
    -- millisecond in.
    seq BIGINT NOT NULL
);
CREATE INDEX funnel_events_by_run ON funnel_events (run_id, at_ms, seq);
