// Loading list entries, step 4: one history event per written entry (R1), by the loader at $at.
// $rows: [{pk, entry_pk, action ('imported' or 'import_updated')}], pk from the 'event' sequence.
// params: rows, at
UNWIND $rows AS row
MATCH (le:ListEntry {pk: row.entry_pk})
CREATE (le)-[:HAS_EVENT]->(:EntryEvent {pk: row.pk, entry_pk: row.entry_pk, at: $at, actor: 'loader',
        action: row.action, reason: '由导入文件写入'})
