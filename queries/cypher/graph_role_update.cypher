// Loading roles, step 3: set the end and ratio of changed edges, found by key from their holder (a null
// value removes the property). $rows: [{pk, holder_pk, enterprise_pk, end (date or null), ratio}].
// params: rows
UNWIND $rows AS row
MATCH (h:Subject)
WHERE h.pk = row.holder_pk
MATCH (h)-[r:LEGAL_REPRESENTATIVE|PRINCIPAL|DIRECTLY_RESPONSIBLE|ACTUAL_CONTROLLER|SHAREHOLDER|BRANCH_OF]->(e:Enterprise {pk: row.enterprise_pk})
WHERE r.pk = row.pk
SET r.end = row.end, r.ratio = row.ratio
