// What is in publicity (公示) on $at: publicised entries whose window holds $at, newest window first
// (publicity_from, then entry_id, both descending), one keyset page after ($after_from, $after_id) when set.
// params: at, after_from, after_id, limit
MATCH (le:ListEntry {status: 'publicised'})-[l:LISTED_IN]->(pl:PreliminaryList)
WHERE l.publicity_from <= $at AND l.publicity_to >= $at
  AND ($after_from IS NULL
       OR l.publicity_from < $after_from
       OR (l.publicity_from = $after_from AND le.entry_id < $after_id))
MATCH (le)-[:CONCERNS]->(s:Subject)
RETURN pl.list_id AS list_id, le {.*, subject_code: s.code, subject_name: s.name} AS entry,
       l.publicity_from AS publicity_from, l.publicity_to AS publicity_to
ORDER BY l.publicity_from DESC, le.entry_id DESC
LIMIT $limit
