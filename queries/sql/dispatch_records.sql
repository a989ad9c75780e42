-- Dispatches with their entry id, newest feedback and whether the department has acknowledged them
-- (read past them in its feed, a delivered webhook, or any feedback). The adapter completes it with one
-- fixed WHERE / ORDER BY / LIMIT clause per use; values are always bound parameters.
SELECT d.pk, d.run_pk, d.department, d.action, d.reason, d.recall, e.entry_id, d.measure_id, d.payload,
       d.created_at, d.created_on, d.due_on, d.recalled_by,
       (SELECT f.outcome FROM dispatch_feedback AS f WHERE f.dispatch_pk = d.pk ORDER BY f.pk DESC LIMIT 1),
       (d.pk <= coalesce((SELECT c.acknowledged FROM department_cursors AS c
                          WHERE c.department = d.department), 0)
        OR EXISTS (SELECT 1 FROM outbox AS o
                   WHERE o.dispatch_pk = d.pk AND o.event = 'dispatch' AND o.delivered_at IS NOT NULL)
        OR EXISTS (SELECT 1 FROM dispatch_feedback AS f WHERE f.dispatch_pk = d.pk))
FROM dispatches AS d
JOIN list_entries AS e ON e.pk = d.entry_pk
