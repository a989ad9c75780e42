-- Effective red entries whose subject has an effective black entry applying on :on (R2, cross-comparison):
-- directly, or through a firm (a derived record) when the red list type's policy counts derived records.
-- Columns: red entry pk, black entry id, the firm it came through (NULL when direct).
SELECT r.pk, b.entry_id, NULL
FROM list_entries AS r
JOIN list_entries AS b ON b.subject_pk = r.subject_pk
WHERE r.kind = 'red' AND r.status = 'effective'
  AND b.kind = 'black' AND b.status = 'effective'
  AND b.valid_from <= :on AND (b.valid_to IS NULL OR b.valid_to >= :on)
  AND (b.ended_on IS NULL OR b.ended_on > :on)
UNION ALL
SELECT r.pk, b.entry_id, ent.name || '（' || ent.code || '）'
FROM list_entries AS r
JOIN derived_records AS d ON d.person_pk = r.subject_pk
JOIN list_entries AS b ON b.pk = d.entry_pk
JOIN subjects AS ent ON ent.pk = d.enterprise_pk
LEFT JOIN list_policies AS p ON p.list_type = r.list_type
WHERE r.kind = 'red' AND r.status = 'effective'
  AND coalesce(p.derived_counts_for_red, 1) = 1
  AND b.status = 'effective'
  AND d.valid_from <= :on AND (d.valid_to IS NULL OR d.valid_to >= :on)
ORDER BY 1, 2
