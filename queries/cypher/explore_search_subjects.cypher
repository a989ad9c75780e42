// Subjects for a search box, at most $limit: $code (the text upper-cased) equal to a code (rank 0) or a
// prefix of one (rank 1, by code), then $text contained in a name (rank 2; shorter names first, then name).
// Ties by key. A subject whose code matches is not also a name match, so no subject comes twice and each
// branch can stop at $limit. STARTS WITH uses the index subject_code, CONTAINS the text index
// subject_name_text (schema_explore).
// params: code, text, limit
CALL () {
  MATCH (s:Subject)
  WHERE s.code STARTS WITH $code
  WITH s
  ORDER BY s.code, s.pk
  LIMIT $limit
  RETURN s, CASE WHEN s.code = $code THEN 0 ELSE 1 END AS rank
  UNION ALL
  MATCH (s:Subject)
  WHERE s.name CONTAINS $text AND NOT s.code STARTS WITH $code
  WITH s
  ORDER BY size(s.name), s.name, s.pk
  LIMIT $limit
  RETURN s, 2 AS rank
}
RETURN s {.*} AS subject
ORDER BY rank,
         CASE WHEN rank < 2 THEN s.code END,
         CASE WHEN rank = 2 THEN size(s.name) END,
         CASE WHEN rank = 2 THEN s.name END,
         s.pk
LIMIT $limit
