// The cross-comparison conflicts recorded for the entries of one preliminary list, by entry id then key.
// params: list_pk
MATCH (le:ListEntry)-[:LISTED_IN]->(:PreliminaryList {pk: $list_pk})
MATCH (le)-[:HAS_CONFLICT]->(c:Conflict)
RETURN le.entry_id AS entry_id, c.black_entry_id AS black_entry_id, c.firm_code AS firm_code,
       c.firm_name AS firm_name, c.person_code AS person_code, c.person_name AS person_name, c.role AS role,
       c.found_on AS found_on, c.stage AS stage
ORDER BY le.entry_id, c.pk
