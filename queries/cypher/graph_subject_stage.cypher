// Loading enterprises or persons, step 1: the stored subject of $subject_type for each $rows code (pk null:
// none) and its fields, to tell inserted, updated and unchanged rows apart. $rows: [{code}].
// params: rows, subject_type
UNWIND $rows AS row
OPTIONAL MATCH (s:Subject {code: row.code})
WHERE s.subject_type = $subject_type
RETURN row.code AS code, s.pk AS pk,
       s {.name, .enterprise_kind, .enterprise_status, .region_code, .established} AS current
