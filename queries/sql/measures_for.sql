SELECT m.measure_id, m.kind, m.list_type, m.target, m.content, m.initiating_department,
       m.implementing_department, m.legal_basis, m.business_items, m.sharing_method
FROM measures AS m
WHERE m.list_type = :list_type AND m.kind = :kind
ORDER BY m.target, m.measure_id
