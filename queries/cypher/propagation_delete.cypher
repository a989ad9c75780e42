// Remove derived records that a run no longer finds. $rows: [{entry_pk, role_pk}].
// params: rows
UNWIND $rows AS row
MATCH (d:DerivedRecord {entry_pk: row.entry_pk, role_pk: row.role_pk})
DETACH DELETE d
