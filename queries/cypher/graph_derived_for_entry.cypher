// Derived records of entry $entry_pk with their whole path (entry -> enterprise -> role edge -> person),
// by role edge key (one entry: the valid_from and entry id of queries/sql/derived_records.sql are equal).
// params: entry_pk
MATCH (le:ListEntry {pk: $entry_pk})-[:DERIVES]->(d:DerivedRecord)-[:REACHES]->(p:Person)
MATCH (d)-[:THROUGH]->(e:Enterprise)
MATCH (p)-[r:LEGAL_REPRESENTATIVE|PRINCIPAL|DIRECTLY_RESPONSIBLE|ACTUAL_CONTROLLER|SHAREHOLDER|BRANCH_OF]->(e)
WHERE r.pk = d.role_pk
RETURN le {.*, subject_code: e.code, subject_name: e.name} AS entry,
       {pk: r.pk, role: r.role, start: r.start, end: r.end, ratio: r.ratio, holder_type: p.subject_type,
        holder_code: p.code, holder_name: p.name, enterprise_uscc: e.code, enterprise_name: e.name} AS role,
       d.holder_basis AS holder_basis, d.valid_from AS valid_from, d.valid_to AS valid_to
ORDER BY le.valid_from, le.entry_id, r.pk
