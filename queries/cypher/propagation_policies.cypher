// One row per (list type, role) a list policy names, with the policy's role_time (empty names skipped, as
// the embedded store skips them when it splits its role list).
// params:
MATCH (lp:ListPolicy)
UNWIND coalesce(lp.roles, []) AS role
WITH lp, role
WHERE role IS NOT NULL AND role <> ''
RETURN lp.list_type AS list_type, role, lp.role_time AS role_time
ORDER BY list_type, role
