// List-status badges of the subjects $pks on $at, from exactly the rows graph_check_direct and
// graph_check_derived would return (measures left out: an entry that applies gives a row with or without
// one): the kinds of the subject's own entries that apply, 'derived' when a derived record of an entry that
// still applies reaches the person through its role edge, and whether any of those entries is suspended
// on $at. Subjects with none give no row.
// params: pks, at
UNWIND $pks AS pk
CALL (pk) {
  MATCH (:Subject {pk: pk})<-[:CONCERNS]-(le:ListEntry)
  WHERE le.status IN ['effective', 'under_verification', 'expired', 'repaired', 'removed']
    AND (le.ended_on IS NULL OR le.ended_on > $at)
    AND le.valid_from <= $at
    AND (le.valid_to IS NULL OR le.valid_to >= $at)
  RETURN le.kind AS flag, le
  UNION ALL
  MATCH (p:Person {pk: pk})<-[:REACHES]-(d:DerivedRecord)<-[:DERIVES]-(le:ListEntry)
  WHERE d.valid_from <= $at
    AND (d.valid_to IS NULL OR d.valid_to >= $at)
    AND le.status IN ['effective', 'under_verification', 'expired', 'repaired', 'removed']
    AND (le.ended_on IS NULL OR le.ended_on > $at)
    AND EXISTS {
      MATCH (d)-[:THROUGH]->(e:Enterprise)<-[r:LEGAL_REPRESENTATIVE|PRINCIPAL|DIRECTLY_RESPONSIBLE|ACTUAL_CONTROLLER|SHAREHOLDER|BRANCH_OF]-(p)
      WHERE r.pk = d.role_pk
    }
  RETURN 'derived' AS flag, le
}
WITH pk, flag,
     EXISTS {
       MATCH (le)-[:SUSPENDED]->(x:Suspension)
       WHERE x.from_date <= $at AND (x.to_date IS NULL OR x.to_date >= $at)
     } AS held
RETURN pk, collect(DISTINCT flag) AS flags, count(CASE WHEN held THEN 1 END) > 0 AS suspended
ORDER BY pk
