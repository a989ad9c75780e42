-- Black entries of enterprises that propagate (R3), among the entries of :scope (a JSON array of entry
-- pks), each read by its key. The same conditions as propagation_entries.sql (a full run).
SELECT e.pk AS entry_pk, e.subject_pk AS enterprise_pk, e.list_type, e.act_date, e.valid_from, e.valid_to,
       e.ended_on
FROM list_entries AS e
JOIN subjects AS s ON s.pk = e.subject_pk
WHERE e.pk IN (SELECT value FROM json_each(:scope))
  AND e.kind = 'black'
  AND s.subject_type = 'enterprise'
  AND e.status IN ('effective', 'under_verification', 'expired', 'repaired')
