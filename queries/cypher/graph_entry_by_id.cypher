// The list entry with id $entry_id, with its subject's code and name (no row: unknown).
// params: entry_id
MATCH (le:ListEntry {entry_id: $entry_id})-[:CONCERNS]->(s:Subject)
RETURN le {.*, subject_code: s.code, subject_name: s.name} AS entry
