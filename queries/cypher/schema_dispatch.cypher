// Constraints and indexes of trigger-feedback: measure applications, dispatches and their runs, feedback,
// cursors, settings, reminders, webhooks, the outbox and the writers' locks. Applied on every start;
// IF NOT EXISTS makes it idempotent.
// params:
CREATE CONSTRAINT measure_application_pk IF NOT EXISTS FOR (a:MeasureApplication) REQUIRE a.pk IS UNIQUE;
CREATE CONSTRAINT measure_application_key IF NOT EXISTS FOR (a:MeasureApplication) REQUIRE (a.entry_pk, a.subject_pk, a.role_pk, a.measure_id, a.department) IS UNIQUE;
CREATE INDEX measure_application_entry IF NOT EXISTS FOR (a:MeasureApplication) ON (a.entry_pk);
CREATE CONSTRAINT dispatch_pk IF NOT EXISTS FOR (d:Dispatch) REQUIRE d.pk IS UNIQUE;
CREATE INDEX dispatch_department IF NOT EXISTS FOR (d:Dispatch) ON (d.department);
CREATE INDEX dispatch_entry IF NOT EXISTS FOR (d:Dispatch) ON (d.entry_pk);
CREATE INDEX dispatch_due IF NOT EXISTS FOR (d:Dispatch) ON (d.due_on);
CREATE CONSTRAINT dispatch_run_pk IF NOT EXISTS FOR (r:DispatchRun) REQUIRE r.pk IS UNIQUE;
CREATE CONSTRAINT feedback_pk IF NOT EXISTS FOR (f:Feedback) REQUIRE f.pk IS UNIQUE;
CREATE CONSTRAINT department_cursor IF NOT EXISTS FOR (c:DepartmentCursor) REQUIRE c.department IS UNIQUE;
CREATE CONSTRAINT dispatch_settings_pk IF NOT EXISTS FOR (s:DispatchSettings) REQUIRE s.pk IS UNIQUE;
CREATE CONSTRAINT reminder_pk IF NOT EXISTS FOR (r:Reminder) REQUIRE r.pk IS UNIQUE;
CREATE CONSTRAINT reminder_day IF NOT EXISTS FOR (r:Reminder) REQUIRE (r.dispatch_pk, r.reminded_on) IS UNIQUE;
CREATE CONSTRAINT webhook_pk IF NOT EXISTS FOR (w:Webhook) REQUIRE w.pk IS UNIQUE;
CREATE CONSTRAINT webhook_department IF NOT EXISTS FOR (w:Webhook) REQUIRE w.department IS UNIQUE;
CREATE CONSTRAINT outbox_pk IF NOT EXISTS FOR (o:Outbox) REQUIRE o.pk IS UNIQUE;
CREATE INDEX outbox_due IF NOT EXISTS FOR (o:Outbox) ON (o.next_attempt_at);
CREATE CONSTRAINT lock_name IF NOT EXISTS FOR (l:Lock) REQUIRE l.name IS UNIQUE;
