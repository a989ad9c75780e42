-- Role edges where the subject is the holder or the enterprise, oldest first.
SELECT r.pk, h.subject_type, h.code, h.name, ent.code, ent.name, r.role, r.start_date, r.end_date, r.ratio
FROM roles AS r
JOIN subjects AS h ON h.pk = r.holder_pk
JOIN subjects AS ent ON ent.pk = r.enterprise_pk
WHERE r.holder_pk = :subject_pk
UNION ALL
SELECT r.pk, h.subject_type, h.code, h.name, ent.code, ent.name, r.role, r.start_date, r.end_date, r.ratio
FROM roles AS r
JOIN subjects AS h ON h.pk = r.holder_pk
JOIN subjects AS ent ON ent.pk = r.enterprise_pk
WHERE r.enterprise_pk = :subject_pk AND r.holder_pk != :subject_pk
ORDER BY 8, 1
