// The entries of one preliminary list with their publicity windows, by entry id.
// params: list_pk
MATCH (le:ListEntry)-[l:LISTED_IN]->(pl:PreliminaryList {pk: $list_pk})
MATCH (le)-[:CONCERNS]->(s:Subject)
RETURN pl.list_id AS list_id, le {.*, subject_code: s.code, subject_name: s.name} AS entry,
       l.publicity_from AS publicity_from, l.publicity_to AS publicity_to
ORDER BY le.entry_id
