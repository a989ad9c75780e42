// Every list entry's key: the scope of a dispatch run over everything.
// params:
MATCH (le:ListEntry)
RETURN le.pk AS pk
ORDER BY pk
