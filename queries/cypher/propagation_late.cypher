// Entries of $scope (all when null) changed after the run read its inputs (seq above $read_seq).
// params: read_seq, scope
MATCH (c:Change)
WHERE c.seq > $read_seq AND ($scope IS NULL OR c.entry_pk IN $scope)
RETURN DISTINCT c.entry_pk AS entry_pk
ORDER BY entry_pk
