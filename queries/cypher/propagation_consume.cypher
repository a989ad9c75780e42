// Take queued changes up to $seq off the queue: all of them (full run, $scope null) or those of $scope.
// params: seq, scope
MATCH (c:Change)
WHERE c.seq <= $seq AND ($scope IS NULL OR c.entry_pk IN $scope)
DELETE c
