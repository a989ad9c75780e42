// Loading list entries, step 2: create the new ones as effective (keys from the 'entry' sequence), linked to
// their subject and to their identifying department (merged by name). $rows: [{pk, entry_id, subject_pk,
// kind, list_type, department, basis, act_date, decided_on, valid_from, valid_to (dates or null)}].
// params: rows
UNWIND $rows AS row
MATCH (s:Subject {pk: row.subject_pk})
MERGE (dep:Department {name: row.department})
CREATE (le:ListEntry {pk: row.pk, entry_id: row.entry_id, subject_pk: s.pk, subject_type: s.subject_type,
        kind: row.kind, list_type: row.list_type, department: row.department, basis: row.basis,
        act_date: row.act_date, decided_on: row.decided_on, valid_from: row.valid_from,
        valid_to: row.valid_to, status: 'effective'})
CREATE (le)-[:CONCERNS]->(s)
CREATE (le)-[:IDENTIFIED_BY]->(dep)
