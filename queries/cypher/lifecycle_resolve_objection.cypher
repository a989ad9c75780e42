// Give the entry's open objection its outcome ($status) and end its open suspension on $until (the day before
// the step). The caller holds the entry's lock (lifecycle_entry_state).
// params: entry_pk, status, on, actor, reason, until
MATCH (le:ListEntry {pk: $entry_pk})
CALL (le) {
  MATCH (le)-[:HAS_OBJECTION]->(o:Objection)
  WHERE o.status = 'open'
  SET o.status = $status, o.resolved_on = $on, o.resolved_by = $actor, o.resolution = $reason
}
CALL (le) {
  MATCH (le)-[:SUSPENDED]->(s:Suspension)
  WHERE s.to_date IS NULL
  SET s.to_date = $until
}
RETURN le.pk AS pk
