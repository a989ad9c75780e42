// Loading list policies, step 1: what the store holds for each $rows list_type (current null: none), to tell
// inserted, updated and unchanged rows apart. $rows: [{list_type}].
// params: rows
UNWIND $rows AS row
OPTIONAL MATCH (lp:ListPolicy {list_type: row.list_type})
RETURN row.list_type AS list_type,
       lp {.roles, .role_time, .derived_counts_for_red, .repair_min_days, .publicity_days,
           .black_skip_publicity} AS current
