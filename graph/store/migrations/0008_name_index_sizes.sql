-- The trigram index of names keeps no per-row token counts (FTS5 columnsize=0). They serve only ranking
-- functions (bm25 and the like), which the search does not use: it asks the index which rows may hold a
-- part of a name (LIKE) and orders the matches itself. Without them a load writes one row fewer per
-- subject (2.2M at city scale: about 40% of the index's build time) and the file is smaller. Same
-- external-content table, tokenizer and triggers as migration 0006; the index is rebuilt from the names.
DROP TRIGGER subjects_name_fts_insert;
DROP TRIGGER subjects_name_fts_update;
DROP TRIGGER subjects_name_fts_delete;
DROP TABLE subjects_name_fts;

CREATE VIRTUAL TABLE subjects_name_fts USING fts5 (
    name,
    content = 'subjects',
    content_rowid = 'pk',
    tokenize = 'trigram',
    detail = none,
    columnsize = 0
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
