-- Everything the check reads for a subject on :at, in one statement: part 0, its own entries that apply;
-- part 1, its derived records that apply (a person's), each with its path (entry -> enterprise -> role
-- edge). Each row ends with the target its measures are aimed at ('subject', or the derived record's role)
-- and whether the entry is under verification of an objection on :at (R5). Part 0 is ordered by kind and
-- entry, part 1 by entry and role edge (columns 1-2 are the sort keys of each part).
-- The measures in force on :at (R11) are not joined here: the measures list is small and changes only by
-- publication, so SQLiteStore.check_rows keeps it in memory per connection, read again after any commit
-- (PRAGMA data_version), and picks them by (list_type, kind, target) ordered by measure id.
-- One statement instead of check_direct + check_derived: a statement per check is the cost that counts.
-- Uses list_entries_by_subject (on subject_pk alone: ``+e.status`` keeps the IN list a filter, not five
-- probes), derived_by_person and primary keys.
SELECT 0, e.kind, e.entry_id,
       e.pk, e.entry_id, s.subject_type, s.code, s.name, e.kind, e.list_type, e.department, e.basis,
       e.act_date, e.decided_on, e.valid_from, e.valid_to, e.status, e.ended_on,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       'subject',
       EXISTS (SELECT 1 FROM entry_suspensions AS x
               WHERE x.entry_pk = e.pk AND x.from_date <= :at AND (x.to_date IS NULL OR x.to_date >= :at))
FROM list_entries AS e
JOIN subjects AS s ON s.pk = e.subject_pk
WHERE e.subject_pk = :subject_pk
  AND +e.status IN ('effective', 'under_verification', 'expired', 'repaired', 'removed')
  AND (e.ended_on IS NULL OR e.ended_on > :at)
  AND e.valid_from <= :at
  AND (e.valid_to IS NULL OR e.valid_to >= :at)
UNION ALL
SELECT 1, e.entry_id, r.pk,
       e.pk, e.entry_id, s.subject_type, s.code, s.name, e.kind, e.list_type, e.department, e.basis,
       e.act_date, e.decided_on, e.valid_from, e.valid_to, e.status, e.ended_on,
       r.pk, h.subject_type, h.code, h.name, s.code, s.name, r.role, r.start_date, r.end_date, r.ratio,
       d.holder_basis, d.valid_from, d.valid_to,
       d.role,
       EXISTS (SELECT 1 FROM entry_suspensions AS x
               WHERE x.entry_pk = e.pk AND x.from_date <= :at AND (x.to_date IS NULL OR x.to_date >= :at))
FROM derived_records AS d
JOIN list_entries AS e ON e.pk = d.entry_pk
JOIN subjects AS s ON s.pk = d.enterprise_pk
JOIN roles AS r ON r.pk = d.role_pk
JOIN subjects AS h ON h.pk = d.person_pk
WHERE d.person_pk = :subject_pk
  AND d.valid_from <= :at
  AND (d.valid_to IS NULL OR d.valid_to >= :at)
  AND e.status IN ('effective', 'under_verification', 'expired', 'repaired', 'removed')
  AND (e.ended_on IS NULL OR e.ended_on > :at)
ORDER BY 1, 2, 3
