// The black entries of the enterprises in $rows ([{pk}]): their roles were just written, so the caller queues
// these entries for propagation.
// params: rows
UNWIND $rows AS row
MATCH (s:Subject {pk: row.pk})<-[:CONCERNS]-(le:ListEntry)
WHERE le.kind = 'black'
RETURN le.pk AS pk
