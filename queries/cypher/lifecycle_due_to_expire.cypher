// Effective entries whose validity ended before $on (they expire), by key.
// params: on
MATCH (le:ListEntry {status: 'effective'})-[:CONCERNS]->(s:Subject)
WHERE le.valid_to IS NOT NULL AND le.valid_to < $on
RETURN le {.*, subject_code: s.code, subject_name: s.name} AS entry
ORDER BY le.pk
