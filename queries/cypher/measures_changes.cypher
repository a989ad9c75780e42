// The newest $limit changes of the measures list (of measure $measure_id; every one when it is null),
// newest first.
// params: measure_id, limit
MATCH (c:MeasureChange)
WHERE $measure_id IS NULL OR c.measure_id = $measure_id
RETURN c {.*} AS change
ORDER BY c.pk DESC
LIMIT $limit
