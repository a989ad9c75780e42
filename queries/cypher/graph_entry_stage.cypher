// Loading list entries, step 1: for each $rows entry id, the subject named (by code and type; null: none)
// and the stored entry's compared fields (null: new entry). $rows: [{entry_id, subject_code, subject_type}].
// params: rows
UNWIND $rows AS row
OPTIONAL MATCH (s:Subject)
WHERE s.code = row.subject_code AND s.subject_type = row.subject_type
OPTIONAL MATCH (le:ListEntry {entry_id: row.entry_id})
RETURN row.entry_id AS entry_id, s.pk AS subject_pk,
       le {.pk, .subject_pk, .kind, .list_type, .department, .basis, .act_date, .decided_on, .valid_from,
           .valid_to} AS current
