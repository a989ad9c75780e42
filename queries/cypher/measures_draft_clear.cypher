// Empty the draft (a discard or a publication).
// params:
MATCH (d:MeasureDraft)
DELETE d
