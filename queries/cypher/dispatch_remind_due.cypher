// Dispatches to remind on $on: past their due day, without feedback, and not reminded after $since.
// params: on, since
MATCH (d:Dispatch)
WHERE d.due_on < $on
  AND NOT EXISTS { (d)-[:HAS_FEEDBACK]->(:Feedback) }
  AND NOT EXISTS { MATCH (d)-[:REMINDED]->(r:Reminder) WHERE r.reminded_on > $since }
RETURN d.pk AS dispatch_pk, d.department AS department
ORDER BY dispatch_pk
