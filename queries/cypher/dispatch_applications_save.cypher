// The new state of measure applications after a run: a new one (fresh pk) or an existing one (its pk), with
// what was told (fingerprints), whether it is active, why it ended and its newest dispatch.
// params: rows
UNWIND $rows AS row
MERGE (a:MeasureApplication {pk: row.pk})
SET a.entry_pk = row.entry_pk,
    a.subject_pk = row.subject_pk,
    a.role_pk = row.role_pk,
    a.measure_id = row.measure_id,
    a.department = row.department,
    a.entry_fp = row.entry_fp,
    a.measure_fp = row.measure_fp,
    a.path_fp = row.path_fp,
    a.active = row.active,
    a.ended_reason = row.ended_reason,
    a.dispatch_pk = row.dispatch_pk
