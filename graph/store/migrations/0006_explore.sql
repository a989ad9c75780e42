-- Exploring the graph (investigators' workbench): finding subjects by any part of their name.
--
-- subjects_name_fts indexes every three-character sequence of every subject's name (FTS5 trigram
-- tokenizer, case-insensitive for letters), so that a search for a part of a name (Chinese included) of
-- three or more characters reads the index instead of scanning 2M names. It is an external-content table:
-- the names stay in subjects only, and detail=none keeps just which rows hold each trigram; a LIKE on it
-- reads the candidates from the index and checks them against the names. Triggers keep it in step with
-- every writer of subjects. queries/sql/explore_search_*.sql use it.
CREATE VIRTUAL TABLE subjects_name_fts USING fts5 (
    name,
    content = 'subjects',
    content_rowid = 'pk',
    tokenize = 'trigram',
    detail = none
);

INSERT INTO subjects_name_fts (subjects_name_fts) VALUES ('rebuild');

CREATE TRIGGER subjects_name_fts_insert AFTER INSERT ON subjects BEGIN
    INSERT INTO subjects_name_fts (rowid, name) VALUES (new.pk, new.name);
END;

CREATE TRIGGER subjects_name_fts_update AFTER UPDATE OF name ON subjects BEGIN
    INSERT INTO subjects_name_fts (subjects_name_fts, rowid, name) VALUES ('delete', old.pk, old.name);
    INSERT INTO subjects_name_fts (rowid, name) VALUES (new.pk, new.name);
END;

CREATE TRIGGER subjects_name_fts_delete AFTER DELETE ON subjects BEGIN
    INSERT INTO subjects_name_fts (subjects_name_fts, rowid, name) VALUES ('delete', old.pk, old.name);
END;

-- Name matches are listed shortest name first, then by name and key: walking this index in order finds
-- the first ones without sorting every match (searches too short for trigrams, and very common ones).
CREATE INDEX subjects_by_name_length ON subjects (length(name), name);
