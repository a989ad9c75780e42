// Direct entries of subject $subject_pk that apply on $at (R9), each with the measures aimed at the subject
// itself in force on $at (R11: valid_from null = since ever), one row per (entry, measure) or one row with a
// null measure; suspended: a suspension of the entry covers $at (R5). As queries/sql/check_direct.sql,
// ordered by kind, entry id, measure id.
// params: subject_pk, at
MATCH (s:Subject {pk: $subject_pk})<-[:CONCERNS]-(le:ListEntry)
WHERE le.status IN ['effective', 'under_verification', 'expired', 'repaired', 'removed']
  AND (le.ended_on IS NULL OR le.ended_on > $at)
  AND le.valid_from <= $at
  AND (le.valid_to IS NULL OR le.valid_to >= $at)
OPTIONAL MATCH (m:Measure)
WHERE m.list_type = le.list_type AND m.kind = le.kind AND m.target = 'subject'
  AND (m.valid_from IS NULL OR m.valid_from <= $at)
  AND (m.valid_to IS NULL OR m.valid_to >= $at)
RETURN le {.*, subject_code: s.code, subject_name: s.name} AS entry,
       m {.*} AS measure,
       EXISTS {
         MATCH (le)-[:SUSPENDED]->(x:Suspension)
         WHERE x.from_date <= $at AND (x.to_date IS NULL OR x.to_date >= $at)
       } AS suspended
ORDER BY le.kind, le.entry_id, m.measure_id
