// Constraints and indexes of the lifecycle (objections, suspensions, repair applications, notices), the
// preliminary lists and the periodic job. Applied on every start; IF NOT EXISTS makes it idempotent.
// params:
CREATE CONSTRAINT objection_pk IF NOT EXISTS FOR (o:Objection) REQUIRE o.pk IS UNIQUE;
CREATE CONSTRAINT repair_application_pk IF NOT EXISTS FOR (ra:RepairApplication) REQUIRE ra.pk IS UNIQUE;
CREATE CONSTRAINT notice_pk IF NOT EXISTS FOR (n:Notice) REQUIRE n.pk IS UNIQUE;
CREATE INDEX notice_by_day IF NOT EXISTS FOR (n:Notice) ON (n.published_on, n.kind);
CREATE CONSTRAINT job_run_pk IF NOT EXISTS FOR (j:JobRun) REQUIRE j.pk IS UNIQUE;
CREATE INDEX job_run_status IF NOT EXISTS FOR (j:JobRun) ON (j.status);
CREATE CONSTRAINT job_lock_name IF NOT EXISTS FOR (l:JobLock) REQUIRE l.name IS UNIQUE;
CREATE CONSTRAINT preliminary_list_pk IF NOT EXISTS FOR (pl:PreliminaryList) REQUIRE pl.pk IS UNIQUE;
CREATE CONSTRAINT preliminary_list_id IF NOT EXISTS FOR (pl:PreliminaryList) REQUIRE pl.list_id IS UNIQUE;
CREATE CONSTRAINT conflict_pk IF NOT EXISTS FOR (c:Conflict) REQUIRE c.pk IS UNIQUE;
CREATE CONSTRAINT prior_notification_pk IF NOT EXISTS FOR (pn:PriorNotification) REQUIRE pn.pk IS UNIQUE;
CREATE INDEX listed_in_window IF NOT EXISTS FOR ()-[l:LISTED_IN]-() ON (l.publicity_to);
CREATE INDEX suspension_entry IF NOT EXISTS FOR (z:Suspension) ON (z.entry_pk);
