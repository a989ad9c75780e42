// Take the write lock of the measures list: the first statement of every transaction that writes the list,
// its draft or its change log. Neo4j runs transactions read-committed, so two publishers (or a publisher and
// a draft edit or an import) could otherwise both read the same latest version and draft token and both
// write. SET takes an exclusive lock on this one node, held until commit: the second writer waits here, and
// its reads afterwards see what the first committed (the unique constraint lock_name makes the MERGE of a
// missing node safe too).
// params: at
MERGE (l:Lock {name: 'measures'})
SET l.at = $at
