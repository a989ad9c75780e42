-- Lifecycle (R1, R2, R5, R6, R7): when an entry stops applying, suspensions while an objection is
-- verified, objections, repair applications and the notices produced (exit, correction, apology, reclaim).

-- First day on which the entry no longer applies, when it ended before its validity did (repair,
-- removal by cross-comparison). A revoked entry never applied: its status alone says so.
ALTER TABLE list_entries ADD COLUMN ended_on TEXT;
-- The public list pages through entries newest first (queries/sql/public_entries.sql).
CREATE INDEX list_entries_by_validity ON list_entries (valid_from, entry_id);

-- Minimum days between an entry's valid_from and an approved repair, per list type (NULL: no minimum).
ALTER TABLE list_policies ADD COLUMN repair_min_days INTEGER;

-- Days on which an entry's measures are suspended pending verification (inclusive; open end = ongoing).
CREATE TABLE entry_suspensions (
    pk           INTEGER PRIMARY KEY,
    entry_pk     INTEGER NOT NULL REFERENCES list_entries (pk),
    objection_pk INTEGER NOT NULL,
    from_date    TEXT NOT NULL,
    to_date      TEXT
);
CREATE INDEX entry_suspensions_by_entry ON entry_suspensions (entry_pk, from_date);

CREATE TABLE objections (
    pk          INTEGER PRIMARY KEY,
    entry_pk    INTEGER NOT NULL REFERENCES list_entries (pk),
    filed_on    TEXT NOT NULL,
    filed_by    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open', 'upheld', 'corrected', 'revoked')),
    resolved_on TEXT,
    resolved_by TEXT,
    resolution  TEXT
);
CREATE INDEX objections_by_entry ON objections (entry_pk, pk);

CREATE TABLE repair_applications (
    pk         INTEGER PRIMARY KEY,
    entry_pk   INTEGER NOT NULL REFERENCES list_entries (pk),
    filed_on   TEXT NOT NULL,
    applicant  TEXT NOT NULL,
    evidence   TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_on TEXT,
    decided_by TEXT,
    reason     TEXT
);
CREATE INDEX repair_applications_by_entry ON repair_applications (entry_pk, pk);

CREATE TABLE notices (
    pk           INTEGER PRIMARY KEY,
    entry_pk     INTEGER NOT NULL REFERENCES list_entries (pk),
    kind         TEXT NOT NULL CHECK (kind IN ('exit', 'correction', 'apology', 'reclaim')),
    published_on TEXT NOT NULL,
    text         TEXT NOT NULL
);
CREATE INDEX notices_by_entry ON notices (entry_pk, pk);
CREATE INDEX notices_by_day ON notices (published_on, kind);

CREATE TABLE job_runs (
    pk          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    run_on      TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    report      TEXT
);
