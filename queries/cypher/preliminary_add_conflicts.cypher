// Cross-comparison conflicts of red candidates, found on a day at a stage (submit, publicise, take_effect).
// $rows: [{pk, entry_id, black_entry_id, firm_code, firm_name, person_code, person_name, role, found_on (date),
// stage}], pk taken from the 'conflict' sequence; a row whose candidate entry does not exist is skipped, as the
// embedded store's INSERT … SELECT does.
// params: rows
UNWIND $rows AS row
MATCH (le:ListEntry {entry_id: row.entry_id})
CREATE (le)-[:HAS_CONFLICT]->(:Conflict {
  pk: row.pk,
  entry_pk: le.pk,
  black_entry_id: row.black_entry_id,
  firm_code: row.firm_code,
  firm_name: row.firm_name,
  person_code: row.person_code,
  person_name: row.person_name,
  role: row.role,
  found_on: row.found_on,
  stage: row.stage
})
RETURN count(*) AS written
