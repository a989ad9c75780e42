// Write planned dispatches ($rows, pks from the 'dispatch' sequence), linked to their entry and department.
// A start or change carries its payload; an end (payload null) repeats the payload of the dispatch last
// told about the application (row.dispatch_pk) — and, as the embedded store's INSERT … SELECT, is not
// written if that dispatch is missing.
// params: rows
UNWIND $rows AS row
OPTIONAL MATCH (last:Dispatch {pk: row.dispatch_pk})
WITH row, coalesce(row.payload, last.payload) AS payload
WHERE payload IS NOT NULL
MATCH (le:ListEntry {pk: row.entry_pk})
MERGE (dep:Department {name: row.department})
CREATE (d:Dispatch {pk: row.pk, run_pk: row.run_pk, department: row.department, action: row.action,
                    reason: row.reason, recall: row.recall, subject_pk: row.subject_pk,
                    entry_pk: row.entry_pk, role_pk: row.role_pk, measure_id: row.measure_id,
                    payload: payload, created_at: row.created_at, created_on: row.created_on,
                    due_on: row.due_on})
CREATE (d)-[:ABOUT]->(le)
CREATE (d)-[:SENT_TO]->(dep)
