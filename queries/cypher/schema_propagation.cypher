// Indexes of propagation: derived records by entry (scoped runs), staging by run and key (the swap's
// lookups) and by start time (clean-up of a dead run's staging). Applied on every start; idempotent.
// params:
CREATE INDEX derived_record_entry IF NOT EXISTS FOR (d:DerivedRecord) ON (d.entry_pk);
CREATE INDEX derived_staging_key IF NOT EXISTS FOR (s:DerivedStaging) ON (s.run, s.entry_pk, s.role_pk);
CREATE INDEX derived_staging_run IF NOT EXISTS FOR (s:DerivedStaging) ON (s.run);
CREATE INDEX derived_staging_at IF NOT EXISTS FOR (s:DerivedStaging) ON (s.staged_at);
