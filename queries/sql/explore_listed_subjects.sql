-- Keys of the subjects with an entry of their own of :kind that applies on :at (the conditions of
-- check_direct.sql), of :subject_type when set; ascending.
SELECT DISTINCT e.subject_pk
FROM list_entries AS e
JOIN subjects AS s ON s.pk = e.subject_pk
WHERE e.kind = :kind
  AND (:subject_type IS NULL OR s.subject_type = :subject_type)
  AND e.status IN ('effective', 'under_verification', 'expired', 'repaired', 'removed')
  AND (e.ended_on IS NULL OR e.ended_on > :at)
  AND e.valid_from <= :at
  AND (e.valid_to IS NULL OR e.valid_to >= :at)
ORDER BY e.subject_pk
