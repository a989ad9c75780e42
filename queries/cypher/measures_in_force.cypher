// The measures in force on $at (R4, R11): the forms whose validity covers the day (valid_from missing:
// since ever; valid_to missing: still in force).
// params: at
MATCH (m:Measure)
WHERE (m.valid_from IS NULL OR m.valid_from <= $at)
  AND (m.valid_to IS NULL OR m.valid_to >= $at)
RETURN m {.*} AS measure
ORDER BY m.measure_id
