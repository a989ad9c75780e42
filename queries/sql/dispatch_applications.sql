-- Measure applications in force on :at for the entries in temp.dispatch_scope (R8): a measure of the
-- measures list reaching a subject through an entry, directly (role_pk 0, target 'subject') or along a
-- derived record (the role's target), with the version of the measures list in force that day, unless the entry is suspended pending verification that day (R5).
-- The fingerprints say what a department was told, so that a later run sees what changed.
SELECT e.pk, e.subject_pk, 0, m.measure_id, m.implementing_department,
       json_array(e.kind, e.list_type, e.department, e.basis, e.act_date, e.decided_on, e.valid_from,
                  e.valid_to, e.ended_on),
       json_array(m.content, m.target, m.legal_basis, m.business_items, m.initiating_department,
                  m.sharing_method),
       '',
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
           'path', NULL)
FROM temp.dispatch_scope AS sc
JOIN list_entries AS e ON e.pk = sc.entry_pk
JOIN subjects AS s ON s.pk = e.subject_pk
JOIN measures AS m ON m.list_type = e.list_type AND m.kind = e.kind AND m.target = 'subject'
                   AND m.valid_from <= :at AND (m.valid_to IS NULL OR m.valid_to >= :at)
WHERE e.status IN ('effective', 'under_verification', 'expired', 'repaired', 'removed')
  AND (e.ended_on IS NULL OR e.ended_on > :at)
  AND e.valid_from <= :at
  AND (e.valid_to IS NULL OR e.valid_to >= :at)
  AND NOT EXISTS (SELECT 1 FROM entry_suspensions AS x
                  WHERE x.entry_pk = e.pk AND x.from_date <= :at AND (x.to_date IS NULL OR x.to_date >= :at))
UNION ALL
SELECT e.pk, d.person_pk, d.role_pk, m.measure_id, m.implementing_department,
       json_array(e.kind, e.list_type, e.department, e.basis, e.act_date, e.decided_on, e.valid_from,
                  e.valid_to, e.ended_on),
       json_array(m.content, m.target, m.legal_basis, m.business_items, m.initiating_department,
                  m.sharing_method),
       json_array(r.role, r.start_date, r.end_date, d.holder_basis, d.valid_from, d.valid_to),
       json_object(
           'subject', json_object('type', h.subject_type, 'code', h.code, 'name', h.name),
           'entry', json_object('entry_id', e.entry_id, 'kind', e.kind, 'list_type', e.list_type,
                                'department', e.department, 'basis', e.basis, 'act_date', e.act_date,
                                'decided_on', e.decided_on, 'valid_from', e.valid_from,
                                'valid_to', e.valid_to, 'status', e.status),
           'measure', json_object('measure_id', m.measure_id, 'content', m.content, 'target', m.target,
                                  'legal_basis', m.legal_basis, 'business_items', m.business_items,
                                  'initiating_department', m.initiating_department,
                                  'implementing_department', m.implementing_department,
                                  'sharing_method', m.sharing_method),
           'path', json_object('enterprise_code', f.code, 'enterprise_name', f.name, 'role', r.role,
                               'role_start', nullif(r.start_date, ''), 'role_end', r.end_date,
                               'holder_basis', d.holder_basis, 'valid_from', d.valid_from,
                               'valid_to', d.valid_to))
FROM temp.dispatch_scope AS sc
JOIN list_entries AS e ON e.pk = sc.entry_pk
JOIN derived_records AS d ON d.entry_pk = e.pk
JOIN roles AS r ON r.pk = d.role_pk
JOIN subjects AS h ON h.pk = d.person_pk
JOIN subjects AS f ON f.pk = d.enterprise_pk
JOIN measures AS m ON m.list_type = e.list_type AND m.kind = e.kind AND m.target = d.role
                   AND m.valid_from <= :at AND (m.valid_to IS NULL OR m.valid_to >= :at)
WHERE e.status IN ('effective', 'under_verification', 'expired', 'repaired', 'removed')
  AND (e.ended_on IS NULL OR e.ended_on > :at)
  AND d.valid_from <= :at
  AND (d.valid_to IS NULL OR d.valid_to >= :at)
  AND NOT EXISTS (SELECT 1 FROM entry_suspensions AS x
                  WHERE x.entry_pk = e.pk AND x.from_date <= :at AND (x.to_date IS NULL OR x.to_date >= :at))
