// Measure applications in force on $at for the entries of $rows ([{entry_pk}]), as
// queries/sql/dispatch_applications.sql (R8): a measure in force that day (list type, kind, target) reaching
// the entry's own subject (role_pk 0, target 'subject', while the entry is valid) or a person along a
// derived record valid that day (target: the record's role), unless the entry has ended, is not in an
// applying status, or is suspended pending verification that day (R5). Returns the raw fields; the adapter
// builds the fingerprints and the payload exactly as the embedded store does.
// params: rows, at
UNWIND $rows AS row
MATCH (le:ListEntry {pk: row.entry_pk})-[:CONCERNS]->(s:Subject)
WHERE le.status IN ['effective', 'under_verification', 'expired', 'repaired', 'removed']
  AND (le.ended_on IS NULL OR le.ended_on > $at)
  AND NOT EXISTS {
    MATCH (z:Suspension {entry_pk: le.pk})
    WHERE z.from_date <= $at AND (z.to_date IS NULL OR z.to_date >= $at)
  }
CALL (le, s) {
  WITH le, s
  WHERE le.valid_from <= $at AND (le.valid_to IS NULL OR le.valid_to >= $at)
  RETURN s AS reached, 0 AS role_pk, 'subject' AS target, null AS path
  UNION ALL
  MATCH (le)-[:DERIVES]->(d:DerivedRecord)-[:REACHES]->(p:Person)
  WHERE d.valid_from <= $at AND (d.valid_to IS NULL OR d.valid_to >= $at)
  OPTIONAL MATCH (d)-[:THROUGH]->(f:Enterprise)
  OPTIONAL MATCH (p)-[r:LEGAL_REPRESENTATIVE|PRINCIPAL|DIRECTLY_RESPONSIBLE|ACTUAL_CONTROLLER|SHAREHOLDER|BRANCH_OF]->(f)
    WHERE r.pk = d.role_pk
  RETURN p AS reached, d.role_pk AS role_pk, d.role AS target,
         {enterprise_code: f.code, enterprise_name: f.name, role: r.role, role_start: r.start, role_end: r.end,
          holder_basis: d.holder_basis, valid_from: d.valid_from, valid_to: d.valid_to} AS path
}
MATCH (m:Measure {list_type: le.list_type, kind: le.kind, target: target})
WHERE (m.valid_from IS NULL OR m.valid_from <= $at) AND (m.valid_to IS NULL OR m.valid_to >= $at)
RETURN le.pk AS entry_pk, reached.pk AS subject_pk, role_pk, m.measure_id AS measure_id,
       m.implementing_department AS department,
       le {.entry_id, .kind, .list_type, .department, .basis, .act_date, .decided_on, .valid_from, .valid_to,
           .status, .ended_on} AS entry,
       reached {.subject_type, .code, .name} AS subject,
       m {.measure_id, .content, .target, .legal_basis, .business_items, .initiating_department,
          .implementing_department, .sharing_method} AS measure,
       path
