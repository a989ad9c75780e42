// Red candidates (R2, §二(四)): black entries that stand in the way of each candidate on $on. $candidates:
// [{entry_id, subject_type, code, list_type}]. As lifecycle_red_conflicts, a black entry counts when it
// is effective and applies on $on:
//   1. the candidate subject's own black entry (always);
//   2. a derived record of a candidate person, through a firm;
//   3. for a candidate enterprise, a black entry of a person holding on $on one of the roles named by the
//      candidate's list type policy ($default_roles without a policy), own or derived through another firm.
// 2 and 3 only when the list type's policy counts derived records (no policy: it does). A role edge with no
// start has held since ever. UNION drops repeated rows; the caller orders them (nulls first, as the
// embedded store does).
// params: candidates, on, default_roles
UNWIND $candidates AS c
MATCH (s:Subject {code: c.code, subject_type: c.subject_type})<-[:CONCERNS]-(b:ListEntry)
WHERE b.kind = 'black' AND b.status = 'effective'
  AND b.valid_from <= $on AND (b.valid_to IS NULL OR b.valid_to >= $on)
  AND (b.ended_on IS NULL OR b.ended_on > $on)
RETURN c.entry_id AS entry_id, b.entry_id AS black_entry_id, null AS firm_code, null AS firm_name,
       null AS person_code, null AS person_name, null AS role
UNION
UNWIND $candidates AS c
MATCH (s:Subject {code: c.code, subject_type: c.subject_type})
OPTIONAL MATCH (lp:ListPolicy {list_type: c.list_type})
WITH c, s, lp
WHERE coalesce(lp.derived_counts_for_red, true) IN [true, 1]
MATCH (s)<-[:REACHES]-(d:DerivedRecord)<-[:DERIVES]-(b:ListEntry)
MATCH (d)-[:THROUGH]->(ent:Subject)
WHERE b.status = 'effective' AND d.valid_from <= $on AND (d.valid_to IS NULL OR d.valid_to >= $on)
RETURN c.entry_id AS entry_id, b.entry_id AS black_entry_id, ent.code AS firm_code, ent.name AS firm_name,
       null AS person_code, null AS person_name, null AS role
UNION
UNWIND $candidates AS c
MATCH (s:Enterprise {code: c.code})
WHERE s.subject_type = c.subject_type
OPTIONAL MATCH (lp:ListPolicy {list_type: c.list_type})
WITH c, s, lp
WHERE coalesce(lp.derived_counts_for_red, true) IN [true, 1]
MATCH (h:Person)-[r:LEGAL_REPRESENTATIVE|PRINCIPAL|DIRECTLY_RESPONSIBLE|ACTUAL_CONTROLLER|SHAREHOLDER]->(s)
WHERE r.role IN coalesce(lp.roles, $default_roles)
  AND (r.start IS NULL OR r.start <= $on) AND (r.end IS NULL OR r.end >= $on)
MATCH (h)<-[:CONCERNS]-(b:ListEntry)
WHERE b.kind = 'black' AND b.status = 'effective'
  AND b.valid_from <= $on AND (b.valid_to IS NULL OR b.valid_to >= $on)
  AND (b.ended_on IS NULL OR b.ended_on > $on)
RETURN c.entry_id AS entry_id, b.entry_id AS black_entry_id, null AS firm_code, null AS firm_name,
       h.code AS person_code, h.name AS person_name, r.role AS role
UNION
UNWIND $candidates AS c
MATCH (s:Enterprise {code: c.code})
WHERE s.subject_type = c.subject_type
OPTIONAL MATCH (lp:ListPolicy {list_type: c.list_type})
WITH c, s, lp
WHERE coalesce(lp.derived_counts_for_red, true) IN [true, 1]
MATCH (h:Person)-[r:LEGAL_REPRESENTATIVE|PRINCIPAL|DIRECTLY_RESPONSIBLE|ACTUAL_CONTROLLER|SHAREHOLDER]->(s)
WHERE r.role IN coalesce(lp.roles, $default_roles)
  AND (r.start IS NULL OR r.start <= $on) AND (r.end IS NULL OR r.end >= $on)
MATCH (h)<-[:REACHES]-(d:DerivedRecord)<-[:DERIVES]-(b:ListEntry)
MATCH (d)-[:THROUGH]->(ent:Subject)
// the candidate's own black entry reaching its people is already a direct conflict
WHERE b.status = 'effective' AND ent <> s
  AND d.valid_from <= $on AND (d.valid_to IS NULL OR d.valid_to >= $on)
RETURN c.entry_id AS entry_id, b.entry_id AS black_entry_id, ent.code AS firm_code, ent.name AS firm_name,
       h.code AS person_code, h.name AS person_name, r.role AS role
