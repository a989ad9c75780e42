-- Search box, by name: the subjects among :candidates (a JSON array of keys, or NULL for every subject)
-- whose name contains :text, letters compared case-insensitively; shortest name first, then by name and
-- key. With NULL candidates this walks subjects_by_name_length in order from names as long as the text
-- (:min_length) and stops at :limit.
SELECT s.pk, s.subject_type, s.code, s.name, s.enterprise_kind, s.enterprise_status, s.region_code,
       s.established
FROM subjects AS s
WHERE (:candidates IS NULL OR s.pk IN (SELECT value FROM json_each(:candidates)))
  AND length(s.name) >= :min_length
  AND instr(lower(s.name), lower(:text)) > 0
ORDER BY length(s.name), s.name, s.pk
LIMIT :limit
