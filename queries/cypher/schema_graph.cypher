// Constraints and indexes of subjects, role edges, list entries, derived records and their history.
// Applied on every start; IF NOT EXISTS makes it idempotent.
// params:
CREATE CONSTRAINT subject_pk IF NOT EXISTS FOR (s:Subject) REQUIRE s.pk IS UNIQUE;
CREATE CONSTRAINT enterprise_code IF NOT EXISTS FOR (e:Enterprise) REQUIRE e.code IS UNIQUE;
CREATE CONSTRAINT person_code IF NOT EXISTS FOR (p:Person) REQUIRE p.code IS UNIQUE;
CREATE INDEX subject_code IF NOT EXISTS FOR (s:Subject) ON (s.code);
CREATE INDEX subject_name IF NOT EXISTS FOR (s:Subject) ON (s.name);
CREATE CONSTRAINT legal_representative_pk IF NOT EXISTS FOR ()-[r:LEGAL_REPRESENTATIVE]-() REQUIRE r.pk IS UNIQUE;
CREATE CONSTRAINT principal_pk IF NOT EXISTS FOR ()-[r:PRINCIPAL]-() REQUIRE r.pk IS UNIQUE;
CREATE CONSTRAINT directly_responsible_pk IF NOT EXISTS FOR ()-[r:DIRECTLY_RESPONSIBLE]-() REQUIRE r.pk IS UNIQUE;
CREATE CONSTRAINT actual_controller_pk IF NOT EXISTS FOR ()-[r:ACTUAL_CONTROLLER]-() REQUIRE r.pk IS UNIQUE;
CREATE CONSTRAINT shareholder_pk IF NOT EXISTS FOR ()-[r:SHAREHOLDER]-() REQUIRE r.pk IS UNIQUE;
CREATE CONSTRAINT branch_of_pk IF NOT EXISTS FOR ()-[r:BRANCH_OF]-() REQUIRE r.pk IS UNIQUE;
CREATE CONSTRAINT list_entry_pk IF NOT EXISTS FOR (le:ListEntry) REQUIRE le.pk IS UNIQUE;
CREATE CONSTRAINT list_entry_id IF NOT EXISTS FOR (le:ListEntry) REQUIRE le.entry_id IS UNIQUE;
CREATE INDEX list_entry_type IF NOT EXISTS FOR (le:ListEntry) ON (le.list_type, le.kind);
CREATE INDEX list_entry_status IF NOT EXISTS FOR (le:ListEntry) ON (le.status);
CREATE CONSTRAINT entry_event_pk IF NOT EXISTS FOR (ev:EntryEvent) REQUIRE ev.pk IS UNIQUE;
CREATE CONSTRAINT list_policy_type IF NOT EXISTS FOR (lp:ListPolicy) REQUIRE lp.list_type IS UNIQUE;
CREATE CONSTRAINT derived_record_key IF NOT EXISTS FOR (d:DerivedRecord) REQUIRE (d.entry_pk, d.role_pk) IS UNIQUE;
CREATE INDEX derived_record_person IF NOT EXISTS FOR (d:DerivedRecord) ON (d.person_pk);
CREATE CONSTRAINT department_name IF NOT EXISTS FOR (dep:Department) REQUIRE dep.name IS UNIQUE;
CREATE CONSTRAINT change_seq IF NOT EXISTS FOR (c:Change) REQUIRE c.seq IS UNIQUE;
CREATE INDEX change_entry IF NOT EXISTS FOR (c:Change) ON (c.entry_pk);
CREATE CONSTRAINT propagation_run_pk IF NOT EXISTS FOR (pr:PropagationRun) REQUIRE pr.pk IS UNIQUE;
CREATE CONSTRAINT load_run_pk IF NOT EXISTS FOR (lr:LoadRun) REQUIRE lr.pk IS UNIQUE;
CREATE INDEX enterprise_pk IF NOT EXISTS FOR (e:Enterprise) ON (e.pk);
CREATE INDEX person_pk IF NOT EXISTS FOR (p:Person) ON (p.pk);
CREATE INDEX list_entry_validity IF NOT EXISTS FOR (le:ListEntry) ON (le.valid_from, le.entry_id);
