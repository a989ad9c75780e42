// The department's dispatch pks after its cursor $after, oldest first, at most $limit.
// params: department, after, limit
MATCH (d:Dispatch {department: $department})
WHERE d.pk > $after
RETURN d.pk AS pk
ORDER BY pk
LIMIT $limit
