-- The measures in force on :at (R4, R11): the rows whose validity covers the day ('' = since ever).
SELECT m.measure_id, m.kind, m.list_type, m.target, m.content, m.initiating_department,
       m.implementing_department, m.legal_basis, m.business_items, m.sharing_method,
       m.version, m.valid_from, m.valid_to
FROM measures AS m
WHERE m.valid_from <= :at
  AND (m.valid_to IS NULL OR m.valid_to >= :at)
ORDER BY m.measure_id
