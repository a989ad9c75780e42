// Drop the draft's change to measure $measure_id (nothing if it has none).
// params: measure_id
MATCH (d:MeasureDraft {measure_id: $measure_id})
DELETE d
