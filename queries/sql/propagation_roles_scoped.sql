-- Person-held role edges of the enterprises whose propagating black entries are in :scope (a JSON array of
-- entry pks, each read by its key). The same conditions as propagation_roles.sql (a full run).
SELECT r.pk AS role_pk, r.holder_pk AS person_pk, r.enterprise_pk, r.role, r.start_date, r.end_date
FROM roles AS r
JOIN subjects AS h ON h.pk = r.holder_pk
WHERE h.subject_type = 'person'
  AND r.role != 'branch_of'
  AND r.enterprise_pk IN (
      SELECT e.subject_pk FROM list_entries AS e
      WHERE e.pk IN (SELECT value FROM json_each(:scope))
        AND e.kind = 'black'
        AND e.status IN ('effective', 'under_verification', 'expired', 'repaired')
  )
