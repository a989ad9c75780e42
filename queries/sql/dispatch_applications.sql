-- Measure applications in force on :at for the entries in temp.dispatch_scope (R8): a measure of the
-- measures list (the version in force that day) reaching a subject through an entry, directly (role_pk 0,
-- target 'subject') or along a derived record (the role's target), unless the entry is suspended pending
-- verification that day (R5). The fingerprints say what a department was told, so that a later run sees
-- what changed; the payload is what the department needs to act. CROSS JOIN keeps SQLite driving from the
-- scope (one entry after an action), through derived_records' (entry_pk, role_pk) index.
WITH reached AS (
    SELECT e.pk AS entry_pk, e.subject_pk, 0 AS role_pk, 'subject' AS target, NULL AS derived_pk
    FROM temp.dispatch_scope AS sc
    CROSS JOIN list_entries AS e ON e.pk = sc.entry_pk
    WHERE e.valid_from <= :at AND (e.valid_to IS NULL OR e.valid_to >= :at)
    UNION ALL
    SELECT d.entry_pk, d.person_pk, d.role_pk, d.role, d.pk
    FROM temp.dispatch_scope AS sc
    CROSS JOIN derived_records AS d ON d.entry_pk = sc.entry_pk
    WHERE d.valid_from <= :at AND (d.valid_to IS NULL OR d.valid_to >= :at)
)
SELECT e.pk, x.subject_pk, x.role_pk, m.measure_id, m.implementing_department,
       json_array(e.kind, e.list_type, e.department, e.basis, e.act_date, e.decided_on, e.valid_from,
                  e.valid_to, e.ended_on),
       json_array(m.content, m.target, m.legal_basis, m.business_items, m.initiating_department,
                  m.sharing_method),
       CASE WHEN d.pk IS NULL THEN ''
            ELSE json_array(r.role, r.start_date, r.end_date, d.holder_basis, d.valid_from, d.valid_to) END,
       json_object(
           'subject', json_object('type', s.subject_type, 'code', s.code, 'name', s.name),
           'entry', json_object('entry_id', e.entry_id, 'kind', e.kind, 'list_type', e.list_type,
                                'department', e.department, 'basis', e.basis, 'act_date', e.act_date,
                                'decided_on', e.decided_on, 'valid_from', e.valid_from,
                                'valid_to', e.valid_to, 'status', e.status),
           'measure', json_object('measure_id', m.measure_id, 'content', m.content, 'target', m.target,
                                  'legal_basis', m.legal_basis, 'business_items', m.business_items,
                                  'initiating_department', m.initiating_department,
                                  'implementing_department', m.implementing_department,
                                  'sharing_method', m.sharing_method),
           'path', CASE WHEN d.pk IS NULL THEN NULL
                        ELSE json_object('enterprise_code', f.code, 'enterprise_name', f.name, 'role', r.role,
                                         'role_start', nullif(r.start_date, ''), 'role_end', r.end_date,
                                         'holder_basis', d.holder_basis, 'valid_from', d.valid_from,
                                         'valid_to', d.valid_to) END)
FROM reached AS x
JOIN list_entries AS e ON e.pk = x.entry_pk
JOIN subjects AS s ON s.pk = x.subject_pk
JOIN measures AS m ON m.list_type = e.list_type AND m.kind = e.kind AND m.target = x.target
                   AND m.valid_from <= :at AND (m.valid_to IS NULL OR m.valid_to >= :at)
LEFT JOIN derived_records AS d ON d.pk = x.derived_pk
LEFT JOIN roles AS r ON r.pk = d.role_pk
LEFT JOIN subjects AS f ON f.pk = d.enterprise_pk
WHERE e.status IN ('effective', 'under_verification', 'expired', 'repaired', 'removed')
  AND (e.ended_on IS NULL OR e.ended_on > :at)
  AND NOT EXISTS (SELECT 1 FROM entry_suspensions AS z
                  WHERE z.entry_pk = e.pk AND z.from_date <= :at AND (z.to_date IS NULL OR z.to_date >= :at))
