// The entries of a preliminary list, as the graph part writes imported entries (draft, or revoked when refused
// by cross-comparison), linked to their subject, their identifying department and their list. $rows: [{pk,
// entry_id, subject_pk, subject_type, kind, list_type, department, basis, act_date, decided_on, valid_from,
// valid_to, status}] with dates as date values; pk taken from the 'entry' sequence by the caller.
// params: rows, list_pk
MATCH (pl:PreliminaryList {pk: $list_pk})
UNWIND $rows AS row
MATCH (s:Subject {pk: row.subject_pk})
CREATE (le:ListEntry {
  pk: row.pk,
  entry_id: row.entry_id,
  subject_pk: row.subject_pk,
  subject_type: row.subject_type,
  kind: row.kind,
  list_type: row.list_type,
  department: row.department,
  basis: row.basis,
  act_date: row.act_date,
  decided_on: row.decided_on,
  valid_from: row.valid_from,
  valid_to: row.valid_to,
  status: row.status
})
CREATE (le)-[:CONCERNS]->(s)
CREATE (le)-[:LISTED_IN]->(pl)
FOREACH (name IN CASE WHEN row.department IS NULL THEN [] ELSE [row.department] END |
  MERGE (dep:Department {name: name})
  CREATE (le)-[:IDENTIFIED_BY]->(dep)
)
RETURN count(*) AS written
