-- Black entries of enterprises that propagate (R3): all of them (a full run). The scoped read is
-- propagation_entries_scoped.sql (same conditions), split so that each has a plan of its own: an
-- ':scope IS NULL OR …' in one statement made SQLite scan every entry for a run of one entry.
SELECT e.pk AS entry_pk, e.subject_pk AS enterprise_pk, e.list_type, e.act_date, e.valid_from, e.valid_to,
       e.ended_on
FROM list_entries AS e
JOIN subjects AS s ON s.pk = e.subject_pk
WHERE e.kind = 'black'
  AND s.subject_type = 'enterprise'
  AND e.status IN ('effective', 'under_verification', 'expired', 'repaired')
