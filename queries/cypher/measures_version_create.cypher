// Record a published version.
// params: version, published_on, published_at, published_by, note, added, changed, removed, measures
CREATE (:MeasureVersion {
  version: $version,
  published_on: $published_on,
  published_at: $published_at,
  published_by: $published_by,
  note: $note,
  added: $added,
  changed: $changed,
  removed: $removed,
  measures: $measures
})
