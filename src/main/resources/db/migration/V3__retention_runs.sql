-- One row per scheduled slot of the retention job (CLEANUP_CRON, in UTC). A node runs a slot only
-- when its INSERT of the slot's row succeeds, so with several nodes each slot runs once across
-- the cluster. The counts say what the run removed; finished_at stays null when a run failed.
-- Rows older than 30 days are deleted by the job itself.
CREATE TABLE retention_runs (
    scheduled_for timestamptz PRIMARY KEY,
    node          text        NOT NULL,
    started_at    timestamptz NOT NULL,
    finished_at   timestamptz NULL,
    messages      bigint      NULL,
    images        bigint      NULL,
    guests        bigint      NULL
);
