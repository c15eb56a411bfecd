-- A run counts as started when it first stores answers or a draft; until
-- then its pages were shown under another id, kept here so that the time
-- spent on the first step is counted for the run.
ALTER TABLE funnel_events ADD COLUMN shown_as TEXT;
