// The keys of the subjects named by a preliminary list's rows. $rows: [{code, subject_type}]; a subject not
// found has no row.
// params: rows
UNWIND $rows AS row
MATCH (s:Subject {code: row.code, subject_type: row.subject_type})
RETURN s.code AS code, s.subject_type AS subject_type, s.pk AS pk
