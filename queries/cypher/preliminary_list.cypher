// A preliminary list by its id.
// params: list_id
MATCH (pl:PreliminaryList {list_id: $list_id})
RETURN pl.pk AS pk, pl.list_id AS list_id, pl.department AS department, pl.kind AS kind,
       pl.submitted_by AS submitted_by, pl.submitted_at AS submitted_at, pl.submitted_on AS submitted_on,
       pl.source_file AS source_file, pl.submitted AS submitted, pl.accepted AS accepted, pl.rejected AS rejected
