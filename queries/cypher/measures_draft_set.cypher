// Put new forms of measures in the draft (added or changed), one per row of $rows:
// [{measure_id, kind, list_type, target, content, initiating_department, implementing_department,
//   legal_basis, business_items (list), sharing_method, changed_at, changed_by}].
// params: rows
UNWIND $rows AS row
MERGE (d:MeasureDraft {measure_id: row.measure_id})
SET d.action = 'set',
    d.kind = row.kind,
    d.list_type = row.list_type,
    d.target = row.target,
    d.content = row.content,
    d.initiating_department = row.initiating_department,
    d.implementing_department = row.implementing_department,
    d.legal_basis = row.legal_basis,
    d.business_items = row.business_items,
    d.sharing_method = row.sharing_method,
    d.changed_at = row.changed_at,
    d.changed_by = row.changed_by
