// Update the current forms of measures in place (an import before the first publication maintains version
// 0), one per row of $rows (the fields of measures_create without pk, version, valid_from); the department
// edges are drawn again.
// params: rows
UNWIND $rows AS row
MATCH (m:Measure {measure_id: row.measure_id})
  WHERE m.current = true
SET m.kind = row.kind,
    m.list_type = row.list_type,
    m.target = row.target,
    m.content = row.content,
    m.initiating_department = row.initiating_department,
    m.implementing_department = row.implementing_department,
    m.legal_basis = row.legal_basis,
    m.business_items = row.business_items,
    m.sharing_method = row.sharing_method
WITH m, row
CALL (m) {
  MATCH (m)-[old:IMPLEMENTED_BY|INITIATED_BY]->(:Department)
  DELETE old
}
MERGE (implementing:Department {name: row.implementing_department})
MERGE (initiating:Department {name: row.initiating_department})
MERGE (m)-[:IMPLEMENTED_BY]->(implementing)
MERGE (m)-[:INITIATED_BY]->(initiating)
