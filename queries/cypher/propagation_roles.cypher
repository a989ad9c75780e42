// Person-held role edges (every role but branch_of) of the enterprises that have propagating black entries
// in $scope (or all when null). As queries/sql/propagation_roles.sql.
// params: scope, statuses
MATCH (le:ListEntry)-[:CONCERNS]->(e:Enterprise)
WHERE le.kind = 'black'
  AND le.status IN $statuses
  AND ($scope IS NULL OR le.pk IN $scope)
WITH DISTINCT e
MATCH (p:Person)-[r:LEGAL_REPRESENTATIVE|PRINCIPAL|DIRECTLY_RESPONSIBLE|ACTUAL_CONTROLLER|SHAREHOLDER]->(e)
RETURN r.pk AS role_pk, p.pk AS person_pk, e.pk AS enterprise_pk, r.role AS role, r.start AS start_date,
       r.end AS end_date
ORDER BY role_pk
