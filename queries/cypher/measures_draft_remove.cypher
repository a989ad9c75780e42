// The draft removes measure $measure_id from the list (replacing any new form the draft held for it).
// params: measure_id, changed_at, changed_by
MERGE (d:MeasureDraft {measure_id: $measure_id})
SET d.action = 'remove',
    d.changed_at = $changed_at,
    d.changed_by = $changed_by
REMOVE d.kind, d.list_type, d.target, d.content, d.initiating_department, d.implementing_department,
       d.legal_basis, d.business_items, d.sharing_method
