// Keep the history of imports: one LoadRun per load, its report as JSON text.
// params: pk, at, on_error, report
CREATE (:LoadRun {pk: $pk, at: $at, on_error: $on_error, report: $report})
