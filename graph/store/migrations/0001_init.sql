-- credlink embedded store, schema version 1.
-- Subjects (enterprises and persons) are nodes; roles are dated edges between them. Dates are ISO text
-- (YYYY-MM-DD), inclusive; an open role start is stored as '' (sorts before every date) so that it can be
-- part of the role's natural key, an open end as NULL.

CREATE TABLE subjects (
    pk                INTEGER PRIMARY KEY,
    subject_type      TEXT NOT NULL CHECK (subject_type IN ('enterprise', 'person')),
    code              TEXT NOT NULL,            -- uscc or id_number
    name              TEXT NOT NULL,
    enterprise_kind   TEXT,
    enterprise_status TEXT,
    region_code       TEXT,
    established       TEXT,
    UNIQUE (code, subject_type)
);

CREATE TABLE roles (
    pk            INTEGER PRIMARY KEY,
    holder_pk     INTEGER NOT NULL REFERENCES subjects (pk),
    enterprise_pk INTEGER NOT NULL REFERENCES subjects (pk),
    role          TEXT NOT NULL CHECK (role IN ('legal_representative', 'principal', 'directly_responsible',
                                               'actual_controller', 'shareholder', 'branch_of')),
    start_date    TEXT NOT NULL DEFAULT '',
    end_date      TEXT,
    ratio         REAL,
    UNIQUE (holder_pk, enterprise_pk, role, start_date)
);
CREATE INDEX roles_by_enterprise ON roles (enterprise_pk, role);

CREATE TABLE list_policies (
    list_type              TEXT PRIMARY KEY,
    roles                  TEXT NOT NULL,       -- ';'-separated role names
    role_time              TEXT NOT NULL CHECK (role_time IN ('act', 'current', 'both')),
    derived_counts_for_red INTEGER NOT NULL CHECK (derived_counts_for_red IN (0, 1))
);

CREATE TABLE measures (
    pk                      INTEGER PRIMARY KEY,
    measure_id              TEXT NOT NULL UNIQUE,
    kind                    TEXT NOT NULL CHECK (kind IN ('red', 'black')),
    list_type               TEXT NOT NULL,
    target                  TEXT NOT NULL CHECK (target IN ('subject', 'legal_representative', 'principal',
                                                            'directly_responsible', 'actual_controller')),
    content                 TEXT NOT NULL,
    initiating_department   TEXT NOT NULL,
    implementing_department TEXT NOT NULL,
    legal_basis             TEXT NOT NULL,
    business_items          TEXT NOT NULL DEFAULT '',   -- ';'-separated
    sharing_method          TEXT
);
CREATE INDEX measures_by_list ON measures (list_type, kind, target);

CREATE TABLE list_entries (
    pk         INTEGER PRIMARY KEY,
    entry_id   TEXT NOT NULL UNIQUE,
    subject_pk INTEGER NOT NULL REFERENCES subjects (pk),
    kind       TEXT NOT NULL CHECK (kind IN ('red', 'black')),
    list_type  TEXT NOT NULL,
    department TEXT NOT NULL,
    basis      TEXT NOT NULL,
    act_date   TEXT,
    decided_on TEXT,
    valid_from TEXT NOT NULL,
    valid_to   TEXT,
    status     TEXT NOT NULL DEFAULT 'effective'
               CHECK (status IN ('draft', 'publicised', 'effective', 'under_verification', 'expired',
                                 'repaired', 'revoked', 'removed'))
);
CREATE INDEX list_entries_by_subject ON list_entries (subject_pk, status);
CREATE INDEX list_entries_by_type ON list_entries (list_type, kind);

-- Append-only history of every entry (R1): who, when, what, why.
CREATE TABLE entry_events (
    pk       INTEGER PRIMARY KEY,
    entry_pk INTEGER NOT NULL REFERENCES list_entries (pk),
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    action   TEXT NOT NULL,
    reason   TEXT,
    details  TEXT
);
CREATE INDEX entry_events_by_entry ON entry_events (entry_pk, pk);

-- Derived credit records (R3): one per (entry, role edge), with its own validity and the basis on
-- which the holder was reached. Written only by propagation, atomically.
CREATE TABLE derived_records (
    pk            INTEGER PRIMARY KEY,
    entry_pk      INTEGER NOT NULL REFERENCES list_entries (pk),
    role_pk       INTEGER NOT NULL REFERENCES roles (pk),
    person_pk     INTEGER NOT NULL REFERENCES subjects (pk),
    enterprise_pk INTEGER NOT NULL REFERENCES subjects (pk),
    role          TEXT NOT NULL,
    holder_basis  TEXT NOT NULL CHECK (holder_basis IN ('act_date', 'current')),
    valid_from    TEXT NOT NULL,
    valid_to      TEXT,
    UNIQUE (entry_pk, role_pk)
);
CREATE INDEX derived_by_person ON derived_records (person_pk, valid_from);

-- Derived measures (R4) are a view, not a copy: a change to the measures list applies at once, with
-- no propagation run in between.
CREATE VIEW derived_measures AS
SELECT d.pk AS derived_pk, d.entry_pk, d.role_pk, d.person_pk, m.pk AS measure_pk
FROM derived_records AS d
JOIN list_entries AS e ON e.pk = d.entry_pk
JOIN measures AS m ON m.kind = e.kind AND m.list_type = e.list_type AND m.target = d.role;

-- Entries whose derived records may be stale. A writer that touches an entry, the roles of a firm that
-- has entries, or a list type's policy appends the affected entries here in the same transaction;
-- propagation removes what it has incorporated.
CREATE TABLE change_log (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_pk INTEGER NOT NULL
);
CREATE INDEX change_log_by_entry ON change_log (entry_pk);

CREATE TABLE propagation_runs (
    pk          INTEGER PRIMARY KEY,
    mode        TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    entries     INTEGER NOT NULL,
    records     INTEGER NOT NULL,
    measures    INTEGER NOT NULL,
    added       INTEGER NOT NULL,
    removed     INTEGER NOT NULL,
    changed     INTEGER NOT NULL,
    read_seq    INTEGER NOT NULL
);

CREATE TABLE load_runs (
    pk       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    on_error TEXT NOT NULL,
    report   TEXT NOT NULL      -- JSON: per file, read / loaded / quarantined and write counts
);
