-- The measures list in published versions (联合奖惩措施清单, §五(一), R4, R11).
--
-- Every version's rows are kept. A row is one measure as it stood from the version that brought it
-- (`version`) until the version that changed or removed it (`retired_in`), and it is in force from
-- `valid_from` to `valid_to` (inclusive days). `measure_id` is the measure's identity across versions;
-- the current list is the rows with `valid_to IS NULL` (at most one per measure_id).
--
-- Version 0 is the list imported from measures files before any publication: in force since ever
-- (`valid_from = ''`, which sorts before every date, as roles.start_date does). A publication on day D
-- closes the rows it changes or removes on D-1 and opens their new rows on D; unchanged rows are left
-- as they are. The check joins the rows in force on the day asked (queries/sql/check_*.sql).
--
-- SQLite cannot drop the UNIQUE (measure_id) constraint in place: the table is rebuilt (new, copy, drop,
-- rename), keeping every pk, and its view and index are made again.

DROP VIEW derived_measures;

CREATE TABLE measures_versioned (
    pk                      INTEGER PRIMARY KEY,
    measure_id              TEXT NOT NULL,
    kind                    TEXT NOT NULL CHECK (kind IN ('red', 'black')),
    list_type               TEXT NOT NULL,
    target                  TEXT NOT NULL CHECK (target IN ('subject', 'legal_representative', 'principal',
                                                            'directly_responsible', 'actual_controller')),
    content                 TEXT NOT NULL,
    initiating_department   TEXT NOT NULL,
    implementing_department TEXT NOT NULL,
    legal_basis             TEXT NOT NULL,
    business_items          TEXT NOT NULL DEFAULT '',   -- ';'-separated
    sharing_method          TEXT,
    version                 INTEGER NOT NULL DEFAULT 0, -- the version that brought this row (0: imported)
    retired_in              INTEGER,                    -- the version that changed or removed it; NULL: current
    valid_from              TEXT NOT NULL DEFAULT '',   -- first day in force; '' = since ever
    valid_to                TEXT,                       -- last day in force; NULL = open (current)
    UNIQUE (measure_id, version),
    CHECK ((retired_in IS NULL) = (valid_to IS NULL))
);

INSERT INTO measures_versioned (pk, measure_id, kind, list_type, target, content, initiating_department,
    implementing_department, legal_basis, business_items, sharing_method, version, retired_in, valid_from,
    valid_to)
SELECT pk, measure_id, kind, list_type, target, content, initiating_department, implementing_department,
    legal_basis, business_items, sharing_method, 0, NULL, '', NULL
FROM measures;

DROP TABLE measures;
ALTER TABLE measures_versioned RENAME TO measures;

-- The check looks measures up by (list_type, kind, target) and the day asked.
CREATE INDEX measures_by_list ON measures (list_type, kind, target, valid_from);
-- At most one current row per measure; dispatch and the draft read the current list through it.
CREATE UNIQUE INDEX measures_current ON measures (measure_id) WHERE valid_to IS NULL;

-- Derived measures as they stand now (the current list); a question about a past day goes through the
-- check, which joins the rows in force that day.
CREATE VIEW derived_measures AS
SELECT d.pk AS derived_pk, d.entry_pk, d.role_pk, d.person_pk, m.pk AS measure_pk
FROM derived_records AS d
JOIN list_entries AS e ON e.pk = d.entry_pk
JOIN measures AS m ON m.kind = e.kind AND m.list_type = e.list_type AND m.target = d.role
WHERE m.valid_to IS NULL;

-- One row per published version (1, 2, …): first day in force, who published it and why, and its counts
-- against the version before.
CREATE TABLE measure_versions (
    version      INTEGER PRIMARY KEY,
    published_on TEXT NOT NULL,
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    added        INTEGER NOT NULL,
    changed      INTEGER NOT NULL,
    removed      INTEGER NOT NULL,
    measures     INTEGER NOT NULL
);

-- The draft of the next version: per measure, its new fields (`set`) or its removal (`remove`), relative
-- to the current list. Emptied by a publication.
CREATE TABLE measure_draft (
    measure_id              TEXT PRIMARY KEY,
    action                  TEXT NOT NULL CHECK (action IN ('set', 'remove')),
    kind                    TEXT CHECK (kind IN ('red', 'black')),
    list_type               TEXT,
    target                  TEXT CHECK (target IN ('subject', 'legal_representative', 'principal',
                                                   'directly_responsible', 'actual_controller')),
    content                 TEXT,
    initiating_department   TEXT,
    implementing_department TEXT,
    legal_basis             TEXT,
    business_items          TEXT,
    sharing_method          TEXT,
    changed_at              TEXT NOT NULL,
    changed_by              TEXT NOT NULL,
    CHECK (action = 'remove' OR (kind IS NOT NULL AND list_type IS NOT NULL AND target IS NOT NULL
                                 AND content IS NOT NULL AND initiating_department IS NOT NULL
                                 AND implementing_department IS NOT NULL AND legal_basis IS NOT NULL
                                 AND business_items IS NOT NULL))
);

-- Append-only record of every change to the measures list: draft edits (set, remove, revert, discard),
-- imports and publications; who, when, which measure, and its fields before and after (JSON).
CREATE TABLE measure_changes (
    pk         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('set', 'remove', 'revert', 'discard', 'import', 'publish')),
    measure_id TEXT,
    before     TEXT,
    after      TEXT,
    version    INTEGER,
    note       TEXT
);
CREATE INDEX measure_changes_by_measure ON measure_changes (measure_id, pk);
