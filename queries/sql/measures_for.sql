-- The current measures (the newest published version, or the imported list) of a list type and kind.
SELECT m.measure_id, m.kind, m.list_type, m.target, m.content, m.initiating_department,
       m.implementing_department, m.legal_basis, m.business_items, m.sharing_method
FROM measures AS m
WHERE m.list_type = :list_type AND m.kind = :kind AND m.valid_to IS NULL
ORDER BY m.target, m.measure_id
