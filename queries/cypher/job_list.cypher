// The latest job runs, newest first.
// params: limit
MATCH (j:JobRun)
RETURN j.pk AS pk, j.started_at AS started_at, j.finished_at AS finished_at, j.run_on AS run_on,
       j.status AS status, j.report AS report
ORDER BY j.pk DESC
LIMIT $limit
