// The current measures (the newest published version, or the imported list) of a list type and kind.
// params: kind, list_type
MATCH (m:Measure {list_type: $list_type, kind: $kind})
WHERE m.current = true
RETURN m {.*} AS measure
ORDER BY m.target, m.measure_id
