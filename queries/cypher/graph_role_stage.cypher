// Loading roles, step 1: for each $rows row (i: its index), the holder (by code and type), the enterprise,
// and the role edge with the same natural key (holder, enterprise, role, start; a null start is the open
// start and matches only an open start) with its end and ratio; nulls where none is stored.
// $rows: [{i, holder_code, holder_type, enterprise_code, role, start (date or null)}].
// params: rows
UNWIND $rows AS row
OPTIONAL MATCH (h:Subject)
WHERE h.code = row.holder_code AND h.subject_type = row.holder_type
OPTIONAL MATCH (e:Enterprise)
WHERE e.code = row.enterprise_code
OPTIONAL MATCH (h)-[r:LEGAL_REPRESENTATIVE|PRINCIPAL|DIRECTLY_RESPONSIBLE|ACTUAL_CONTROLLER|SHAREHOLDER|BRANCH_OF]->(e)
WHERE r.role = row.role
  AND ((r.start IS NULL AND row.start IS NULL) OR r.start = row.start)
RETURN row.i AS i, h.pk AS holder_pk, e.pk AS enterprise_pk, r.pk AS pk, r.end AS end, r.ratio AS ratio
