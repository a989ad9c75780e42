// Loading roles, step 2: create the new branch_of edges (keys from the 'role' sequence; an open start or end
// is a missing property). $rows: [{pk, holder_pk, enterprise_pk, start, end (dates or null), ratio}].
// params: rows
UNWIND $rows AS row
MATCH (h:Subject)
WHERE h.pk = row.holder_pk
MATCH (e:Enterprise {pk: row.enterprise_pk})
CREATE (h)-[:BRANCH_OF {pk: row.pk, role: 'branch_of', start: row.start, end: row.end, ratio: row.ratio}]->(e)
