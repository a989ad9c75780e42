// Black entries of enterprises that propagate (R3), in $scope (entry pks) or all when $scope is null;
// $statuses are the propagating statuses. As queries/sql/propagation_entries.sql.
// params: scope, statuses
MATCH (le:ListEntry)-[:CONCERNS]->(e:Enterprise)
WHERE le.kind = 'black'
  AND le.status IN $statuses
  AND ($scope IS NULL OR le.pk IN $scope)
RETURN le.pk AS entry_pk, e.pk AS enterprise_pk, le.list_type AS list_type, le.act_date AS act_date,
       le.valid_from AS valid_from, le.valid_to AS valid_to, le.ended_on AS ended_on
ORDER BY entry_pk
