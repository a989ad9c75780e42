-- What is in publicity (公示) on :at: publicised entries whose window holds :at, newest window first
-- (publicity_from, then entry_id, both descending), one keyset page after (:after_from, :after_id) when set.
SELECT l.list_id,
       e.pk, e.entry_id, s.subject_type, s.code, s.name, e.kind, e.list_type, e.department, e.basis,
       e.act_date, e.decided_on, e.valid_from, e.valid_to, e.status, e.ended_on,
       p.publicity_from, p.publicity_to
FROM preliminary_entries AS p
JOIN preliminary_lists AS l ON l.pk = p.list_pk
JOIN list_entries AS e ON e.pk = p.entry_pk
JOIN subjects AS s ON s.pk = e.subject_pk
WHERE e.status = 'publicised'
  AND p.publicity_from <= :at AND p.publicity_to >= :at
  AND (:after_from IS NULL
       OR p.publicity_from < :after_from
       OR (p.publicity_from = :after_from AND e.entry_id < :after_id))
ORDER BY p.publicity_from DESC, e.entry_id DESC
LIMIT :limit
