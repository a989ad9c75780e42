// Loading list entries, step 3: overwrite the imported fields of changed entries (never status or ended_on),
// moving the CONCERNS and IDENTIFIED_BY edges to the subject and department named now. $rows: as for
// graph_entry_insert.
// params: rows
UNWIND $rows AS row
MATCH (le:ListEntry {pk: row.pk})
MATCH (s:Subject {pk: row.subject_pk})
MERGE (dep:Department {name: row.department})
SET le.subject_pk = s.pk,
    le.subject_type = s.subject_type,
    le.kind = row.kind,
    le.list_type = row.list_type,
    le.department = row.department,
    le.basis = row.basis,
    le.act_date = row.act_date,
    le.decided_on = row.decided_on,
    le.valid_from = row.valid_from,
    le.valid_to = row.valid_to
WITH le, s, dep
CALL (le) {
  OPTIONAL MATCH (le)-[old:CONCERNS|IDENTIFIED_BY]->()
  DELETE old
}
CREATE (le)-[:CONCERNS]->(s)
CREATE (le)-[:IDENTIFIED_BY]->(dep)
