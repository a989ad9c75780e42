-- The derived check rows (check_derived.sql, same conditions and columns after the person key) of every
-- person on :at whose entry is black and whose measure covers the business item :item (as in
-- explore_restricted_direct.sql). Ordered by person, entry, role edge, measure id.
SELECT d.person_pk,
       e.pk, e.entry_id, s.subject_type, s.code, s.name, e.kind, e.list_type, e.department, e.basis,
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
JOIN measures AS m ON m.list_type = e.list_type AND m.kind = e.kind AND m.target = d.role
     AND m.valid_from <= :at AND (m.valid_to IS NULL OR m.valid_to >= :at)
WHERE e.kind = 'black'
  AND d.valid_from <= :at
  AND (d.valid_to IS NULL OR d.valid_to >= :at)
  AND e.status IN ('effective', 'under_verification', 'expired', 'repaired', 'removed')
  AND (e.ended_on IS NULL OR e.ended_on > :at)
  AND (replace(m.business_items, ';', '') = ''
       OR instr(';' || m.business_items || ';', ';' || :item || ';') > 0)
ORDER BY d.person_pk, e.pk, r.pk, m.measure_id
