// Role edges where a subject of $pks is the holder or the enterprise, each once (an edge between two
// subjects of $pks, or from a subject to itself, too), by key: in force on $at when it is given
// (start <= $at <= end, a missing start or end open), of the roles $roles (role names) when given;
// then $offset skipped and at most $limit returned ($limit null: all).
// params: pks, at, roles, offset, limit
UNWIND $pks AS pk
MATCH (:Subject {pk: pk})-[r:LEGAL_REPRESENTATIVE|PRINCIPAL|DIRECTLY_RESPONSIBLE|ACTUAL_CONTROLLER|SHAREHOLDER|BRANCH_OF]-(:Subject)
WHERE ($at IS NULL OR ((r.start IS NULL OR r.start <= $at) AND (r.end IS NULL OR r.end >= $at)))
  AND ($roles IS NULL OR r.role IN $roles)
WITH DISTINCT r
RETURN {pk: r.pk, holder_pk: startNode(r).pk, enterprise_pk: endNode(r).pk, role: r.role, start: r.start,
        end: r.end, ratio: r.ratio} AS edge
ORDER BY r.pk
SKIP $offset
LIMIT coalesce($limit, 9223372036854775807)
