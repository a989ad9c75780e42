// An entry's objections, in the order they were filed.
// params: entry_pk
MATCH (:ListEntry {pk: $entry_pk})-[:HAS_OBJECTION]->(o:Objection)
RETURN o.pk AS pk, o.entry_pk AS entry_pk, o.filed_on AS filed_on, o.filed_by AS filed_by, o.reason AS reason,
       o.status AS status, o.resolved_on AS resolved_on, o.resolved_by AS resolved_by, o.resolution AS resolution
ORDER BY o.pk
