-- Entries of preliminary lists with their publicity windows: those of one list (:list_pk), or, when
-- :due_before is set, the publicised ones whose window ended before that day — black ones first, so that a
-- black entry taking effect is propagated before the red candidates are cross-compared (R2). The other
-- parameter is NULL.
SELECT l.list_id,
       e.pk, e.entry_id, s.subject_type, s.code, s.name, e.kind, e.list_type, e.department, e.basis,
       e.act_date, e.decided_on, e.valid_from, e.valid_to, e.status, e.ended_on,
       p.publicity_from, p.publicity_to
FROM preliminary_entries AS p
JOIN preliminary_lists AS l ON l.pk = p.list_pk
JOIN list_entries AS e ON e.pk = p.entry_pk
JOIN subjects AS s ON s.pk = e.subject_pk
WHERE (:list_pk IS NULL OR p.list_pk = :list_pk)
  AND (:due_before IS NULL OR (p.publicity_to < :due_before AND e.status = 'publicised'))
ORDER BY CASE WHEN :due_before IS NOT NULL AND e.kind = 'red' THEN 1 ELSE 0 END, l.pk, e.entry_id
