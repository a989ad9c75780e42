// Entries whose derived records may be stale: those with a queued (:Change), each once, by pk.
// params:
MATCH (c:Change)
RETURN DISTINCT c.entry_pk AS entry_pk
ORDER BY entry_pk
