// How many forms of measures were imported before any publication (version 0, current or since retired).
// params:
MATCH (m:Measure)
WHERE m.version = 0
RETURN count(m) AS imported
