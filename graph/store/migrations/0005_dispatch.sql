-- Trigger–feedback (R8, §七(一), §八(三)): what each implementing department has been told to do, its
-- feedback, and reliable delivery by webhook.

-- Every measure application (a measure reaching a subject through an entry, directly or along one role
-- path) as last dispatched. The dispatcher compares the applications in force on a day with these rows;
-- each difference becomes a dispatch and updates this table in the same transaction. An ended
-- application keeps its row (``active`` 0, with why it ended) so that a later restart can say "resumed"
-- and a revocation can recall what was dispatched before a suspension.
CREATE TABLE measure_applications (
    pk          INTEGER PRIMARY KEY,
    subject_pk  INTEGER NOT NULL REFERENCES subjects (pk),
    entry_pk    INTEGER NOT NULL REFERENCES list_entries (pk),
    role_pk     INTEGER NOT NULL,        -- 0: the entry's own subject; else the role edge of the path
    measure_id  TEXT NOT NULL,
    department  TEXT NOT NULL,           -- the measure's implementing department
    entry_fp    TEXT NOT NULL,           -- what the department was told, to detect changes
    measure_fp  TEXT NOT NULL,
    path_fp     TEXT NOT NULL,
    active      INTEGER NOT NULL CHECK (active IN (0, 1)),
    ended_reason TEXT,
    dispatch_pk INTEGER NOT NULL,            -- the newest dispatch about it (its payload is the last told)
    UNIQUE (entry_pk, subject_pk, role_pk, measure_id, department)
);

-- One dispatch per started, changed or ended measure application. ``pk`` is the departments' cursor:
-- it grows in commit order (one writer at a time), so a feed read "after pk N" misses nothing and
-- repeats nothing.
CREATE TABLE dispatches (
    pk          INTEGER PRIMARY KEY,
    run_pk      INTEGER NOT NULL,        -- the dispatch run that produced it (one trigger)
    department  TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('start', 'change', 'end')),
    reason      TEXT NOT NULL,
    recall      INTEGER NOT NULL DEFAULT 0 CHECK (recall IN (0, 1)),
    subject_pk  INTEGER NOT NULL,
    entry_pk    INTEGER NOT NULL,
    role_pk     INTEGER NOT NULL,
    measure_id  TEXT NOT NULL,
    payload     TEXT NOT NULL,           -- JSON: subject, entry, measure, path (what the department needs)
    created_at  TEXT NOT NULL,
    created_on  TEXT NOT NULL,
    due_on      TEXT NOT NULL,           -- feedback is overdue after this day
    recalled_by INTEGER                  -- the recall dispatch that withdrew this one (entry revoked)
);
CREATE INDEX dispatches_by_department ON dispatches (department, pk);
CREATE INDEX dispatches_by_entry ON dispatches (entry_pk, pk);
CREATE INDEX dispatches_by_subject ON dispatches (subject_pk, pk);

CREATE TABLE dispatch_runs (
    pk         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    run_on     TEXT NOT NULL,
    scope      TEXT NOT NULL,            -- 'all' or the number of entries
    started    INTEGER NOT NULL,
    changed    INTEGER NOT NULL,
    ended      INTEGER NOT NULL,
    recalled   INTEGER NOT NULL
);

-- How long departments have to answer and how often overdue dispatches are reminded; the newest row
-- applies (none yet: 15 and 7 days). Kept, not overwritten: who changed it and when.
CREATE TABLE dispatch_settings (
    pk                INTEGER PRIMARY KEY,
    feedback_days     INTEGER NOT NULL CHECK (feedback_days >= 1),
    remind_every_days INTEGER NOT NULL CHECK (remind_every_days >= 1),
    changed_at        TEXT NOT NULL,
    changed_by        TEXT NOT NULL
);

-- Feedback is appended; the newest row of a dispatch is its outcome.
CREATE TABLE dispatch_feedback (
    pk          INTEGER PRIMARY KEY,
    dispatch_pk INTEGER NOT NULL REFERENCES dispatches (pk),
    outcome     TEXT NOT NULL CHECK (outcome IN ('applied', 'not_applicable', 'failed')),
    reason      TEXT,
    applied_on  TEXT NOT NULL,
    actor       TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX dispatch_feedback_by_dispatch ON dispatch_feedback (dispatch_pk, pk);

-- The highest cursor each department has confirmed by asking for what comes after it.
CREATE TABLE department_cursors (
    department     TEXT PRIMARY KEY,
    acknowledged   INTEGER NOT NULL,
    updated_at     TEXT NOT NULL
);

CREATE TABLE reminders (
    pk          INTEGER PRIMARY KEY,
    dispatch_pk INTEGER NOT NULL REFERENCES dispatches (pk),
    reminded_on TEXT NOT NULL,
    UNIQUE (dispatch_pk, reminded_on)
);

CREATE TABLE webhooks (
    pk         INTEGER PRIMARY KEY,
    department TEXT NOT NULL UNIQUE,
    url        TEXT NOT NULL,
    secret     TEXT NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL
);

-- Durable outbox: a row is written in the same transaction as its dispatch or reminder, so a crash or
-- restart loses nothing; delivery marks it delivered after a 2xx answer. A deliverer leases rows before
-- sending so that two processes never send the same row at once.
CREATE TABLE outbox (
    pk              INTEGER PRIMARY KEY,
    webhook_pk      INTEGER NOT NULL REFERENCES webhooks (pk),
    event           TEXT NOT NULL CHECK (event IN ('dispatch', 'reminder')),
    dispatch_pk     INTEGER NOT NULL REFERENCES dispatches (pk),
    reminder_pk     INTEGER,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    leased_until    TEXT,
    delivered_at    TEXT,
    given_up_at     TEXT,
    last_error      TEXT
);
CREATE INDEX outbox_by_dispatch ON outbox (dispatch_pk);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL AND given_up_at IS NULL;
