-- A person to try the check on (printed by `credlink serve`/`demo`): first one reached through a firm on
-- :day by a black-list measure for the business item :item (';'-delimited LIKE pattern), ordered by pk.
SELECT h.code
FROM derived_records AS d
JOIN subjects AS h ON h.pk = d.person_pk
JOIN list_entries AS e ON e.pk = d.entry_pk
JOIN measures AS m ON m.kind = e.kind AND m.list_type = e.list_type AND m.target = d.role
     AND m.valid_from <= :day AND (m.valid_to IS NULL OR m.valid_to >= :day)
WHERE e.status = 'effective' AND e.kind = 'black'
  AND d.valid_from <= :day AND (d.valid_to IS NULL OR d.valid_to >= :day)
  AND (';' || m.business_items || ';') LIKE :item
ORDER BY d.pk
LIMIT 1
