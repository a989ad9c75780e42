// Notices published by a lifecycle step (exit, correction, apology, reclaim). $rows: [{pk, entry_pk, kind,
// published_on (date), text}], pk taken from the 'notice' sequence by the caller.
// params: rows
UNWIND $rows AS row
MATCH (le:ListEntry {pk: row.entry_pk})
CREATE (le)-[:HAS_NOTICE]->(:Notice {
  pk: row.pk,
  entry_pk: row.entry_pk,
  kind: row.kind,
  published_on: row.published_on,
  text: row.text
})
RETURN count(*) AS written
