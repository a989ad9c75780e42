// Every subject stored under $code (at most one per subject type), enterprise before person.
// params: code
MATCH (s:Subject {code: $code})
RETURN s {.*} AS subject
ORDER BY s.subject_type
