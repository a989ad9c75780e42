// Which of $codes are stored as subjects of $subject_type (the loader resolves references with it).
// params: subject_type, codes
MATCH (s:Subject)
WHERE s.code IN $codes AND s.subject_type = $subject_type
RETURN s.code AS code
