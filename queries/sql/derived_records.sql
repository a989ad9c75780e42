-- Derived records with their paths, for one person (:person_pk) or one entry (:entry_pk); the other is NULL.
SELECT e.pk, e.entry_id, s.subject_type, s.code, s.name, e.kind, e.list_type, e.department, e.basis,
       e.act_date, e.decided_on, e.valid_from, e.valid_to, e.status, e.ended_on,
       r.pk, h.subject_type, h.code, h.name, s.code, s.name, r.role, r.start_date, r.end_date, r.ratio,
       d.holder_basis, d.valid_from, d.valid_to
FROM derived_records AS d
JOIN list_entries AS e ON e.pk = d.entry_pk
JOIN subjects AS s ON s.pk = d.enterprise_pk
JOIN roles AS r ON r.pk = d.role_pk
JOIN subjects AS h ON h.pk = d.person_pk
WHERE d.person_pk = :person_pk OR d.entry_pk = :entry_pk
ORDER BY e.valid_from, e.entry_id, r.pk
