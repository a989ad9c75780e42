// Counts per kind of record for the health endpoint, as the embedded store's stats(): subjects by type, role
// edges, list entries, current measures (valid_to null), list policies, derived records, and the entries
// queued for propagation (distinct entry_pk of the Change queue). Each CALL returns exactly one row.
// params:
CALL () { MATCH (s:Enterprise) RETURN count(s) AS enterprises }
CALL () { MATCH (s:Person) RETURN count(s) AS persons }
CALL () { MATCH ()-[r:LEGAL_REPRESENTATIVE|PRINCIPAL|DIRECTLY_RESPONSIBLE|ACTUAL_CONTROLLER|SHAREHOLDER|BRANCH_OF]->() RETURN count(r) AS roles }
CALL () { MATCH (le:ListEntry) RETURN count(le) AS list_entries }
CALL () { MATCH (m:Measure) WHERE m.valid_to IS NULL RETURN count(m) AS measures }
CALL () { MATCH (lp:ListPolicy) RETURN count(lp) AS list_policies }
CALL () { MATCH (d:DerivedRecord) RETURN count(d) AS derived_records }
CALL () { MATCH (c:Change) RETURN count(DISTINCT c.entry_pk) AS pending_changes }
RETURN enterprises, persons, roles, list_entries, measures, list_policies, derived_records, pending_changes
