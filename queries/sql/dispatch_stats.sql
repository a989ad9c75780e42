-- Trigger–feedback statistics (§八(三)) per department, or per department and measure when :by_measure:
-- dispatched, acknowledged, answered by newest outcome, unanswered, and overdue on :on.
WITH latest AS (
    SELECT f.dispatch_pk, f.outcome
    FROM dispatch_feedback AS f
    JOIN (SELECT dispatch_pk, max(pk) AS pk FROM dispatch_feedback GROUP BY dispatch_pk) AS m ON m.pk = f.pk
),
delivered AS (
    SELECT DISTINCT dispatch_pk FROM outbox WHERE event = 'dispatch' AND delivered_at IS NOT NULL
)
SELECT d.department,
       CASE WHEN :by_measure THEN d.measure_id END AS measure,
       count(*),
       sum(d.pk <= coalesce(c.acknowledged, 0) OR w.dispatch_pk IS NOT NULL OR l.outcome IS NOT NULL),
       sum(l.outcome = 'applied'),
       sum(l.outcome = 'not_applicable'),
       sum(l.outcome = 'failed'),
       sum(l.outcome IS NULL),
       sum(l.outcome IS NULL AND d.due_on < :on)
FROM dispatches AS d
LEFT JOIN latest AS l ON l.dispatch_pk = d.pk
LEFT JOIN delivered AS w ON w.dispatch_pk = d.pk
LEFT JOIN department_cursors AS c ON c.department = d.department
GROUP BY d.department, measure
ORDER BY d.department, measure
