// An entry's events (R1), oldest first.
// params: entry_pk
MATCH (:ListEntry {pk: $entry_pk})-[:HAS_EVENT]->(ev:EntryEvent)
RETURN ev.pk AS pk, ev.at AS at, ev.actor AS actor, ev.action AS action, ev.reason AS reason, ev.on AS on,
       ev.before AS before, ev.after AS after
ORDER BY ev.pk
