-- Person-held role edges of the enterprises that have propagating black entries (a full run). The scoped
-- read is propagation_roles_scoped.sql (same conditions; see propagation_entries.sql for why two files).
SELECT r.pk AS role_pk, r.holder_pk AS person_pk, r.enterprise_pk, r.role, r.start_date, r.end_date
FROM roles AS r
JOIN subjects AS h ON h.pk = r.holder_pk
WHERE h.subject_type = 'person'
  AND r.role != 'branch_of'
  AND r.enterprise_pk IN (
      SELECT e.subject_pk FROM list_entries AS e
      WHERE e.kind = 'black'
        AND e.status IN ('effective', 'under_verification', 'expired', 'repaired')
  )
