// The list entries of subject $subject_pk, by valid_from then entry id.
// params: subject_pk
MATCH (s:Subject {pk: $subject_pk})<-[:CONCERNS]-(le:ListEntry)
RETURN le {.*, subject_code: s.code, subject_name: s.name} AS entry
ORDER BY le.valid_from, le.entry_id
