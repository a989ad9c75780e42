// Append changes to the change log of the measures list, one per row of $rows: [{pk, at, actor, action,
// measure_id, before, after, version, note}] (before/after JSON text; null values leave the key out).
// params: rows
UNWIND $rows AS row
CREATE (:MeasureChange {
  pk: row.pk,
  at: row.at,
  actor: row.actor,
  action: row.action,
  measure_id: row.measure_id,
  before: row.before,
  after: row.after,
  version: row.version,
  note: row.note
})
