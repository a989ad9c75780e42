-- Measure applications already dispatched for the entries in temp.dispatch_scope, with what is needed
-- to say why one has ended: the entry's state on :at and whether its measure is still in the list.
-- CROSS JOIN keeps SQLite driving from the scope through measure_applications' (entry_pk, …) key.
SELECT a.pk, a.entry_pk, a.subject_pk, a.role_pk, a.measure_id, a.department, a.entry_fp, a.measure_fp,
       a.path_fp, a.active, a.ended_reason, e.status, e.valid_to, e.ended_on,
       EXISTS (SELECT 1 FROM entry_suspensions AS x
               WHERE x.entry_pk = e.pk AND x.from_date <= :at AND (x.to_date IS NULL OR x.to_date >= :at)),
       EXISTS (SELECT 1 FROM measures AS m
               WHERE m.measure_id = a.measure_id AND m.implementing_department = a.department
                 AND m.valid_from <= :at AND (m.valid_to IS NULL OR m.valid_to >= :at)),
       EXISTS (SELECT 1 FROM measures AS m
               WHERE m.measure_id = a.measure_id AND m.implementing_department = a.department
                 AND m.list_type = e.list_type AND m.kind = e.kind
                 AND m.valid_from <= :at AND (m.valid_to IS NULL OR m.valid_to >= :at)),
       a.dispatch_pk
FROM temp.dispatch_scope AS sc
CROSS JOIN measure_applications AS a ON a.entry_pk = sc.entry_pk
JOIN list_entries AS e ON e.pk = a.entry_pk
