// Derived records of person $person_pk valid on $at whose entry still applies then (R9), each with its path
// and the measures aimed at the record's role in force on $at (R11), one row per (record, measure) or one
// row with a null measure; suspended: a suspension of the entry covers $at (R5). As
// queries/sql/check_derived.sql, ordered by entry id, role edge key, measure id.
// params: person_pk, at
MATCH (p:Person {pk: $person_pk})<-[:REACHES]-(d:DerivedRecord)<-[:DERIVES]-(le:ListEntry)
WHERE d.valid_from <= $at
  AND (d.valid_to IS NULL OR d.valid_to >= $at)
  AND le.status IN ['effective', 'under_verification', 'expired', 'repaired', 'removed']
  AND (le.ended_on IS NULL OR le.ended_on > $at)
MATCH (d)-[:THROUGH]->(e:Enterprise)
MATCH (p)-[r:LEGAL_REPRESENTATIVE|PRINCIPAL|DIRECTLY_RESPONSIBLE|ACTUAL_CONTROLLER|SHAREHOLDER|BRANCH_OF]->(e)
WHERE r.pk = d.role_pk
OPTIONAL MATCH (m:Measure)
WHERE m.list_type = le.list_type AND m.kind = le.kind AND m.target = d.role
  AND (m.valid_from IS NULL OR m.valid_from <= $at)
  AND (m.valid_to IS NULL OR m.valid_to >= $at)
RETURN le {.*, subject_code: e.code, subject_name: e.name} AS entry,
       {pk: r.pk, role: r.role, start: r.start, end: r.end, ratio: r.ratio, holder_type: p.subject_type,
        holder_code: p.code, holder_name: p.name, enterprise_uscc: e.code, enterprise_name: e.name} AS role,
       d.holder_basis AS holder_basis, d.valid_from AS valid_from, d.valid_to AS valid_to,
       m {.*} AS measure,
       EXISTS {
         MATCH (le)-[:SUSPENDED]->(x:Suspension)
         WHERE x.from_date <= $at AND (x.to_date IS NULL OR x.to_date >= $at)
       } AS suspended
ORDER BY le.entry_id, r.pk, m.measure_id
