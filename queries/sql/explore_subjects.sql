-- Subjects by key (:subjects, a JSON array of pks); unknown keys give no row. Primary-key lookups.
SELECT s.pk, s.subject_type, s.code, s.name, s.enterprise_kind, s.enterprise_status, s.region_code,
       s.established
FROM subjects AS s
WHERE s.pk IN (SELECT value FROM json_each(:subjects))
