-- For each subject of :subjects (a JSON array of keys), how many role edges explore_role_edges.sql would
-- return for it alone with the same :at and :roles: edges it holds plus edges of it as the enterprise, an
-- edge counted once. Subjects without edges give no row. Same indexes as explore_role_edges.sql.
WITH ends (subject_pk, role_pk) AS (
    SELECT r.holder_pk, r.pk
    FROM roles AS r
    WHERE r.holder_pk IN (SELECT value FROM json_each(:subjects))
      AND (:at IS NULL OR (r.start_date <= :at AND (r.end_date IS NULL OR r.end_date >= :at)))
      AND (:roles IS NULL OR r.role IN (SELECT value FROM json_each(:roles)))
    UNION
    SELECT r.enterprise_pk, r.pk
    FROM roles AS r
    WHERE r.enterprise_pk IN (SELECT value FROM json_each(:subjects))
      AND (:at IS NULL OR (r.start_date <= :at AND (r.end_date IS NULL OR r.end_date >= :at)))
      AND (:roles IS NULL OR r.role IN (SELECT value FROM json_each(:roles)))
)
SELECT subject_pk, count(*)
FROM ends
GROUP BY subject_pk
