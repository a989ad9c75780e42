// Record reminders on $on ($rows: {pk, dispatch_pk}), linked to their dispatch.
// params: rows, on
UNWIND $rows AS row
MATCH (d:Dispatch {pk: row.dispatch_pk})
CREATE (d)-[:REMINDED]->(:Reminder {pk: row.pk, dispatch_pk: row.dispatch_pk, reminded_on: $on})
