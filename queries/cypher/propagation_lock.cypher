// Take the write lock of the derived records: the first statement of every transaction that swaps a
// propagation result in. Two runs (the job's full run and a lifecycle action's scoped run) would otherwise
// both read the records as they were and both add the same (entry_pk, role_pk) record, which the uniqueness
// constraint refuses. SET takes an exclusive lock on this node until commit: the second swap waits, then
// reads what the first committed and writes only the difference to that.
// params: at
MERGE (l:Lock {name: 'propagation'})
SET l.at = $at
