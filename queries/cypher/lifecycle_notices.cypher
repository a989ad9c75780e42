// An entry's notices, in the order they were published.
// params: entry_pk
MATCH (le:ListEntry {pk: $entry_pk})-[:HAS_NOTICE]->(n:Notice)
RETURN n.pk AS pk, n.entry_pk AS entry_pk, le.entry_id AS entry_id, n.kind AS kind,
       n.published_on AS published_on, n.text AS text
ORDER BY n.pk
