// An entry's repair applications, in the order they were filed.
// params: entry_pk
MATCH (:ListEntry {pk: $entry_pk})-[:HAS_REPAIR_APPLICATION]->(ra:RepairApplication)
RETURN ra.pk AS pk, ra.entry_pk AS entry_pk, ra.filed_on AS filed_on, ra.applicant AS applicant,
       ra.evidence AS evidence, ra.status AS status, ra.decided_on AS decided_on, ra.decided_by AS decided_by,
       ra.reason AS reason
ORDER BY ra.pk
