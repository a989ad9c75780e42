// Trigger–feedback statistics (§八(三)) per department, or per department and measure when $by_measure:
// dispatched, acknowledged, answered by newest outcome, unanswered, and overdue on $on. As
// queries/sql/dispatch_stats.sql.
// params: on, by_measure
MATCH (d:Dispatch)
OPTIONAL MATCH (c:DepartmentCursor {department: d.department})
CALL (d) {
  OPTIONAL MATCH (d)-[:HAS_FEEDBACK]->(f:Feedback)
  WITH f
  ORDER BY f.pk DESC
  LIMIT 1
  RETURN f.outcome AS outcome
}
WITH d, outcome,
     (d.pk <= coalesce(c.acknowledged, 0)
      OR outcome IS NOT NULL
      OR EXISTS { MATCH (o:Outbox)-[:DELIVERS]->(d) WHERE o.event = 'dispatch' AND o.delivered_at IS NOT NULL })
       AS acknowledged
WITH d.department AS department, CASE WHEN $by_measure THEN d.measure_id ELSE null END AS measure_id,
     d, outcome, acknowledged
RETURN department, measure_id,
       count(d) AS dispatched,
       sum(CASE WHEN acknowledged THEN 1 ELSE 0 END) AS acknowledged,
       sum(CASE WHEN outcome = 'applied' THEN 1 ELSE 0 END) AS applied,
       sum(CASE WHEN outcome = 'not_applicable' THEN 1 ELSE 0 END) AS not_applicable,
       sum(CASE WHEN outcome = 'failed' THEN 1 ELSE 0 END) AS failed,
       sum(CASE WHEN outcome IS NULL THEN 1 ELSE 0 END) AS unanswered,
       sum(CASE WHEN outcome IS NULL AND d.due_on < $on THEN 1 ELSE 0 END) AS overdue
ORDER BY department, measure_id
