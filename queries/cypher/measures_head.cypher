// The latest published version (null before the first publication) and the draft token: the newest
// change-log key (0 when none), which every draft change, import and publication moves.
// params:
OPTIONAL MATCH (v:MeasureVersion)
WITH max(v.version) AS latest
OPTIONAL MATCH (c:MeasureChange)
RETURN latest, coalesce(max(c.pk), 0) AS token
