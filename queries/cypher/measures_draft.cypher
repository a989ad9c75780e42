// The draft's changes by measure id (a 'remove' has no fields).
// params:
MATCH (d:MeasureDraft)
RETURN d {.*} AS draft
ORDER BY d.measure_id
