// Loading persons, step 3: rename the changed ones by key. $rows: [{pk, name}].
// params: rows
UNWIND $rows AS row
MATCH (s:Person {pk: row.pk})
SET s.name = row.name
