-- Preliminary lists (初步名单, R1's first half, §二(四)): an identifying department submits candidate entries;
-- they are written as draft list entries linked to their list, red candidates are cross-compared with the
-- black lists (R2), publicised for the list type's publicity period and then take effect.

-- Publicity period in days per list type (NULL: the default, 7 days), and whether black entries of the type
-- may take effect without publicity, on a recorded prior notification of the subject (事前告知) instead.
ALTER TABLE list_policies ADD COLUMN publicity_days INTEGER;
ALTER TABLE list_policies ADD COLUMN black_skip_publicity INTEGER NOT NULL DEFAULT 0
    CHECK (black_skip_publicity IN (0, 1));

CREATE TABLE preliminary_lists (
    pk           INTEGER PRIMARY KEY,
    list_id      TEXT NOT NULL UNIQUE,            -- PL-YYYYMMDD-NNNN, by submission day
    department   TEXT NOT NULL,                   -- the identifying department (认定单位)
    kind         TEXT NOT NULL CHECK (kind IN ('red', 'black')),
    submitted_by TEXT NOT NULL,
    submitted_at TEXT NOT NULL,                   -- UTC timestamp of the write
    submitted_on TEXT NOT NULL,                   -- the day of submission (the cross-comparison day)
    source_file  TEXT,                            -- the file's name when submitted as a file
    submitted    INTEGER NOT NULL,                -- candidates submitted = accepted + rejected
    accepted     INTEGER NOT NULL,
    rejected     INTEGER NOT NULL,                -- red candidates refused by cross-comparison
    CHECK (submitted = accepted + rejected)
);
CREATE INDEX preliminary_lists_by_day ON preliminary_lists (submitted_on);

-- The entries of a list, with the publicity window once publicised (inclusive days).
CREATE TABLE preliminary_entries (
    entry_pk       INTEGER PRIMARY KEY REFERENCES list_entries (pk),
    list_pk        INTEGER NOT NULL REFERENCES preliminary_lists (pk),
    publicity_from TEXT,
    publicity_to   TEXT
);
CREATE INDEX preliminary_entries_by_list ON preliminary_entries (list_pk, entry_pk);
CREATE INDEX preliminary_entries_by_window ON preliminary_entries (publicity_to);

-- Why a red candidate was refused: the black entry it conflicts with — directly (no links), through a firm (a
-- derived record), or through a person holding a role in the candidate enterprise — found at submission, at
-- publicity or when taking effect.
CREATE TABLE preliminary_conflicts (
    pk             INTEGER PRIMARY KEY,
    entry_pk       INTEGER NOT NULL REFERENCES list_entries (pk),
    black_entry_id TEXT NOT NULL,
    firm_code      TEXT,
    firm_name      TEXT,
    person_code    TEXT,
    person_name    TEXT,
    role           TEXT,
    found_on       TEXT NOT NULL,
    stage          TEXT NOT NULL CHECK (stage IN ('submit', 'publicise', 'take_effect'))
);
CREATE INDEX preliminary_conflicts_by_entry ON preliminary_conflicts (entry_pk, pk);

-- Prior notifications of black-list subjects (事前告知): who was notified, when, how and by whom.
CREATE TABLE prior_notifications (
    pk          INTEGER PRIMARY KEY,
    entry_pk    INTEGER NOT NULL REFERENCES list_entries (pk),
    recipient   TEXT NOT NULL,
    notified_on TEXT NOT NULL,
    method      TEXT NOT NULL,
    notified_by TEXT NOT NULL,
    note        TEXT
);
CREATE INDEX prior_notifications_by_entry ON prior_notifications (entry_pk, notified_on);
