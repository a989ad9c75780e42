// Constraints and indexes of the measures list in versions. Applied on every start; idempotent.
// params:
CREATE CONSTRAINT measure_pk IF NOT EXISTS FOR (m:Measure) REQUIRE m.pk IS UNIQUE;
CREATE CONSTRAINT measure_version IF NOT EXISTS FOR (m:Measure) REQUIRE (m.measure_id, m.version) IS UNIQUE;
CREATE INDEX measure_lookup IF NOT EXISTS FOR (m:Measure) ON (m.list_type, m.kind, m.target);
CREATE INDEX measure_current IF NOT EXISTS FOR (m:Measure) ON (m.current);
