// Server-side propagation, swap: what the derived records of $scope (all when null) now are: how many,
// of how many entries, and how many derived measures they receive (the embedded store's derived_measures
// view: current black measures of the entry's list type whose target is the record's role).
// params: scope
MATCH (le:ListEntry)-[:DERIVES]->(d:DerivedRecord)
WHERE $scope IS NULL OR d.entry_pk IN $scope
WITH d, COUNT {
  MATCH (m:Measure)
  WHERE m.kind = le.kind AND m.valid_to IS NULL AND m.list_type = le.list_type AND m.target = d.role
} AS reached
RETURN count(d) AS records, count(DISTINCT d.entry_pk) AS entries, sum(reached) AS measures
