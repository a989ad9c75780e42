// Lease, step 1: the due outbox rows (not delivered, not given up, next attempt by $now, lease expired, webhook
// active), first due first, at most $limit — write-locked here (SET), in the query that selects them, so
// that a deliverer selecting the same rows concurrently waits for this transaction. outbox_lease re-checks
// the condition once the locks are held.
// params: now, limit
MATCH (o:Outbox)-[:VIA]->(w:Webhook)
WHERE o.delivered_at IS NULL AND o.given_up_at IS NULL AND o.next_attempt_at <= $now
  AND (o.leased_until IS NULL OR o.leased_until <= $now) AND w.active
WITH o
ORDER BY o.next_attempt_at, o.pk
LIMIT $limit
SET o.locked = true
RETURN o.pk AS pk
