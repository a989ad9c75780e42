// A job run, running.
// params: pk, started_at, run_on
CREATE (j:JobRun {pk: $pk, started_at: $started_at, run_on: $run_on, status: 'running'})
RETURN j.pk AS pk
