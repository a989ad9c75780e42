-- The public list (§六(三), R10): entries that apply on :at — effective or under verification then, never
-- draft, publicised or revoked — newest first (valid_from, then entry_id, both descending), one keyset page
-- after (:after_from, :after_id) when those are set. :kind and :list_type filter when set. When :search is
-- set, only subjects found by it: an enterprise by a substring of its name (:name_like, a LIKE pattern
-- escaped with '\') or by its exact code, a person by the exact code only (:code), never by name.
-- Statuses: an entry expired, repaired or removed since :at still applied on :at; ended_on and valid_to
-- say when it stopped.
SELECT e.pk, e.entry_id, s.subject_type, s.code, s.name, e.kind, e.list_type, e.department, e.basis,
       e.act_date, e.decided_on, e.valid_from, e.valid_to, e.status, e.ended_on
FROM list_entries AS e
JOIN subjects AS s ON s.pk = e.subject_pk
WHERE e.status IN ('effective', 'under_verification', 'expired', 'repaired', 'removed')
  AND e.valid_from <= :at
  AND (e.valid_to IS NULL OR e.valid_to >= :at)
  AND (e.ended_on IS NULL OR e.ended_on > :at)
  AND (:kind IS NULL OR e.kind = :kind)
  AND (:list_type IS NULL OR e.list_type = :list_type)
  AND (:search IS NULL
       OR s.code = :code
       OR (s.subject_type = 'enterprise' AND s.name LIKE :name_like ESCAPE '\'))
  AND (:after_from IS NULL
       OR e.valid_from < :after_from
       OR (e.valid_from = :after_from AND e.entry_id < :after_id))
ORDER BY e.valid_from DESC, e.entry_id DESC
LIMIT :limit
