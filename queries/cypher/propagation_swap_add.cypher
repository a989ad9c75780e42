// Server-side propagation, swap: create the derived records run $run staged that do not exist yet, with
// their path (le)-[:DERIVES]->(d)-[:REACHES]->(person), (d)-[:THROUGH]->(firm); the $late entries are left
// alone.
// params: run, late
MATCH (s:DerivedStaging {run: $run})
WHERE NOT s.entry_pk IN $late
  AND NOT EXISTS { MATCH (x:DerivedRecord {entry_pk: s.entry_pk, role_pk: s.role_pk}) }
MATCH (le:ListEntry {pk: s.entry_pk})
MATCH (p:Subject {pk: s.person_pk})
MATCH (e:Subject {pk: s.enterprise_pk})
CREATE (le)-[:DERIVES]->(d:DerivedRecord {
  entry_pk: s.entry_pk,
  role_pk: s.role_pk,
  person_pk: s.person_pk,
  enterprise_pk: s.enterprise_pk,
  role: s.role,
  holder_basis: s.holder_basis,
  valid_from: s.valid_from,
  valid_to: s.valid_to
})-[:REACHES]->(p)
CREATE (d)-[:THROUGH]->(e)
RETURN count(*) AS added
