// Lease, step 2 (same transaction, locks held): re-check each locked row against the committed state — a
// deliverer that leased it first has committed by now — and lease those still due until $until.
// params: pks, now, until
UNWIND $pks AS pk
MATCH (o:Outbox {pk: pk})-[:VIA]->(w:Webhook)
REMOVE o.locked
WITH o, w
WHERE o.delivered_at IS NULL AND o.given_up_at IS NULL AND o.next_attempt_at <= $now
  AND (o.leased_until IS NULL OR o.leased_until <= $now) AND w.active
SET o.leased_until = $until
RETURN o.pk AS pk, w.url AS url, w.secret AS secret, o.event AS event, o.dispatch_pk AS dispatch_pk,
       o.reminder_pk AS reminder_pk, o.attempts AS attempts, o.next_attempt_at AS next_attempt_at
ORDER BY next_attempt_at, pk
