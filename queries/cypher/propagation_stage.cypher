// Server-side propagation, step 1: stage the derived records of run $run for the propagating black entries
// of $scope (entry pks; all when null), committed in batches of $batch entries. Readers never look at
// (:DerivedStaging); the swap (propagation_swap_*) applies the difference to (:DerivedRecord) afterwards.
// The computation is graph.propagation.derive, on day numbers so that it compares integers as derive does:
// open start = $open_start, open end = $open_end; an entry ended early (ended_on) stops the day before;
// a list type whose policy names no role uses $default_roles / $default_role_time; only person holders
// (no branch_of); "act": held the role on the act date (inclusive ends, unknown act date reaches nobody),
// valid for the entry's validity; "current": the overlap of the entry's validity and the role's interval;
// "both": the act record when the person held the role on the act date, else the current one.
// params: scope, statuses, default_roles, default_role_time, open_start, open_end, run, staged_at, batch
MATCH (le:ListEntry)-[:CONCERNS]->(e:Enterprise)
WHERE le.kind = 'black'
  AND le.status IN $statuses
  AND ($scope IS NULL OR le.pk IN $scope)
CALL (le, e) {
  OPTIONAL MATCH (lp:ListPolicy {list_type: le.list_type})
  WITH le, e, lp, [name IN coalesce(lp.roles, []) WHERE name IS NOT NULL AND name <> ''] AS named
  WITH le, e,
       CASE WHEN size(named) = 0 THEN $default_roles ELSE named END AS policy_roles,
       CASE WHEN size(named) = 0 THEN $default_role_time ELSE coalesce(lp.role_time, '') END AS role_time,
       CASE WHEN le.act_date IS NULL THEN $open_start
            ELSE duration.inDays(date('1970-01-01'), le.act_date).days END AS act_day,
       CASE WHEN le.valid_from IS NULL THEN $open_start
            ELSE duration.inDays(date('1970-01-01'), le.valid_from).days END AS from_day,
       CASE WHEN le.valid_to IS NULL THEN $open_end
            ELSE duration.inDays(date('1970-01-01'), le.valid_to).days END AS valid_to_day,
       CASE WHEN le.ended_on IS NULL THEN $open_end
            ELSE duration.inDays(date('1970-01-01'), le.ended_on).days - 1 END AS ended_day
  WITH le, e, policy_roles, role_time, act_day, from_day,
       CASE WHEN ended_day < valid_to_day THEN ended_day ELSE valid_to_day END AS to_day
  MATCH (p:Person)-[r:LEGAL_REPRESENTATIVE|PRINCIPAL|DIRECTLY_RESPONSIBLE|ACTUAL_CONTROLLER|SHAREHOLDER]->(e)
  WHERE r.role IN policy_roles
  WITH le, e, p, r, role_time, act_day, from_day, to_day,
       CASE WHEN r.start IS NULL THEN $open_start
            ELSE duration.inDays(date('1970-01-01'), r.start).days END AS start_day,
       CASE WHEN r.end IS NULL THEN $open_end
            ELSE duration.inDays(date('1970-01-01'), r.end).days END AS end_day
  WITH le, e, p, r, role_time, from_day, to_day,
       role_time <> 'current' AND start_day <= act_day AND act_day <= end_day AND act_day > $open_start AS by_act,
       CASE WHEN from_day >= start_day THEN from_day ELSE start_day END AS overlap_from,
       CASE WHEN to_day <= end_day THEN to_day ELSE end_day END AS overlap_to
  WITH le, e, p, r, by_act,
       NOT by_act AND role_time <> 'act' AND overlap_from <= overlap_to AS by_current,
       CASE WHEN by_act THEN from_day ELSE overlap_from END AS record_from,
       CASE WHEN by_act THEN to_day ELSE overlap_to END AS record_to
  WHERE by_act OR by_current
  CREATE (:DerivedStaging {
    run: $run,
    staged_at: $staged_at,
    entry_pk: le.pk,
    role_pk: r.pk,
    person_pk: p.pk,
    enterprise_pk: e.pk,
    role: r.role,
    holder_basis: CASE WHEN by_act THEN 'act_date' ELSE 'current' END,
    valid_from: CASE WHEN record_from = $open_start THEN null
                     ELSE date('1970-01-01') + duration({days: record_from}) END,
    valid_to: CASE WHEN record_to = $open_end THEN null
                   ELSE date('1970-01-01') + duration({days: record_to}) END
  })
} IN TRANSACTIONS OF $batch ROWS
