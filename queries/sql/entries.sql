-- List entries by subject (:subject_pk), by entry id (:entry_id) or by key (:entry_pk); the others are NULL.
SELECT e.pk, e.entry_id, s.subject_type, s.code, s.name, e.kind, e.list_type, e.department, e.basis,
       e.act_date, e.decided_on, e.valid_from, e.valid_to, e.status, e.ended_on
FROM list_entries AS e
JOIN subjects AS s ON s.pk = e.subject_pk
WHERE e.subject_pk = :subject_pk OR e.entry_id = :entry_id OR e.pk = :entry_pk
ORDER BY e.valid_from, e.entry_id
