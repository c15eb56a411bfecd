-- The expenses of a finished claim, in the order they were listed.
CREATE TABLE claim_expenses (
    reference TEXT NOT NULL REFERENCES claims (reference),
    position INTEGER NOT NULL,
    spent_on TEXT NOT NULL,
    category TEXT NOT NULL,
    description TEXT NOT NULL,
    amount_pence BIGINT NOT NULL,
    journey_from TEXT,
    journey_to TEXT,
    miles INTEGER,
    PRIMARY KEY (reference, position)
);
