// Server-side propagation, last step (also after a failure): delete run $run's staging, in batches.
// params: run, batch
MATCH (s:DerivedStaging {run: $run})
CALL (s) {
  DELETE s
} IN TRANSACTIONS OF $batch ROWS
