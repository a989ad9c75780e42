-- Direct entries of a subject that apply on :at, with the measures aimed at the subject itself.
-- Measures are those in force on :at (R11: the version of the measures list in force that day).
-- Uses list_entries_by_subject and measures_by_list.
SELECT e.pk, e.entry_id, s.subject_type, s.code, s.name, e.kind, e.list_type, e.department, e.basis,
       e.act_date, e.decided_on, e.valid_from, e.valid_to, e.status, e.ended_on,
       m.measure_id, m.kind, m.list_type, m.target, m.content, m.initiating_department,
       m.implementing_department, m.legal_basis, m.business_items, m.sharing_method,
       EXISTS (SELECT 1 FROM entry_suspensions AS x
               WHERE x.entry_pk = e.pk AND x.from_date <= :at AND (x.to_date IS NULL OR x.to_date >= :at))
FROM list_entries AS e
JOIN subjects AS s ON s.pk = e.subject_pk
LEFT JOIN measures AS m ON m.list_type = e.list_type AND m.kind = e.kind AND m.target = 'subject'
     AND m.valid_from <= :at AND (m.valid_to IS NULL OR m.valid_to >= :at)
WHERE e.subject_pk = :subject_pk
  AND e.status IN ('effective', 'under_verification', 'expired', 'repaired', 'removed')
  AND (e.ended_on IS NULL OR e.ended_on > :at)
  AND e.valid_from <= :at
  AND (e.valid_to IS NULL OR e.valid_to >= :at)
ORDER BY e.kind, e.entry_id, m.measure_id
