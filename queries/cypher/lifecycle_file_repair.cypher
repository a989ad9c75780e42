// A repair application (信用修复申请) filed on $on, pending. No row: no such entry.
// params: pk, entry_pk, on, applicant, evidence
MATCH (le:ListEntry {pk: $entry_pk})
CREATE (le)-[:HAS_REPAIR_APPLICATION]->(ra:RepairApplication {
  pk: $pk,
  entry_pk: $entry_pk,
  filed_on: $on,
  applicant: $applicant,
  evidence: $evidence,
  status: 'pending'
})
RETURN ra.pk AS pk
