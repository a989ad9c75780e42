// Loading list policies, step 2: write the new and changed ones (a null value removes the property).
// $rows: [{list_type, roles (list), role_time, derived_counts_for_red, repair_min_days, publicity_days,
// black_skip_publicity}].
// params: rows
UNWIND $rows AS row
MERGE (lp:ListPolicy {list_type: row.list_type})
SET lp.roles = row.roles,
    lp.role_time = row.role_time,
    lp.derived_counts_for_red = row.derived_counts_for_red,
    lp.repair_min_days = row.repair_min_days,
    lp.publicity_days = row.publicity_days,
    lp.black_skip_publicity = row.black_skip_publicity
