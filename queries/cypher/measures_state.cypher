// Per measure id of $rows ([{measure_id}]): its current form and the draft's change to it (either null).
// One row per input row, in input order.
// params: rows
UNWIND $rows AS row
OPTIONAL MATCH (m:Measure {measure_id: row.measure_id})
  WHERE m.current = true
OPTIONAL MATCH (d:MeasureDraft {measure_id: row.measure_id})
RETURN row.measure_id AS measure_id, m {.*} AS current, d {.*} AS draft
