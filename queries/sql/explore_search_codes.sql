-- Search box, by code: subjects whose code is :code (exact matches, :exact = 1) or starts with it and is
-- longer (prefixes, :exact = 0; :code_end is :code followed by the highest character, so the range is
-- every longer code with that prefix). Codes are stored compacted and upper-case; the caller upper-cases
-- :code. Uses the index of UNIQUE (code, subject_type) in its order, so a short prefix stops at :limit.
SELECT s.pk, s.subject_type, s.code, s.name, s.enterprise_kind, s.enterprise_status, s.region_code,
       s.established
FROM subjects AS s
WHERE (:exact = 1 AND s.code = :code)
   OR (:exact = 0 AND s.code > :code AND s.code < :code_end)
ORDER BY s.code, s.subject_type
LIMIT :limit
