// Effective red entries whose subject has an effective black entry applying on $on (R2, cross-comparison):
// directly (firm null), or through a firm (a derived record reaching the red subject) when the red list
// type's policy counts derived records (no policy: it does). One row per (red entry, black entry, firm), by
// red entry key, black entry id, direct first; the caller keeps each red entry's first row.
// params: on
MATCH (r:ListEntry {kind: 'red', status: 'effective'})-[:CONCERNS]->(s:Subject)
CALL (r, s) {
  MATCH (s)<-[:CONCERNS]-(b:ListEntry {kind: 'black', status: 'effective'})
  WHERE b.valid_from <= $on
    AND (b.valid_to IS NULL OR b.valid_to >= $on)
    AND (b.ended_on IS NULL OR b.ended_on > $on)
  RETURN b.entry_id AS black_entry_id, null AS firm
  UNION ALL
  OPTIONAL MATCH (lp:ListPolicy {list_type: r.list_type})
  WITH s, lp
  WHERE coalesce(lp.derived_counts_for_red, true) IN [true, 1]
  MATCH (s)<-[:REACHES]-(d:DerivedRecord)<-[:DERIVES]-(b:ListEntry {status: 'effective'})
  MATCH (d)-[:THROUGH]->(ent:Subject)
  WHERE d.valid_from <= $on AND (d.valid_to IS NULL OR d.valid_to >= $on)
  RETURN b.entry_id AS black_entry_id, ent.name + '（' + ent.code + '）' AS firm
}
RETURN r {.*, subject_code: s.code, subject_name: s.name} AS entry, black_entry_id, firm
ORDER BY r.pk, black_entry_id, firm IS NOT NULL, firm
