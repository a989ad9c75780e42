// An entry's prior notifications, by day then key.
// params: entry_pk
MATCH (le:ListEntry {pk: $entry_pk})-[:HAS_PRIOR_NOTIFICATION]->(pn:PriorNotification)
RETURN pn.pk AS pk, le.entry_id AS entry_id, pn.recipient AS recipient, pn.notified_on AS notified_on,
       pn.method AS method, pn.notified_by AS notified_by, pn.note AS note
ORDER BY pn.notified_on, pn.pk
