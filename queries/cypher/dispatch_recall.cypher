// A revocation (误列) withdraws everything told before about the same application: each earlier dispatch
// not yet recalled gets recalled_by = the recall dispatch (row.pk).
// params: rows
UNWIND $rows AS row
MATCH (d:Dispatch {entry_pk: row.entry_pk})
WHERE d.subject_pk = row.subject_pk AND d.role_pk = row.role_pk AND d.measure_id = row.measure_id
  AND d.department = row.department AND d.pk < row.pk AND d.recalled_by IS NULL
SET d.recalled_by = row.pk
