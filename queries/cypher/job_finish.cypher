// A job run's outcome (done or failed) and report (JSON text); also marks a stale run failed on takeover.
// params: pk, status, finished_at, report
MATCH (j:JobRun {pk: $pk})
SET j.status = $status, j.finished_at = $finished_at, j.report = $report
