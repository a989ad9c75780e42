-- Role edges where any subject of :subjects (a JSON array of keys) is the holder or the enterprise, each
-- once, by pk: in force on :at when set (start <= :at <= end; an open start is '' and an open end NULL),
-- of the roles in :roles (a JSON array) when set; :offset skipped, at most :limit (-1: all).
-- Uses the index of UNIQUE (holder_pk, ...) and roles_by_enterprise.
SELECT r.pk, r.holder_pk, r.enterprise_pk, r.role, r.start_date, r.end_date, r.ratio
FROM roles AS r
WHERE r.pk IN (SELECT h.pk FROM roles AS h WHERE h.holder_pk IN (SELECT value FROM json_each(:subjects))
               UNION
               SELECT f.pk FROM roles AS f WHERE f.enterprise_pk IN (SELECT value FROM json_each(:subjects)))
  AND (:at IS NULL OR (r.start_date <= :at AND (r.end_date IS NULL OR r.end_date >= :at)))
  AND (:roles IS NULL OR r.role IN (SELECT value FROM json_each(:roles)))
ORDER BY r.pk
LIMIT :limit OFFSET :offset
