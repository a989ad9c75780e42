// Every published version, oldest first.
// params:
MATCH (v:MeasureVersion)
RETURN v {.*} AS version
ORDER BY v.version
