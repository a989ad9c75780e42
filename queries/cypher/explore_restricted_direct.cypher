// Over all subjects: the rows of graph_check_direct on $at whose entry is black and whose measure (aimed at
// the subject, in force on $at) covers business item $item (a measure naming no item covers every item);
// suspended: a suspension of the entry covers $at. Ordered by subject key, entry key, measure id.
// params: item, at
MATCH (le:ListEntry {kind: 'black'})-[:CONCERNS]->(s:Subject)
WHERE le.status IN ['effective', 'under_verification', 'expired', 'repaired', 'removed']
  AND (le.ended_on IS NULL OR le.ended_on > $at)
  AND le.valid_from <= $at
  AND (le.valid_to IS NULL OR le.valid_to >= $at)
MATCH (m:Measure)
WHERE m.list_type = le.list_type AND m.kind = le.kind AND m.target = 'subject'
  AND (m.valid_from IS NULL OR m.valid_from <= $at)
  AND (m.valid_to IS NULL OR m.valid_to >= $at)
  AND (size(coalesce(m.business_items, [])) = 0 OR $item IN m.business_items)
RETURN s.pk AS subject_pk,
       le {.*, subject_code: s.code, subject_name: s.name} AS entry,
       m {.*} AS measure,
       EXISTS {
         MATCH (le)-[:SUSPENDED]->(x:Suspension)
         WHERE x.from_date <= $at AND (x.to_date IS NULL OR x.to_date >= $at)
       } AS suspended
ORDER BY s.pk, le.pk, m.measure_id
