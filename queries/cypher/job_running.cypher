// The latest job run still marked running, if any, with the report that names its process.
// params:
MATCH (j:JobRun {status: 'running'})
RETURN j.pk AS pk, j.started_at AS started_at, j.report AS report
ORDER BY j.pk DESC
LIMIT 1
