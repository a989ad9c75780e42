// The pks of every dispatch about an entry, oldest first.
// params: entry_pk
MATCH (d:Dispatch {entry_pk: $entry_pk})
RETURN d.pk AS pk
ORDER BY pk
