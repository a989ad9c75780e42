// Constraints and indexes of the measures list in versions. Applied on every start; idempotent.
// params:
CREATE CONSTRAINT measure_pk IF NOT EXISTS FOR (m:Measure) REQUIRE m.pk IS UNIQUE;
CREATE CONSTRAINT measure_version IF NOT EXISTS FOR (m:Measure) REQUIRE (m.measure_id, m.version) IS UNIQUE;
CREATE INDEX measure_lookup IF NOT EXISTS FOR (m:Measure) ON (m.list_type, m.kind, m.target);
CREATE INDEX measure_current IF NOT EXISTS FOR (m:Measure) ON (m.current);
CREATE CONSTRAINT measure_version_number IF NOT EXISTS FOR (v:MeasureVersion) REQUIRE v.version IS UNIQUE;
CREATE CONSTRAINT measure_draft_id IF NOT EXISTS FOR (d:MeasureDraft) REQUIRE d.measure_id IS UNIQUE;
CREATE CONSTRAINT measure_change_pk IF NOT EXISTS FOR (c:MeasureChange) REQUIRE c.pk IS UNIQUE;
CREATE INDEX measure_change_measure IF NOT EXISTS FOR (c:MeasureChange) ON (c.measure_id);
CREATE INDEX measure_by_id IF NOT EXISTS FOR (m:Measure) ON (m.measure_id);
CREATE CONSTRAINT lock_name IF NOT EXISTS FOR (l:Lock) REQUIRE l.name IS UNIQUE;
