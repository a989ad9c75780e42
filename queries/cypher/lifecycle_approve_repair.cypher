// Approve a pending repair application with the repair step that grants it. The application is locked
// (`lock` written and removed) before its status is read, so a concurrent decision cannot also pass the check.
// params: pk, on, actor, reason
MATCH (ra:RepairApplication {pk: $pk})
SET ra.lock = true
REMOVE ra.lock
WITH ra
WHERE ra.status = 'pending'
SET ra.status = 'approved', ra.decided_on = $on, ra.decided_by = $actor, ra.reason = $reason
RETURN ra.entry_pk AS entry_pk
