// Lock an entry for a lifecycle step and read its replayable fields (graph.lifecycle.STATE_FIELDS). Writing
// `lock` takes the entry's write lock until the transaction ends (it is removed again at once), and the fields
// are read after it: a concurrent step of the same entry waits, then sees this one's result (no lost update,
// as the embedded store's single writer guarantees). No row: no such entry.
// params: entry_pk
MATCH (le:ListEntry {pk: $entry_pk})
SET le.lock = true
REMOVE le.lock
WITH le
RETURN le.status AS status, le.ended_on AS ended_on, le.list_type AS list_type, le.department AS department,
       le.basis AS basis, le.act_date AS act_date, le.decided_on AS decided_on, le.valid_from AS valid_from,
       le.valid_to AS valid_to
