// For each subject of $pks, how many role edges explore_role_edges would return for it alone with the same
// $at and $roles (an edge from the subject to itself once); subjects with none give no row.
// params: pks, at, roles
UNWIND $pks AS pk
MATCH (s:Subject {pk: pk})-[r:LEGAL_REPRESENTATIVE|PRINCIPAL|DIRECTLY_RESPONSIBLE|ACTUAL_CONTROLLER|SHAREHOLDER|BRANCH_OF]-(:Subject)
WHERE ($at IS NULL OR ((r.start IS NULL OR r.start <= $at) AND (r.end IS NULL OR r.end >= $at)))
  AND ($roles IS NULL OR r.role IN $roles)
RETURN s.pk AS pk, count(DISTINCT r) AS degree
