// Queue deliveries ($rows: {pk, webhook_pk, event, dispatch_pk, reminder_pk}) in the transaction that wrote
// their dispatch or reminder; only to a webhook still active. Returns how many were queued.
// params: rows, at
UNWIND $rows AS row
MATCH (d:Dispatch {pk: row.dispatch_pk})
MATCH (w:Webhook {pk: row.webhook_pk})
WHERE w.active
CREATE (o:Outbox {pk: row.pk, webhook_pk: row.webhook_pk, event: row.event, dispatch_pk: row.dispatch_pk,
                  reminder_pk: row.reminder_pk, attempts: 0, next_attempt_at: $at})
CREATE (o)-[:DELIVERS]->(d)
CREATE (o)-[:VIA]->(w)
RETURN count(o) AS queued
