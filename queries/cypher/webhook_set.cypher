// Register or replace a department's webhook (active again, new url and secret; its pk stays).
// params: pk, department, url, secret, at
MERGE (w:Webhook {department: $department})
  ON CREATE SET w.pk = $pk
SET w.url = $url, w.secret = $secret, w.active = true, w.created_at = $at
RETURN w.pk AS pk, w.department AS department, w.url AS url, w.active AS active, w.created_at AS created_at
