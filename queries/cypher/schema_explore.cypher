// Indexes of the reads that explore the graph (search box, neighbourhoods, analytics).
// A text index on Subject.name serves the search box's `s.name CONTAINS $text` (the range index
// subject_name of schema_graph does not: it serves equality, ranges and STARTS WITH only).
// Applied on every start; IF NOT EXISTS makes it idempotent.
// params:
CREATE TEXT INDEX subject_name_text IF NOT EXISTS FOR (s:Subject) ON (s.name);
