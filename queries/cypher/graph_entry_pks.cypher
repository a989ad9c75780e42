// The keys of the entries whose ids are in $entry_ids (unknown ids are left out).
// params: entry_ids
MATCH (le:ListEntry)
WHERE le.entry_id IN $entry_ids
RETURN le.entry_id AS entry_id, le.pk AS pk
