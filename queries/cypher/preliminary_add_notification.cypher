// A prior notification (事前告知) of a black-list subject. No row: no such entry.
// params: pk, entry_pk, recipient, notified_on, method, notified_by, note
MATCH (le:ListEntry {pk: $entry_pk})
CREATE (le)-[:HAS_PRIOR_NOTIFICATION]->(pn:PriorNotification {
  pk: $pk,
  entry_pk: $entry_pk,
  recipient: $recipient,
  notified_on: $notified_on,
  method: $method,
  notified_by: $notified_by,
  note: $note
})
RETURN pn.pk AS pk
