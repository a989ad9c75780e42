-- Published notices (§五(二), §六(三)): exit and correction notices — never the apology or the benefits to
-- reclaim, which are addressed to the subject — of :kind when set, published from :since (when set) up to
-- :until, newest first (published_on, then pk, both descending), one keyset page after (:after_on,
-- :after_pk) when those are set; each with its entry and subject, for masking a person's data.
-- Uses notices_by_day.
SELECT n.pk, n.entry_pk, e.entry_id, n.kind, n.published_on, n.text,
       e.pk, e.entry_id, s.subject_type, s.code, s.name, e.kind, e.list_type, e.department, e.basis,
       e.act_date, e.decided_on, e.valid_from, e.valid_to, e.status, e.ended_on
FROM notices AS n
JOIN list_entries AS e ON e.pk = n.entry_pk
JOIN subjects AS s ON s.pk = e.subject_pk
WHERE n.kind IN ('exit', 'correction')
  AND (:kind IS NULL OR n.kind = :kind)
  AND n.published_on <= :until
  AND (:since IS NULL OR n.published_on >= :since)
  AND (:after_on IS NULL
       OR n.published_on < :after_on
       OR (n.published_on = :after_on AND n.pk < :after_pk))
ORDER BY n.published_on DESC, n.pk DESC
LIMIT :limit
