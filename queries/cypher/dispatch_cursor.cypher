// A department asked for what comes after $after: it has received everything up to there. Its cursor
// becomes the highest of what it had and min($after, its highest dispatch pk, 0 if none) — created even when
// it has no dispatch yet, as in the embedded store.
// params: department, after, at
OPTIONAL MATCH (d:Dispatch {department: $department})
WITH coalesce(max(d.pk), 0) AS top
MERGE (c:DepartmentCursor {department: $department})
  ON CREATE SET c.acknowledged = 0
WITH c, CASE WHEN $after < top THEN $after ELSE top END AS seen
SET c.acknowledged = CASE WHEN c.acknowledged > seen THEN c.acknowledged ELSE seen END,
    c.updated_at = $at
