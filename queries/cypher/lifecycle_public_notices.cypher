// Published notices (§五(二), §六(三)): exit and correction notices — never the apology or the benefits to
// reclaim, addressed to the subject — of $kind when set, published from $since (when set) up to $until,
// newest first (published_on, then pk, both descending), one keyset page after ($after_on, $after_pk) when
// set; each with its entry and subject, for masking a person's data. Uses notice_by_day.
// params: until, kind, since, after_on, after_pk, limit
MATCH (n:Notice)
WHERE n.kind IN ['exit', 'correction']
  AND ($kind IS NULL OR n.kind = $kind)
  AND n.published_on <= $until
  AND ($since IS NULL OR n.published_on >= $since)
  AND ($after_on IS NULL
       OR n.published_on < $after_on
       OR (n.published_on = $after_on AND n.pk < $after_pk))
MATCH (le:ListEntry)-[:HAS_NOTICE]->(n)
MATCH (le)-[:CONCERNS]->(s:Subject)
RETURN n.pk AS pk, n.entry_pk AS entry_pk, le.entry_id AS entry_id, n.kind AS kind,
       n.published_on AS published_on, n.text AS text,
       le {.*, subject_code: s.code, subject_name: s.name} AS entry
ORDER BY n.published_on DESC, n.pk DESC
LIMIT $limit
