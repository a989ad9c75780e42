// Dispatches by pk ($pks), oldest first, with their entry id, newest feedback outcome and whether the
// department has acknowledged them (read past them in its feed, a delivered webhook, or any feedback), as
// queries/sql/dispatch_records.sql.
// params: pks
UNWIND $pks AS pk
MATCH (d:Dispatch {pk: pk})-[:ABOUT]->(le:ListEntry)
OPTIONAL MATCH (c:DepartmentCursor {department: d.department})
CALL (d) {
  OPTIONAL MATCH (d)-[:HAS_FEEDBACK]->(f:Feedback)
  WITH f
  ORDER BY f.pk DESC
  LIMIT 1
  RETURN f.outcome AS outcome
}
RETURN d.pk AS pk, d.run_pk AS run_pk, d.department AS department, d.action AS action, d.reason AS reason,
       d.recall AS recall, le.entry_id AS entry_id, d.measure_id AS measure_id, d.payload AS payload,
       d.created_at AS created_at, d.created_on AS created_on, d.due_on AS due_on,
       d.recalled_by AS recalled_by, outcome,
       (d.pk <= coalesce(c.acknowledged, 0)
        OR EXISTS { MATCH (o:Outbox)-[:DELIVERS]->(d) WHERE o.event = 'dispatch' AND o.delivered_at IS NOT NULL }
        OR EXISTS { (d)-[:HAS_FEEDBACK]->(:Feedback) }) AS acknowledged
ORDER BY pk
