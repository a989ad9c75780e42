-- The direct check rows (check_direct.sql, same conditions and columns after the subject key) of every
-- subject on :at whose entry is black and whose measure covers the business item :item: a measure naming
-- no item covers every item, otherwise :item must be one of its ';'-separated items (:item is NULL when
-- it cannot be one: empty or holding ';'). Ordered by subject, entry, measure id.
SELECT e.subject_pk,
       e.pk, e.entry_id, s.subject_type, s.code, s.name, e.kind, e.list_type, e.department, e.basis,
       e.act_date, e.decided_on, e.valid_from, e.valid_to, e.status, e.ended_on,
       m.measure_id, m.kind, m.list_type, m.target, m.content, m.initiating_department,
       m.implementing_department, m.legal_basis, m.business_items, m.sharing_method,
       EXISTS (SELECT 1 FROM entry_suspensions AS x
               WHERE x.entry_pk = e.pk AND x.from_date <= :at AND (x.to_date IS NULL OR x.to_date >= :at))
FROM list_entries AS e
JOIN subjects AS s ON s.pk = e.subject_pk
JOIN measures AS m ON m.list_type = e.list_type AND m.kind = e.kind AND m.target = 'subject'
     AND m.valid_from <= :at AND (m.valid_to IS NULL OR m.valid_to >= :at)
WHERE e.kind = 'black'
  AND e.status IN ('effective', 'under_verification', 'expired', 'repaired', 'removed')
  AND (e.ended_on IS NULL OR e.ended_on > :at)
  AND e.valid_from <= :at
  AND (e.valid_to IS NULL OR e.valid_to >= :at)
  AND (replace(m.business_items, ';', '') = ''
       OR instr(';' || m.business_items || ';', ';' || :item || ';') > 0)
ORDER BY e.subject_pk, e.pk, m.measure_id
