// Close the current forms of the measures a publication changes or removes ($rows: [{measure_id}]):
// in force until $valid_to (the day before the publication), retired in $version. Returns the ids closed;
// one missing means that measure was not current.
// params: rows, version, valid_to
UNWIND $rows AS row
MATCH (m:Measure {measure_id: row.measure_id})
  WHERE m.current = true
SET m.retired_in = $version,
    m.valid_to = $valid_to,
    m.current = false
RETURN m.measure_id AS measure_id
