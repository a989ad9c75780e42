// The active webhook of each of $departments that has one (where new outbox rows go).
// params: departments
UNWIND $departments AS department
MATCH (w:Webhook {department: department})
WHERE w.active
RETURN w.department AS department, w.pk AS pk
