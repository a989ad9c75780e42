// Measure applications already dispatched for the entries of $rows ([{entry_pk}]), with what says why one
// has ended on $at: the entry's state, whether it is suspended that day, whether the measure is still in
// the list that day (for its department) and still matches the entry's list type and kind. As
// queries/sql/dispatch_previous.sql.
// params: rows, at
UNWIND $rows AS row
MATCH (le:ListEntry {pk: row.entry_pk})
MATCH (a:MeasureApplication {entry_pk: le.pk})
RETURN a.pk AS application_pk, a.entry_pk AS entry_pk, a.subject_pk AS subject_pk, a.role_pk AS role_pk,
       a.measure_id AS measure_id, a.department AS department, a.entry_fp AS entry_fp,
       a.measure_fp AS measure_fp, a.path_fp AS path_fp, a.active AS active, a.ended_reason AS ended_reason,
       le.status AS entry_status, le.valid_to AS entry_valid_to, le.ended_on AS entry_ended_on,
       EXISTS {
         MATCH (z:Suspension {entry_pk: le.pk})
         WHERE z.from_date <= $at AND (z.to_date IS NULL OR z.to_date >= $at)
       } AS suspended,
       EXISTS {
         MATCH (m:Measure {measure_id: a.measure_id, implementing_department: a.department})
         WHERE (m.valid_from IS NULL OR m.valid_from <= $at) AND (m.valid_to IS NULL OR m.valid_to >= $at)
       } AS measure_listed,
       EXISTS {
         MATCH (m:Measure {measure_id: a.measure_id, implementing_department: a.department,
                           list_type: le.list_type, kind: le.kind})
         WHERE (m.valid_from IS NULL OR m.valid_from <= $at) AND (m.valid_to IS NULL OR m.valid_to >= $at)
       } AS measure_matches,
       a.dispatch_pk AS last_dispatch_pk
