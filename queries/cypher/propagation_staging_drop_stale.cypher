// Server-side propagation, first step: delete staging left by runs that started before $stale_before (a run
// that died; a younger one may still be running), in batches.
// params: stale_before, batch
MATCH (s:DerivedStaging)
WHERE s.staged_at < $stale_before
CALL (s) {
  DELETE s
} IN TRANSACTIONS OF $batch ROWS
