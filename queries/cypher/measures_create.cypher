// Create current forms of measures, one per row of $rows: [{pk, measure_id, version, valid_from (date or
// null: since ever), kind, list_type, target, content, initiating_department, implementing_department,
// legal_basis, business_items (list), sharing_method}], linked to their departments.
// params: rows
UNWIND $rows AS row
CREATE (m:Measure {
  pk: row.pk,
  measure_id: row.measure_id,
  version: row.version,
  valid_from: row.valid_from,
  current: true,
  kind: row.kind,
  list_type: row.list_type,
  target: row.target,
  content: row.content,
  initiating_department: row.initiating_department,
  implementing_department: row.implementing_department,
  legal_basis: row.legal_basis,
  business_items: row.business_items,
  sharing_method: row.sharing_method
})
MERGE (implementing:Department {name: row.implementing_department})
MERGE (initiating:Department {name: row.initiating_department})
MERGE (m)-[:IMPLEMENTED_BY]->(implementing)
MERGE (m)-[:INITIATED_BY]->(initiating)
