// Publicised entries whose publicity window ended before $on: black ones first, so that a black entry taking
// effect is propagated before the red candidates are cross-compared (R2); then by list and entry id.
// params: on
MATCH (le:ListEntry {status: 'publicised'})-[l:LISTED_IN]->(pl:PreliminaryList)
WHERE l.publicity_to < $on
MATCH (le)-[:CONCERNS]->(s:Subject)
RETURN pl.list_id AS list_id, le {.*, subject_code: s.code, subject_name: s.name} AS entry,
       l.publicity_from AS publicity_from, l.publicity_to AS publicity_to
ORDER BY CASE WHEN le.kind = 'red' THEN 1 ELSE 0 END, pl.pk, le.entry_id
