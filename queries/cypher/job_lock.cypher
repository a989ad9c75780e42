// Take the periodic job's lock: writing the one (:JobLock {name: 'job'}) node (MERGE under the job_lock_name
// constraint, then SET) holds its write lock until the transaction ends, so a second start_job waits here and
// then sees the first one's run (the embedded store's single writer, in Neo4j).
// params: now
MERGE (l:JobLock {name: 'job'})
SET l.taken_at = $now
RETURN l.name AS name
