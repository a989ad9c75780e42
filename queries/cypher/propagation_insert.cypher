// Create new derived records with their path: (le)-[:DERIVES]->(d)-[:REACHES]->(person), (d)-[:THROUGH]->(firm).
// $rows: [{entry_pk, role_pk, person_pk, enterprise_pk, role, holder_basis, valid_from, valid_to}], dates as
// date values (null = open: the property is left out).
// params: rows
UNWIND $rows AS row
MATCH (le:ListEntry {pk: row.entry_pk})
MATCH (p:Subject {pk: row.person_pk})
MATCH (e:Subject {pk: row.enterprise_pk})
CREATE (le)-[:DERIVES]->(d:DerivedRecord {
  entry_pk: row.entry_pk,
  role_pk: row.role_pk,
  person_pk: row.person_pk,
  enterprise_pk: row.enterprise_pk,
  role: row.role,
  holder_basis: row.holder_basis,
  valid_from: row.valid_from,
  valid_to: row.valid_to
})-[:REACHES]->(p)
CREATE (d)-[:THROUGH]->(e)
