-- Derived records of a person that apply on :at, each with its path (entry -> enterprise -> role edge)
-- and the measures aimed at the role in force on :at (R11). Uses derived_by_person, then primary keys
-- and measures_by_list.
SELECT e.pk, e.entry_id, s.subject_type, s.code, s.name, e.kind, e.list_type, e.department, e.basis,
       e.act_date, e.decided_on, e.valid_from, e.valid_to, e.status, e.ended_on,
       r.pk, h.subject_type, h.code, h.name, s.code, s.name, r.role, r.start_date, r.end_date, r.ratio,
       d.holder_basis, d.valid_from, d.valid_to,
       m.measure_id, m.kind, m.list_type, m.target, m.content, m.initiating_department,
       m.implementing_department, m.legal_basis, m.business_items, m.sharing_method,
       EXISTS (SELECT 1 FROM entry_suspensions AS x
               WHERE x.entry_pk = e.pk AND x.from_date <= :at AND (x.to_date IS NULL OR x.to_date >= :at))
FROM derived_records AS d
JOIN list_entries AS e ON e.pk = d.entry_pk
JOIN subjects AS s ON s.pk = d.enterprise_pk
JOIN roles AS r ON r.pk = d.role_pk
JOIN subjects AS h ON h.pk = d.person_pk
LEFT JOIN measures AS m ON m.list_type = e.list_type AND m.kind = e.kind AND m.target = d.role
     AND m.valid_from <= :at AND (m.valid_to IS NULL OR m.valid_to >= :at)
WHERE d.person_pk = :person_pk
  AND d.valid_from <= :at
  AND (d.valid_to IS NULL OR d.valid_to >= :at)
  AND e.status IN ('effective', 'under_verification', 'expired', 'repaired', 'removed')
  AND (e.ended_on IS NULL OR e.ended_on > :at)
ORDER BY e.entry_id, r.pk, m.measure_id
