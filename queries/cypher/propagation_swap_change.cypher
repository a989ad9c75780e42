// Server-side propagation, swap: rewrite the derived records whose staged version (run $run) differs in any
// field (dates compared null-safely: null = open), drawing their REACHES / THROUGH edges again; the $late
// entries are left alone.
// params: run, late
MATCH (s:DerivedStaging {run: $run})
WHERE NOT s.entry_pk IN $late
MATCH (d:DerivedRecord {entry_pk: s.entry_pk, role_pk: s.role_pk})
WHERE d.person_pk <> s.person_pk
   OR d.enterprise_pk <> s.enterprise_pk
   OR d.role <> s.role
   OR d.holder_basis <> s.holder_basis
   OR NOT (coalesce(d.valid_from = s.valid_from, false) OR (d.valid_from IS NULL AND s.valid_from IS NULL))
   OR NOT (coalesce(d.valid_to = s.valid_to, false) OR (d.valid_to IS NULL AND s.valid_to IS NULL))
MATCH (p:Subject {pk: s.person_pk})
MATCH (e:Subject {pk: s.enterprise_pk})
SET d.person_pk = s.person_pk,
    d.enterprise_pk = s.enterprise_pk,
    d.role = s.role,
    d.holder_basis = s.holder_basis,
    d.valid_from = s.valid_from,
    d.valid_to = s.valid_to
WITH d, p, e
OPTIONAL MATCH (d)-[old:REACHES|THROUGH]->()
DELETE old
WITH DISTINCT d, p, e
CREATE (d)-[:REACHES]->(p)
CREATE (d)-[:THROUGH]->(e)
RETURN count(*) AS changed
