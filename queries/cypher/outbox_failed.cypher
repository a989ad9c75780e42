// A delivery failed: one more attempt, lease cleared, error kept; retried at $retry_at, or given up at $at
// when $retry_at is null.
// params: pk, at, retry_at, error
MATCH (o:Outbox {pk: $pk})
SET o.attempts = o.attempts + 1, o.leased_until = null, o.last_error = $error,
    o.next_attempt_at = coalesce($retry_at, o.next_attempt_at),
    o.given_up_at = CASE WHEN $retry_at IS NULL THEN $at ELSE o.given_up_at END
