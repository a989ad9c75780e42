// The whole measures list as version $version published it (R4): the forms that version brought or kept,
// each with the version that brought it and the days it is (was) in force.
// params: version
MATCH (m:Measure)
WHERE m.version <= $version
  AND (m.retired_in IS NULL OR m.retired_in > $version)
RETURN m {.*} AS measure
ORDER BY m.measure_id
