// Decide a pending repair application ($status approved or rejected). The application is locked (`lock`
// written and removed) before its status is read, so two decisions cannot both pass the check. No row: it was
// decided already or does not exist.
// params: pk, status, on, actor, reason
MATCH (ra:RepairApplication {pk: $pk})
SET ra.lock = true
REMOVE ra.lock
WITH ra
WHERE ra.status = 'pending'
SET ra.status = $status, ra.decided_on = $on, ra.decided_by = $actor, ra.reason = $reason
RETURN ra.entry_pk AS entry_pk
