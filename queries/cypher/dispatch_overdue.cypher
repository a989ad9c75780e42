// Dispatches without feedback whose due day is before $on (of $department, or all when null), oldest first.
// params: on, department, limit
MATCH (d:Dispatch)
WHERE d.due_on < $on AND ($department IS NULL OR d.department = $department)
  AND NOT EXISTS { (d)-[:HAS_FEEDBACK]->(:Feedback) }
RETURN d.pk AS pk
ORDER BY pk
LIMIT $limit
