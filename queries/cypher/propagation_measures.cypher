// Current black measures with a person target (what derived records can receive).
// params:
MATCH (m:Measure)
WHERE m.kind = 'black' AND m.target <> 'subject' AND m.valid_to IS NULL
RETURN m.pk AS measure_pk, m.list_type AS list_type, m.target AS target
ORDER BY measure_pk
