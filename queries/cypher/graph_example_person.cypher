// A person to try the check on (printed by `credlink serve`/`demo`): the id number of one reached through a
// firm on $day by an effective black entry with a measure aimed at the record's role, in force on $day,
// that lists the business item $item. Derived records have no key of their own here: the first by
// (entry key, role edge key) is taken (the embedded store takes its first row by insertion).
// params: day, item
MATCH (le:ListEntry)-[:DERIVES]->(d:DerivedRecord)-[:REACHES]->(p:Person)
WHERE le.status = 'effective' AND le.kind = 'black'
  AND d.valid_from <= $day
  AND (d.valid_to IS NULL OR d.valid_to >= $day)
  AND EXISTS {
    MATCH (m:Measure)
    WHERE m.kind = le.kind AND m.list_type = le.list_type AND m.target = d.role
      AND (m.valid_from IS NULL OR m.valid_from <= $day)
      AND (m.valid_to IS NULL OR m.valid_to >= $day)
      AND $item IN m.business_items
  }
RETURN p.code AS code
ORDER BY d.entry_pk, d.role_pk
LIMIT 1
