// Server-side propagation, swap (one write transaction with the other propagation_swap_* queries): delete
// the derived records of $scope (all when null) that run $run did not stage, except those of the $late
// entries (changed since the run read: they keep their records and stay queued).
// params: run, scope, late
MATCH (d:DerivedRecord)
WHERE ($scope IS NULL OR d.entry_pk IN $scope)
  AND NOT d.entry_pk IN $late
  AND NOT EXISTS { MATCH (s:DerivedStaging {run: $run, entry_pk: d.entry_pk, role_pk: d.role_pk}) }
DETACH DELETE d
RETURN count(*) AS removed
