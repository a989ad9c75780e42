// The subjects with the keys $pks (unknown keys give nothing), by key.
// params: pks
UNWIND $pks AS pk
MATCH (s:Subject {pk: pk})
RETURN s {.*} AS subject
ORDER BY s.pk
