// A preliminary list (初步名单) as submitted. The list id's number comes from the day's sequence, so two
// submissions of one day cannot get the same id (and preliminary_list_id refuses one if they did).
// params: pk, list_id, department, kind, submitted_by, submitted_at, submitted_on, source_file, submitted, accepted, rejected
CREATE (pl:PreliminaryList {
  pk: $pk,
  list_id: $list_id,
  department: $department,
  kind: $kind,
  submitted_by: $submitted_by,
  submitted_at: $submitted_at,
  submitted_on: $submitted_on,
  source_file: $source_file,
  submitted: $submitted,
  accepted: $accepted,
  rejected: $rejected
})
RETURN pl.pk AS pk
