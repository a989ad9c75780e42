// Rewrite derived records whose fields changed, and draw their REACHES / THROUGH edges again (to the
// person and the firm the record now names). $rows: [{entry_pk, role_pk, person_pk, enterprise_pk, role,
// holder_basis, valid_from, valid_to}] with dates as date values (null = open).
// params: rows
UNWIND $rows AS row
MATCH (d:DerivedRecord {entry_pk: row.entry_pk, role_pk: row.role_pk})
MATCH (p:Subject {pk: row.person_pk})
MATCH (e:Subject {pk: row.enterprise_pk})
SET d.person_pk = row.person_pk,
    d.enterprise_pk = row.enterprise_pk,
    d.role = row.role,
    d.holder_basis = row.holder_basis,
    d.valid_from = row.valid_from,
    d.valid_to = row.valid_to
WITH d, p, e
OPTIONAL MATCH (d)-[old:REACHES|THROUGH]->()
DELETE old
WITH DISTINCT d, p, e
CREATE (d)-[:REACHES]->(p)
CREATE (d)-[:THROUGH]->(e)
