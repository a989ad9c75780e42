-- The whole measures list as version :version published it (R4): the rows that version brought or kept,
-- each with the version that brought it and the days it is (was) in force.
SELECT m.measure_id, m.kind, m.list_type, m.target, m.content, m.initiating_department,
       m.implementing_department, m.legal_basis, m.business_items, m.sharing_method,
       m.version, m.valid_from, m.valid_to
FROM measures AS m
WHERE m.version <= :version
  AND (m.retired_in IS NULL OR m.retired_in > :version)
ORDER BY m.measure_id
