// Keys of the subjects with an entry of their own of kind $kind that applies on $at (the conditions of
// graph_check_direct), of subject type $subject_type when given (null: both); ascending.
// params: kind, at, subject_type
MATCH (le:ListEntry)-[:CONCERNS]->(s:Subject)
WHERE le.kind = $kind
  AND le.status IN ['effective', 'under_verification', 'expired', 'repaired', 'removed']
  AND (le.ended_on IS NULL OR le.ended_on > $at)
  AND le.valid_from <= $at
  AND (le.valid_to IS NULL OR le.valid_to >= $at)
  AND ($subject_type IS NULL OR s.subject_type = $subject_type)
RETURN DISTINCT s.pk AS pk
ORDER BY pk
