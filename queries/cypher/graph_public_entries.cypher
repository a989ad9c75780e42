// The public list (§六(三), R10): entries that apply on $at — effective or under verification then, never
// draft, publicised or revoked (an entry expired, repaired or removed since still applied on $at) — newest
// first (valid_from, then entry_id, both descending), one keyset page after ($after_from, $after_id) when
// set. $kind and $list_type filter when set. When $search is set, only subjects found by it: an enterprise
// by a substring of its name (case-insensitive, as SQLite's LIKE; no wildcards) or its exact code ($code,
// compacted), a person by the exact code only, never by name. As queries/sql/public_entries.sql.
// params: at, kind, list_type, search, code, after_from, after_id, limit
MATCH (le:ListEntry)-[:CONCERNS]->(s:Subject)
WHERE le.status IN ['effective', 'under_verification', 'expired', 'repaired', 'removed']
  AND le.valid_from <= $at
  AND (le.valid_to IS NULL OR le.valid_to >= $at)
  AND (le.ended_on IS NULL OR le.ended_on > $at)
  AND ($kind IS NULL OR le.kind = $kind)
  AND ($list_type IS NULL OR le.list_type = $list_type)
  AND ($search IS NULL
       OR s.code = $code
       OR (s.subject_type = 'enterprise' AND toLower(s.name) CONTAINS toLower($search)))
  AND ($after_from IS NULL
       OR le.valid_from < $after_from
       OR (le.valid_from = $after_from AND le.entry_id < $after_id))
RETURN le {.*, subject_code: s.code, subject_name: s.name} AS entry
ORDER BY le.valid_from DESC, le.entry_id DESC
LIMIT $limit
