// Loading roles, step 2: create the new shareholder edges (keys from the 'role' sequence; an open start or end
// is a missing property). $rows: [{pk, holder_pk, enterprise_pk, start, end (dates or null), ratio}].
// params: rows
UNWIND $rows AS row
MATCH (h:Subject)
WHERE h.pk = row.holder_pk
MATCH (e:Enterprise {pk: row.enterprise_pk})
CREATE (h)-[:SHAREHOLDER {pk: row.pk, role: 'shareholder', start: row.start, end: row.end, ratio: row.ratio}]->(e)
