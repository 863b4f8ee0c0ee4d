CREATE TABLE ledger_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
);
CREATE TABLE monitor_runs (
    run_id TEXT PRIMARY KEY,
    job TEXT NOT NULL,
    since TEXT,
    now TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    cases INTEGER NOT NULL DEFAULT 0,
    events INTEGER NOT NULL DEFAULT 0,
    alerts INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    sent INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    dry_run INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX monitor_runs_finished ON monitor_runs (status, now);
CREATE TABLE events (
    event_key TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    level TEXT NOT NULL,
    at TEXT NOT NULL,
    case_id TEXT,
    milestone TEXT,
    instance INTEGER,
    account_id TEXT,
    suppressed TEXT,
    run_id TEXT NOT NULL,
    event TEXT NOT NULL
);
CREATE INDEX events_milestone ON events (case_id, milestone, instance);
CREATE TABLE deliveries (
    event_key TEXT NOT NULL,
    channel TEXT NOT NULL,
    action TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    target TEXT,
    dedupe TEXT,
    remote_id TEXT,
    error TEXT,
    payload TEXT NOT NULL,
    run_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    sent_at TEXT,
    PRIMARY KEY (event_key, channel)
);
CREATE INDEX deliveries_status ON deliveries (status);
CREATE TABLE milestone_outcomes (
    case_id TEXT NOT NULL,
    milestone TEXT NOT NULL,
    instance INTEGER NOT NULL,
    kind TEXT NOT NULL,
    outcome TEXT NOT NULL,
    account_id TEXT,
    account_name TEXT,
    entitlement TEXT,
    process TEXT,
    process_version INTEGER,
    tier TEXT,
    calendar TEXT,
    started_at TEXT,
    target_seconds BIGINT,
    target_at TEXT,
    completed_at TEXT,
    margin_seconds BIGINT,
    margin_wall_seconds BIGINT,
    breached_at TEXT,
    updated_at TEXT NOT NULL,
    run_id TEXT NOT NULL,
    PRIMARY KEY (case_id, milestone, instance)
);
