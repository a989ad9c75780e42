// Derived records of person $person_pk with their whole path (entry -> enterprise -> role edge -> person),
// by the entry's valid_from, entry id, then role edge key (queries/sql/derived_records.sql).
// params: person_pk
MATCH (p:Person {pk: $person_pk})<-[:REACHES]-(d:DerivedRecord)<-[:DERIVES]-(le:ListEntry)
MATCH (d)-[:THROUGH]->(e:Enterprise)
MATCH (p)-[r:LEGAL_REPRESENTATIVE|PRINCIPAL|DIRECTLY_RESPONSIBLE|ACTUAL_CONTROLLER|SHAREHOLDER|BRANCH_OF]->(e)
WHERE r.pk = d.role_pk
RETURN le {.*, subject_code: e.code, subject_name: e.name} AS entry,
       {pk: r.pk, role: r.role, start: r.start, end: r.end, ratio: r.ratio, holder_type: p.subject_type,
        holder_code: p.code, holder_name: p.name, enterprise_uscc: e.code, enterprise_name: e.name} AS role,
       d.holder_basis AS holder_basis, d.valid_from AS valid_from, d.valid_to AS valid_to
ORDER BY le.valid_from, le.entry_id, r.pk
