// The latest job run still marked running, if any.
// params:
MATCH (j:JobRun {status: 'running'})
RETURN j.pk AS pk, j.started_at AS started_at
ORDER BY j.pk DESC
LIMIT 1
