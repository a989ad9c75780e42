// Over all persons: the rows of graph_check_derived on $at whose entry is black and whose measure (aimed
// at the record's role, in force on $at) covers business item $item (a measure naming no item covers every
// item), each with its path; suspended: a suspension of the entry covers $at. Ordered by person key, entry
// key, role edge key, measure id.
// params: item, at
MATCH (le:ListEntry {kind: 'black'})-[:DERIVES]->(d:DerivedRecord)-[:REACHES]->(p:Person)
WHERE d.valid_from <= $at
  AND (d.valid_to IS NULL OR d.valid_to >= $at)
  AND le.status IN ['effective', 'under_verification', 'expired', 'repaired', 'removed']
  AND (le.ended_on IS NULL OR le.ended_on > $at)
MATCH (m:Measure)
WHERE m.list_type = le.list_type AND m.kind = le.kind AND m.target = d.role
  AND (m.valid_from IS NULL OR m.valid_from <= $at)
  AND (m.valid_to IS NULL OR m.valid_to >= $at)
  AND (size(coalesce(m.business_items, [])) = 0 OR $item IN m.business_items)
MATCH (d)-[:THROUGH]->(e:Enterprise)
MATCH (p)-[r:LEGAL_REPRESENTATIVE|PRINCIPAL|DIRECTLY_RESPONSIBLE|ACTUAL_CONTROLLER|SHAREHOLDER|BRANCH_OF]->(e)
WHERE r.pk = d.role_pk
RETURN p.pk AS subject_pk,
       le {.*, subject_code: e.code, subject_name: e.name} AS entry,
       {pk: r.pk, role: r.role, start: r.start, end: r.end, ratio: r.ratio, holder_type: p.subject_type,
        holder_code: p.code, holder_name: p.name, enterprise_uscc: e.code, enterprise_name: e.name} AS role,
       d.holder_basis AS holder_basis, d.valid_from AS valid_from, d.valid_to AS valid_to,
       m {.*} AS measure,
       EXISTS {
         MATCH (le)-[:SUSPENDED]->(x:Suspension)
         WHERE x.from_date <= $at AND (x.to_date IS NULL OR x.to_date >= $at)
       } AS suspended
ORDER BY p.pk, le.pk, r.pk, m.measure_id
