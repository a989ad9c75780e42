// The black entries of the list types in $rows ([{list_type}]): their derived records depend on the policy
// just written, so the caller queues them for propagation.
// params: rows
UNWIND $rows AS row
MATCH (le:ListEntry)
WHERE le.list_type = row.list_type AND le.kind = 'black'
RETURN le.pk AS pk
