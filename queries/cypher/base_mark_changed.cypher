// Queue entries for propagation: their derived records may be stale (the change log of the embedded
// store). $rows: [{seq, entry_pk}], seq taken from the 'change' sequence by the caller.
// params: rows
UNWIND $rows AS row
CREATE (:Change {seq: row.seq, entry_pk: row.entry_pk})
