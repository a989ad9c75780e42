// Record a propagation run (the embedded store's propagation_runs row).
// params: pk, mode, started_at, finished_at, entries, records, measures, added, removed, changed, read_seq
CREATE (:PropagationRun {
  pk: $pk,
  mode: $mode,
  started_at: $started_at,
  finished_at: $finished_at,
  entries: $entries,
  records: $records,
  measures: $measures,
  added: $added,
  removed: $removed,
  changed: $changed,
  read_seq: $read_seq
})
