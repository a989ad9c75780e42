// Append events to entries' histories (R1). $rows: [{pk, entry_pk, at, actor, action, reason, on (date or
// null), before, after (JSON text or null)}], pk taken from the 'event' sequence by the caller. Rows of
// entries that do not exist are skipped; the count says how many were written.
// params: rows
UNWIND $rows AS row
MATCH (le:ListEntry {pk: row.entry_pk})
CREATE (le)-[:HAS_EVENT]->(:EntryEvent {
  pk: row.pk,
  entry_pk: row.entry_pk,
  at: row.at,
  actor: row.actor,
  action: row.action,
  reason: row.reason,
  on: row.on,
  before: row.before,
  after: row.after
})
RETURN count(*) AS written
