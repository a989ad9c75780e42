-- What the check rows of each subject of :subjects (a JSON array of keys) on :at imply for its badges,
-- one row per applying entry: (subject, entry kind, derived, suspended). The conditions are exactly those
-- of check_direct.sql (the subject's own entries) and check_derived.sql (derived records reaching it);
-- measures do not matter here, since an entry applies with or without one. Uses list_entries_by_subject,
-- derived_by_person and entry_suspensions_by_entry.
SELECT e.subject_pk, e.kind, 0,
       EXISTS (SELECT 1 FROM entry_suspensions AS x
               WHERE x.entry_pk = e.pk AND x.from_date <= :at AND (x.to_date IS NULL OR x.to_date >= :at))
FROM list_entries AS e
WHERE e.subject_pk IN (SELECT value FROM json_each(:subjects))
  AND e.status IN ('effective', 'under_verification', 'expired', 'repaired', 'removed')
  AND (e.ended_on IS NULL OR e.ended_on > :at)
  AND e.valid_from <= :at
  AND (e.valid_to IS NULL OR e.valid_to >= :at)
UNION ALL
SELECT d.person_pk, e.kind, 1,
       EXISTS (SELECT 1 FROM entry_suspensions AS x
               WHERE x.entry_pk = e.pk AND x.from_date <= :at AND (x.to_date IS NULL OR x.to_date >= :at))
FROM derived_records AS d
JOIN list_entries AS e ON e.pk = d.entry_pk
WHERE d.person_pk IN (SELECT value FROM json_each(:subjects))
  AND d.valid_from <= :at
  AND (d.valid_to IS NULL OR d.valid_to >= :at)
  AND e.status IN ('effective', 'under_verification', 'expired', 'repaired', 'removed')
  AND (e.ended_on IS NULL OR e.ended_on > :at)
