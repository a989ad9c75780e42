// Role edges where subject $subject_pk is the holder or the enterprise (an edge from the subject to itself
// once), oldest first: an open start (null) before every date, then by start, then by key — as the
// embedded store, whose open start '' sorts first.
// params: subject_pk
CALL () {
  MATCH (h:Subject {pk: $subject_pk})-[r:LEGAL_REPRESENTATIVE|PRINCIPAL|DIRECTLY_RESPONSIBLE|ACTUAL_CONTROLLER|SHAREHOLDER|BRANCH_OF]->(e:Enterprise)
  RETURN h, r, e
  UNION ALL
  MATCH (h:Subject)-[r:LEGAL_REPRESENTATIVE|PRINCIPAL|DIRECTLY_RESPONSIBLE|ACTUAL_CONTROLLER|SHAREHOLDER|BRANCH_OF]->(e:Enterprise {pk: $subject_pk})
  WHERE h.pk <> $subject_pk
  RETURN h, r, e
}
RETURN {pk: r.pk, role: r.role, start: r.start, end: r.end, ratio: r.ratio, holder_type: h.subject_type,
        holder_code: h.code, holder_name: h.name, enterprise_uscc: e.code, enterprise_name: e.name} AS role
ORDER BY r.start IS NOT NULL, r.start, r.pk
