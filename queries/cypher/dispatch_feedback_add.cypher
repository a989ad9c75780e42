// Append a department's answer to a dispatch; no row when the dispatch does not exist.
// params: pk, dispatch_pk, outcome, reason, applied_on, actor, at
MATCH (d:Dispatch {pk: $dispatch_pk})
CREATE (d)-[:HAS_FEEDBACK]->(f:Feedback {pk: $pk, dispatch_pk: $dispatch_pk, outcome: $outcome, reason: $reason,
                                         applied_on: $applied_on, actor: $actor, recorded_at: $at})
RETURN f.pk AS pk
