// A delivery was answered 2xx: delivered, one more attempt, lease and error cleared.
// params: pk, at
MATCH (o:Outbox {pk: $pk})
SET o.delivered_at = $at, o.attempts = o.attempts + 1, o.leased_until = null, o.last_error = null
