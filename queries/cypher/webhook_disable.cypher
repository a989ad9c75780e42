// Stop delivering to a department's webhook; how many were active (0 or 1).
// params: department
MATCH (w:Webhook {department: $department})
WHERE w.active
SET w.active = false
RETURN count(w) AS changed
