// Set an entry's replayable fields to the state after a lifecycle step (dates as date values, null removes
// an open date) and keep its identifying department's edge in step with a corrected department.
// params: entry_pk, status, ended_on, list_type, department, basis, act_date, decided_on, valid_from, valid_to
MATCH (le:ListEntry {pk: $entry_pk})
SET le.status = $status,
    le.ended_on = $ended_on,
    le.list_type = $list_type,
    le.department = $department,
    le.basis = $basis,
    le.act_date = $act_date,
    le.decided_on = $decided_on,
    le.valid_from = $valid_from,
    le.valid_to = $valid_to
WITH le
CALL (le) {
  MATCH (le)-[old:IDENTIFIED_BY]->(dep:Department)
  WHERE $department IS NULL OR dep.name <> $department
  DELETE old
}
FOREACH (name IN CASE WHEN $department IS NULL THEN [] ELSE [$department] END |
  MERGE (dep:Department {name: name})
  MERGE (le)-[:IDENTIFIED_BY]->(dep)
)
RETURN le.pk AS pk
