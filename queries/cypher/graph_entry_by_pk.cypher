// The list entry with key $entry_pk, with its subject's code and name (no row: unknown).
// params: entry_pk
MATCH (le:ListEntry {pk: $entry_pk})-[:CONCERNS]->(s:Subject)
RETURN le {.*, subject_code: s.code, subject_name: s.name} AS entry
