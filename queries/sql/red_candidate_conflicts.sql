-- Red candidates (R2, §二(四)): black entries that stand in the way of each candidate on :on. :candidates is a
-- JSON array of [entry id, subject type, subject code, list type]. Like red_conflicts.sql, a black entry counts
-- when it is effective and applies on :on:
--   1. the candidate subject's own black entry (always);
--   2. a derived record of a candidate person, through a firm;
--   3. for a candidate enterprise, a black entry of a person holding on :on one of the roles named by the
--      candidate's list type policy (:default_roles without a policy), own or derived through another firm.
-- 2 and 3 only when the list type's policy counts derived records (derived_counts_for_red, default yes).
-- Columns: candidate entry id, black entry id, firm code, firm name, person code, person name, role.
WITH candidate AS (
    SELECT json_extract(c.value, '$[0]') AS entry_id, s.pk AS subject_pk, json_extract(c.value, '$[3]') AS list_type
    FROM json_each(:candidates) AS c
    JOIN subjects AS s
      ON s.code = json_extract(c.value, '$[2]') AND s.subject_type = json_extract(c.value, '$[1]')
),
counting AS (
    SELECT c.entry_id, c.subject_pk, ';' || coalesce(p.roles, :default_roles) || ';' AS roles
    FROM candidate AS c
    LEFT JOIN list_policies AS p ON p.list_type = c.list_type
    WHERE coalesce(p.derived_counts_for_red, 1) = 1
),
holder AS (
    SELECT c.entry_id, c.subject_pk AS enterprise_pk, r.holder_pk, h.code, h.name, r.role
    FROM counting AS c
    JOIN roles AS r ON r.enterprise_pk = c.subject_pk
    JOIN subjects AS h ON h.pk = r.holder_pk AND h.subject_type = 'person'
    WHERE r.role != 'branch_of'
      AND instr(c.roles, ';' || r.role || ';') > 0
      AND r.start_date <= :on AND (r.end_date IS NULL OR r.end_date >= :on)
)
SELECT c.entry_id, b.entry_id, NULL, NULL, NULL, NULL, NULL
FROM candidate AS c
JOIN list_entries AS b ON b.subject_pk = c.subject_pk
WHERE b.kind = 'black' AND b.status = 'effective'
  AND b.valid_from <= :on AND (b.valid_to IS NULL OR b.valid_to >= :on)
  AND (b.ended_on IS NULL OR b.ended_on > :on)
UNION
SELECT c.entry_id, b.entry_id, ent.code, ent.name, NULL, NULL, NULL
FROM counting AS c
JOIN derived_records AS d ON d.person_pk = c.subject_pk
JOIN list_entries AS b ON b.pk = d.entry_pk
JOIN subjects AS ent ON ent.pk = d.enterprise_pk
WHERE b.status = 'effective'
  AND d.valid_from <= :on AND (d.valid_to IS NULL OR d.valid_to >= :on)
UNION
SELECT h.entry_id, b.entry_id, NULL, NULL, h.code, h.name, h.role
FROM holder AS h
JOIN list_entries AS b ON b.subject_pk = h.holder_pk
WHERE b.kind = 'black' AND b.status = 'effective'
  AND b.valid_from <= :on AND (b.valid_to IS NULL OR b.valid_to >= :on)
  AND (b.ended_on IS NULL OR b.ended_on > :on)
UNION
SELECT h.entry_id, b.entry_id, ent.code, ent.name, h.code, h.name, h.role
FROM holder AS h
JOIN derived_records AS d ON d.person_pk = h.holder_pk
JOIN list_entries AS b ON b.pk = d.entry_pk
JOIN subjects AS ent ON ent.pk = d.enterprise_pk
WHERE b.status = 'effective'
  -- the candidate's own black entry reaching its people is already a direct conflict
  AND d.enterprise_pk != h.enterprise_pk
  AND d.valid_from <= :on AND (d.valid_to IS NULL OR d.valid_to >= :on)
ORDER BY 1, 2, 3, 5
