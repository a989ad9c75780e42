// The days on which an entry's measures are suspended (inclusive; to_date null: ongoing), by start.
// params: entry_pk
MATCH (:ListEntry {pk: $entry_pk})-[:SUSPENDED]->(s:Suspension)
RETURN s.from_date AS from_date, s.to_date AS to_date
ORDER BY s.from_date, s.pk
