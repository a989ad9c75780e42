// Loading roles, step 2: create the new directly_responsible edges (keys from the 'role' sequence; an open start or end
// is a missing property). $rows: [{pk, holder_pk, enterprise_pk, start, end (dates or null), ratio}].
// params: rows
UNWIND $rows AS row
MATCH (h:Subject)
WHERE h.pk = row.holder_pk
MATCH (e:Enterprise {pk: row.enterprise_pk})
CREATE (h)-[:DIRECTLY_RESPONSIBLE {pk: row.pk, role: 'directly_responsible', start: row.start, end: row.end, ratio: row.ratio}]->(e)
