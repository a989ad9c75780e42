// Subjects for a search box, at most $limit, each once: $code (the text upper-cased) equal to a code
// (rank 0) or a prefix of a longer one (rank 1), by code and subject type; then names containing $text
// (rank 2), shorter names first, then by name and key. A subject whose code matches is no name match, so
// each branch can stop at $limit.
// Names: with $fold, letters are compared case-insensitively (toLower); $anchor is a part of $text without
// ASCII letters (the text itself when it has none, then $fold is false) that a match holds as typed, so the
// text index subject_name_text (schema_explore) finds the candidates. STARTS WITH uses subject_code.
// params: code, text, anchor, fold, limit
CALL () {
  MATCH (s:Subject)
  WHERE s.code STARTS WITH $code
  WITH s
  ORDER BY s.code, s.subject_type
  LIMIT $limit
  RETURN s, CASE WHEN s.code = $code THEN 0 ELSE 1 END AS rank
  UNION ALL
  MATCH (s:Subject)
  WHERE s.name CONTAINS $anchor
    AND ($fold = false OR toLower(s.name) CONTAINS toLower($text))
    AND NOT s.code STARTS WITH $code
  WITH s
  ORDER BY size(s.name), s.name, s.pk
  LIMIT $limit
  RETURN s, 2 AS rank
}
RETURN s {.*} AS subject
ORDER BY rank,
         CASE WHEN rank < 2 THEN s.code END,
         CASE WHEN rank < 2 THEN s.subject_type END,
         CASE WHEN rank = 2 THEN size(s.name) END,
         CASE WHEN rank = 2 THEN s.name END,
         s.pk
LIMIT $limit
