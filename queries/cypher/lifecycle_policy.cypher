// The lifecycle settings of a list type's policy (no row: no policy for the type).
// params: list_type
MATCH (lp:ListPolicy {list_type: $list_type})
RETURN lp.repair_min_days AS repair_min_days, lp.publicity_days AS publicity_days,
       lp.black_skip_publicity AS black_skip_publicity
