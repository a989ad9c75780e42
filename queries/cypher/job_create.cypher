// A job run, running; its report names the process that holds it until the run's own report replaces it.
// params: pk, started_at, run_on, report
CREATE (j:JobRun {pk: $pk, started_at: $started_at, run_on: $run_on, status: 'running', report: $report})
RETURN j.pk AS pk
