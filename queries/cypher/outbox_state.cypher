// The outbox at a glance: pending, delivered, given up, and the oldest pending next attempt.
// params:
MATCH (o:Outbox)
WITH o, o.delivered_at IS NULL AND o.given_up_at IS NULL AS pending
RETURN sum(CASE WHEN pending THEN 1 ELSE 0 END) AS pending,
       sum(CASE WHEN o.delivered_at IS NOT NULL THEN 1 ELSE 0 END) AS delivered,
       sum(CASE WHEN o.given_up_at IS NOT NULL THEN 1 ELSE 0 END) AS given_up,
       min(CASE WHEN pending THEN o.next_attempt_at END) AS oldest_pending_at
