// Loading persons, step 2: create the new ones (keys from the 'subject' sequence). $rows: [{pk, code, name}].
// params: rows
UNWIND $rows AS row
CREATE (:Subject:Person {pk: row.pk, subject_type: 'person', code: row.code, name: row.name})
