// One repair application by key.
// params: pk
MATCH (ra:RepairApplication {pk: $pk})
RETURN ra.pk AS pk, ra.entry_pk AS entry_pk, ra.filed_on AS filed_on, ra.applicant AS applicant,
       ra.evidence AS evidence, ra.status AS status, ra.decided_on AS decided_on, ra.decided_by AS decided_by,
       ra.reason AS reason
