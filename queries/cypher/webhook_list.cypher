// Every department's webhook (never the secret), by department.
// params:
MATCH (w:Webhook)
RETURN w.pk AS pk, w.department AS department, w.url AS url, w.active AS active, w.created_at AS created_at
ORDER BY department
