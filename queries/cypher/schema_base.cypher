// Constraints of the shared counters. Applied on every start; IF NOT EXISTS makes it idempotent.
// params:
CREATE CONSTRAINT sequence_name IF NOT EXISTS FOR (s:Sequence) REQUIRE s.name IS UNIQUE;
