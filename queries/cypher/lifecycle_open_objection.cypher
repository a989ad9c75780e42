// An objection filed on $on (open) and the suspension of the entry's measures from that day (R5).
// params: entry_pk, objection_pk, suspension_pk, on, filed_by, reason
MATCH (le:ListEntry {pk: $entry_pk})
CREATE (le)-[:HAS_OBJECTION]->(o:Objection {
  pk: $objection_pk,
  entry_pk: $entry_pk,
  filed_on: $on,
  filed_by: $filed_by,
  reason: $reason,
  status: 'open'
})
CREATE (le)-[:SUSPENDED]->(:Suspension {
  pk: $suspension_pk,
  entry_pk: $entry_pk,
  objection_pk: $objection_pk,
  from_date: $on
})
RETURN o.pk AS pk
