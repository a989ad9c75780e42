// Every answer to a dispatch, oldest first.
// params: dispatch_pk
MATCH (:Dispatch {pk: $dispatch_pk})-[:HAS_FEEDBACK]->(f:Feedback)
RETURN f.pk AS pk, f.dispatch_pk AS dispatch_pk, f.outcome AS outcome, f.reason AS reason,
       f.applied_on AS applied_on, f.actor AS actor, f.recorded_at AS recorded_at
ORDER BY pk
