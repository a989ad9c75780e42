"""The lifecycle methods of the Neo4j store (see :mod:`graph.store.neo4j`): lifecycle steps with their events,
objections, suspensions, repair applications and notices (R1, R2, R5–R7), preliminary lists with publicity
and cross-comparison (初步名单), and the periodic job's runs.

Behaviour is the embedded store's (:mod:`graph.store.sqlite`): same records, orderings, errors. Where that
store relies on its single writer, this one takes a Neo4j write lock first, inside the transaction:

* a lifecycle step locks its entry (``lifecycle_entry_state`` writes and removes ``lock``) before comparing
  the entry with the step's ``before``, so a concurrent step waits and then fails the comparison;
* a repair decision locks the application before checking it is still pending;
* ``start_job`` writes the single ``(:JobLock)`` node before looking for a running run;
* a preliminary list's number is the day's own ``(:Sequence)`` counter (``preliminary_list:YYYYMMDD``),
  incremented in the writing transaction (rolled back with it), so it counts the day's lists as the embedded
  store's ``count(*) + 1`` does, without two writers reading the same count.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

import neo4j
import pandas as pd

from graph.errors import ConflictError, NotFound, StoreError
from graph.model import DEFAULT_POLICY, EntryStatus, ListKind
from graph.store.neo4j.base import (
    Neo4jBase,
    Transaction,
    from_json,
    iso_date,
    must_date,
    next_pks,
    now_text,
    run,
    run_batched,
    run_one,
    to_date,
    to_json,
)
from graph.store.neo4j.records import entry_record
from graph.store.port import (
    BATCH_COLUMNS,
    JOB_STALE_AFTER,
    CandidateConflict,
    ConflictRecord,
    EntryEvent,
    EntryRecord,
    FileKind,
    JobRun,
    NoticeRecord,
    ObjectionRecord,
    PreliminaryEntryRecord,
    PreliminaryListRecord,
    PreliminarySubmission,
    PriorNotification,
    PublicityPolicy,
    RedCandidate,
    RepairApplication,
    Suspension,
    Transition,
    job_owner,
    job_owner_is_gone,
)

#: The replayable fields of an entry (graph.lifecycle.STATE_FIELDS), as ListEntry properties.
STATE_FIELDS = (
    "status",
    "ended_on",
    "list_type",
    "department",
    "basis",
    "act_date",
    "decided_on",
    "valid_from",
    "valid_to",
)
#: Those of them that are Neo4j dates (the others are text).
DATE_FIELDS = frozenset({"ended_on", "act_date", "decided_on", "valid_from", "valid_to"})

#: A run still marked running after this long is taken to have died (as the embedded store judges it).
_STAMP = "%Y-%m-%dT%H:%M:%SZ"


def _text(value: Any) -> str | None:
    """A state field as the text a :class:`Transition` holds (dates ISO, missing ``None``)."""
    if value is None:
        return None
    day = to_date(value) if isinstance(value, neo4j.time.Date | dt.date) else None
    return day.isoformat() if day is not None else str(value)


def _state_params(state: Mapping[str, str | None]) -> dict[str, Any]:
    """A state (text values) as parameters: dates as ``datetime.date``, the rest as text."""
    return {
        name: iso_date(state.get(name)) if name in DATE_FIELDS else state.get(name) for name in STATE_FIELDS
    }


def _event(
    pk: int,
    entry_pk: int,
    *,
    at: str,
    actor: str,
    action: str,
    reason: str | None,
    on: dt.date,
    before: Mapping[str, str | None] | None = None,
    after: Mapping[str, str | None] | None = None,
) -> dict[str, Any]:
    """A row of ``lifecycle_add_events`` (before/after as JSON text, absent when ``None``)."""
    return {
        "pk": pk,
        "entry_pk": entry_pk,
        "at": at,
        "actor": actor,
        "action": action,
        "reason": reason,
        "on": on,
        "before": to_json(before),
        "after": to_json(after),
    }


def _frame_rows(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    """Rows of ``frame`` as dicts of plain Python values with ``None`` for missing ones."""
    subset = frame[list(columns)].astype(object)
    subset = subset.where(subset.notna(), None)
    return [dict(zip(columns, row, strict=True)) for row in subset.itertuples(index=False, name=None)]


def _preliminary_entry(row: Mapping[str, Any]) -> PreliminaryEntryRecord:
    return PreliminaryEntryRecord(
        list_id=row["list_id"],
        entry=entry_record(row["entry"]),
        publicity_from=to_date(row.get("publicity_from")),
        publicity_to=to_date(row.get("publicity_to")),
    )


def _repair(row: Mapping[str, Any]) -> RepairApplication:
    return RepairApplication(
        pk=int(row["pk"]),
        entry_pk=int(row["entry_pk"]),
        filed_on=must_date(row["filed_on"]),
        applicant=row["applicant"],
        evidence=row["evidence"],
        status=row["status"],
        decided_on=to_date(row.get("decided_on")),
        decided_by=row.get("decided_by"),
        reason=row.get("reason"),
    )


def _notice(row: Mapping[str, Any]) -> NoticeRecord:
    return NoticeRecord(
        pk=int(row["pk"]),
        entry_pk=int(row["entry_pk"]),
        entry_id=row["entry_id"],
        kind=row["kind"],
        published_on=must_date(row["published_on"]),
        text=row["text"],
    )


def _conflict_rows(
    tx: Transaction, conflicts: Sequence[CandidateConflict], *, on: dt.date, stage: str
) -> list[dict[str, Any]]:
    """Rows of ``preliminary_add_conflicts`` with keys from the 'conflict' sequence (none for no conflicts)."""
    if not conflicts:
        return []
    first = next_pks(tx, "conflict", len(conflicts))
    return [
        {
            "pk": first + i,
            "entry_id": c.entry_id,
            "black_entry_id": c.black_entry_id,
            "firm_code": c.firm_code,
            "firm_name": c.firm_name,
            "person_code": c.person_code,
            "person_name": c.person_name,
            "role": c.role,
            "found_on": on,
            "stage": stage,
        }
        for i, c in enumerate(conflicts)
    ]


class LifecyclePart(Neo4jBase):
    """Port methods of this part, as Cypher in ``queries/cypher/lifecycle_*``, ``preliminary_*`` and
    ``job_*.cypher``."""

    # --- lifecycle ---------------------------------------------------------------------------------------------

    def apply_transition(self, transition: Transition, *, repair_application: int | None = None) -> None:
        t = transition

        def work(tx: Transaction) -> None:
            current = run_one(tx, "lifecycle_entry_state", entry_pk=t.entry_pk)
            if current is None:
                raise NotFound(f"未找到名单记录（内部编号 {t.entry_pk}）")
            if {name: _text(current[name]) for name in STATE_FIELDS} != dict(t.before):
                raise ConflictError("名单记录在此期间已被他人修改，请刷新后重试")
            run(tx, "lifecycle_set_entry", entry_pk=t.entry_pk, **_state_params(t.after))
            event = _event(
                next_pks(tx, "event", 1),
                t.entry_pk,
                at=now_text(),
                actor=t.actor,
                action=t.action,
                reason=t.reason,
                on=t.on,
                before=dict(t.before),
                after=dict(t.after),
            )
            run(tx, "lifecycle_add_events", rows=[event])
            if t.open_objection is not None:
                filed_by, reason = t.open_objection
                run(
                    tx,
                    "lifecycle_open_objection",
                    entry_pk=t.entry_pk,
                    objection_pk=next_pks(tx, "objection", 1),
                    suspension_pk=next_pks(tx, "suspension", 1),
                    on=t.on,
                    filed_by=filed_by,
                    reason=reason,
                )
            if t.resolve_objection is not None:
                run(
                    tx,
                    "lifecycle_resolve_objection",
                    entry_pk=t.entry_pk,
                    status=t.resolve_objection,
                    on=t.on,
                    actor=t.actor,
                    reason=t.reason,
                    until=t.on - dt.timedelta(days=1),
                )
            if repair_application is not None:
                run(
                    tx,
                    "lifecycle_approve_repair",
                    pk=repair_application,
                    on=t.on,
                    actor=t.actor,
                    reason=t.reason,
                )
            if t.notices:
                first = next_pks(tx, "notice", len(t.notices))
                rows = [
                    {
                        "pk": first + i,
                        "entry_pk": t.entry_pk,
                        "kind": kind,
                        "published_on": t.on,
                        "text": text,
                    }
                    for i, (kind, text) in enumerate(t.notices)
                ]
                run_batched(tx, "lifecycle_add_notices", rows, self._batch_size)
            self._mark_changed(tx, [t.entry_pk])

        self._write("写入名单记录变更", work)

    def entry_history(self, entry_pk: int) -> list[EntryEvent]:
        return [
            EntryEvent(
                pk=int(r["pk"]),
                at=r["at"],
                actor=r["actor"],
                action=r["action"],
                reason=r["reason"],
                on=to_date(r["on"]),
                before=from_json(r["before"]),
                after=from_json(r["after"]),
            )
            for r in self._query("lifecycle_history", entry_pk=entry_pk)
        ]

    def suspensions(self, entry_pk: int) -> list[Suspension]:
        return [
            Suspension(must_date(r["from_date"]), to_date(r["to_date"]))
            for r in self._query("lifecycle_suspensions", entry_pk=entry_pk)
        ]

    def objections(self, entry_pk: int) -> list[ObjectionRecord]:
        return [
            ObjectionRecord(
                pk=int(r["pk"]),
                entry_pk=int(r["entry_pk"]),
                filed_on=must_date(r["filed_on"]),
                filed_by=r["filed_by"],
                reason=r["reason"],
                status=r["status"],
                resolved_on=to_date(r["resolved_on"]),
                resolved_by=r["resolved_by"],
                resolution=r["resolution"],
            )
            for r in self._query("lifecycle_objections", entry_pk=entry_pk)
        ]

    def notices(self, entry_pk: int) -> list[NoticeRecord]:
        return [_notice(r) for r in self._query("lifecycle_notices", entry_pk=entry_pk)]

    def file_repair_application(self, entry_pk: int, *, applicant: str, evidence: str, on: dt.date) -> int:
        def work(tx: Transaction) -> int:
            pk = next_pks(tx, "repair_application", 1)
            filed = run_one(
                tx,
                "lifecycle_file_repair",
                pk=pk,
                entry_pk=entry_pk,
                on=on,
                applicant=applicant,
                evidence=evidence,
            )
            if filed is None:
                # The embedded store's foreign key refuses it the same way (nothing written).
                raise StoreError(f"写入信用修复申请失败：未找到名单记录（内部编号 {entry_pk}）")
            event = _event(
                next_pks(tx, "event", 1),
                entry_pk,
                at=now_text(),
                actor=applicant,
                action="apply_for_repair",
                reason=evidence,
                on=on,
            )
            run(tx, "lifecycle_add_events", rows=[event])
            return int(filed["pk"])

        return self._write("写入信用修复申请", work)

    def repair_application(self, application_pk: int) -> RepairApplication | None:
        rows = self._query("lifecycle_repair_application", pk=application_pk)
        return _repair(rows[0]) if rows else None

    def repair_applications(self, entry_pk: int) -> list[RepairApplication]:
        return [_repair(r) for r in self._query("lifecycle_repair_applications", entry_pk=entry_pk)]

    def decide_repair_application(
        self, application_pk: int, *, status: str, actor: str, reason: str, on: dt.date
    ) -> None:
        def work(tx: Transaction) -> None:
            decided = run_one(
                tx,
                "lifecycle_decide_repair",
                pk=application_pk,
                status=status,
                on=on,
                actor=actor,
                reason=reason,
            )
            if decided is None:
                raise ConflictError(f"信用修复申请 {application_pk} 已处理或不存在")
            entry_pk = int(decided["entry_pk"])
            event = _event(
                next_pks(tx, "event", 1),
                entry_pk,
                at=now_text(),
                actor=actor,
                action=f"repair_{status}",
                reason=reason,
                on=on,
            )
            run(tx, "lifecycle_add_events", rows=[event])

        self._write("处理信用修复申请", work)

    def repair_min_days(self, list_type: str) -> int | None:
        rows = self._query("lifecycle_policy", list_type=list_type)
        if not rows or rows[0]["repair_min_days"] is None:
            return None
        return int(rows[0]["repair_min_days"])

    def entries_due_to_expire(self, on: dt.date) -> list[EntryRecord]:
        return [entry_record(r["entry"]) for r in self._query("lifecycle_due_to_expire", on=on)]

    def red_conflicts(self, on: dt.date) -> list[tuple[EntryRecord, str, str]]:
        # Rows come by red entry, then black entry id (direct first): each red entry's first row names it.
        found: dict[int, tuple[EntryRecord, str, str]] = {}
        for r in self._query("lifecycle_red_conflicts", on=on):
            entry = entry_record(r["entry"])
            if entry.pk in found:
                continue
            firm = r["firm"]
            via = "本身" if firm is None else f"经 {firm} 关联"
            found[entry.pk] = (entry, str(r["black_entry_id"]), via)
        return list(found.values())

    def public_notices(
        self,
        until: dt.date,
        *,
        kind: str | None = None,
        since: dt.date | None = None,
        after: tuple[dt.date, int] | None = None,
        limit: int = 50,
    ) -> list[tuple[NoticeRecord, EntryRecord]]:
        rows = self._query(
            "lifecycle_public_notices",
            until=until,
            kind=kind,
            since=since,
            after_on=None if after is None else after[0],
            after_pk=None if after is None else after[1],
            limit=limit,
        )
        return [(_notice(r), entry_record(r["entry"])) for r in rows]

    # --- preliminary lists (初步名单, R1, R2) -------------------------------------------------------------------

    def red_candidate_conflicts(
        self, candidates: Sequence[RedCandidate], on: dt.date
    ) -> list[CandidateConflict]:
        if not candidates:
            return []
        rows = self._query(
            "preliminary_candidate_conflicts",
            candidates=[
                {
                    "entry_id": c.entry_id,
                    "subject_type": c.subject_type.value,
                    "code": c.subject_code,
                    "list_type": c.list_type,
                }
                for c in candidates
            ],
            on=on,
            default_roles=sorted(role.value for role in DEFAULT_POLICY.roles),
        )
        found = {
            CandidateConflict(
                r["entry_id"],
                r["black_entry_id"],
                r["firm_code"],
                r["firm_name"],
                r["person_code"],
                r["person_name"],
                r["role"],
            )
            for r in rows
        }

        # The embedded store's order: candidate, black entry, firm code, person code (NULL first), then the rest.
        def key(c: CandidateConflict) -> tuple[Any, ...]:
            return (
                c.entry_id,
                c.black_entry_id,
                *(
                    (v is not None, v or "")
                    for v in (c.firm_code, c.person_code, c.firm_name, c.person_name, c.role)
                ),
            )

        return sorted(found, key=key)

    def submit_preliminary_list(self, submission: PreliminarySubmission) -> str:
        s = submission
        rows = _frame_rows(s.entries, BATCH_COLUMNS[FileKind.list_entries])
        refused = dict(s.refused)

        def work(tx: Transaction) -> str:
            at = now_text()
            number = next_pks(tx, f"preliminary_list:{s.submitted_on:%Y%m%d}", 1)
            list_id = f"PL-{s.submitted_on:%Y%m%d}-{number:04d}"
            list_pk = next_pks(tx, "preliminary_list", 1)
            run(
                tx,
                "preliminary_create_list",
                pk=list_pk,
                list_id=list_id,
                department=s.department,
                kind=s.kind.value,
                submitted_by=s.submitted_by,
                submitted_at=at,
                submitted_on=s.submitted_on,
                source_file=s.source_file,
                submitted=len(rows),
                accepted=len(rows) - len(refused),
                rejected=len(refused),
            )
            if rows:
                self._write_preliminary_entries(tx, s, rows, list_pk=list_pk, list_id=list_id, at=at)
            conflicts = _conflict_rows(tx, s.conflicts, on=s.submitted_on, stage="submit")
            run_batched(tx, "preliminary_add_conflicts", conflicts, self._batch_size)
            return list_id

        return self._write("写入初步名单", work)

    def _write_preliminary_entries(
        self,
        tx: Transaction,
        s: PreliminarySubmission,
        rows: Sequence[Mapping[str, Any]],
        *,
        list_pk: int,
        list_id: str,
        at: str,
    ) -> None:
        """A preliminary list's entries (draft, or revoked when refused) with their events; a row whose subject
        does not exist fails the whole submission (:class:`NotFound`), as in the embedded store."""
        refused = dict(s.refused)
        wanted = [{"code": r["subject_id"], "subject_type": r["subject_type"]} for r in rows]
        unique = [dict(pair) for pair in dict.fromkeys(tuple(w.items()) for w in wanted)]
        subjects = {
            (r["code"], r["subject_type"]): int(r["pk"])
            for r in run_batched(tx, "preliminary_subjects", unique, self._batch_size)
        }
        for row in rows:
            if (row["subject_id"], row["subject_type"]) not in subjects:
                raise NotFound(f"未找到主体 {row['subject_id']}（名单编号 {row['entry_id']}）")
        submitted = f"提交初步名单 {list_id}" + (f"（文件 {s.source_file}）" if s.source_file else "")
        first_entry = next_pks(tx, "entry", len(rows))
        entries: list[dict[str, Any]] = []
        events: list[
            tuple[int, str, str, str | None, dict[str, str | None] | None, dict[str, str | None]]
        ] = []
        for i, row in enumerate(rows):
            entry_pk = first_entry + i
            state: dict[str, str | None] = {
                "status": EntryStatus.draft.value,
                "ended_on": None,
                **{name: row[name] for name in STATE_FIELDS[2:]},
            }
            events.append((entry_pk, "submit", s.submitted_by, submitted, None, state))
            status = EntryStatus.draft.value
            reason = refused.get(str(row["entry_id"]))
            if reason is not None:
                status = EntryStatus.revoked.value
                events.append(
                    (entry_pk, "refuse", "cross_comparison", reason, state, {**state, "status": status})
                )
            entries.append(
                {
                    "pk": entry_pk,
                    "entry_id": row["entry_id"],
                    "subject_pk": subjects[(row["subject_id"], row["subject_type"])],
                    "subject_type": row["subject_type"],
                    "kind": row["kind"],
                    "list_type": row["list_type"],
                    "department": row["department"],
                    "basis": row["basis"],
                    "act_date": iso_date(row["act_date"]),
                    "decided_on": iso_date(row["decided_on"]),
                    "valid_from": iso_date(row["valid_from"]),
                    "valid_to": iso_date(row["valid_to"]),
                    "status": status,
                }
            )
        run_batched(tx, "preliminary_create_entries", entries, self._batch_size, list_pk=list_pk)
        first_event = next_pks(tx, "event", len(events))
        event_rows = [
            _event(
                first_event + i,
                entry_pk,
                at=at,
                actor=actor,
                action=action,
                reason=why,
                on=s.submitted_on,
                before=before,
                after=after,
            )
            for i, (entry_pk, action, actor, why, before, after) in enumerate(events)
        ]
        run_batched(tx, "lifecycle_add_events", event_rows, self._batch_size)

    def preliminary_list(self, list_id: str) -> PreliminaryListRecord | None:
        rows = self._query("preliminary_list", list_id=list_id)
        if not rows:
            return None
        r = rows[0]
        return PreliminaryListRecord(
            pk=int(r["pk"]),
            list_id=r["list_id"],
            department=r["department"],
            kind=ListKind(r["kind"]),
            submitted_by=r["submitted_by"],
            submitted_at=r["submitted_at"],
            submitted_on=must_date(r["submitted_on"]),
            source_file=r["source_file"],
            submitted=int(r["submitted"]),
            accepted=int(r["accepted"]),
            rejected=int(r["rejected"]),
        )

    def preliminary_entries(self, list_pk: int) -> list[PreliminaryEntryRecord]:
        return [_preliminary_entry(r) for r in self._query("preliminary_entries", list_pk=list_pk)]

    def preliminary_conflicts(self, list_pk: int) -> list[ConflictRecord]:
        return [
            ConflictRecord(
                CandidateConflict(
                    r["entry_id"],
                    r["black_entry_id"],
                    r["firm_code"],
                    r["firm_name"],
                    r["person_code"],
                    r["person_name"],
                    r["role"],
                ),
                must_date(r["found_on"]),
                r["stage"],
            )
            for r in self._query("preliminary_conflicts", list_pk=list_pk)
        ]

    def record_conflicts(self, conflicts: Sequence[CandidateConflict], *, on: dt.date, stage: str) -> None:
        if not conflicts:
            return

        def work(tx: Transaction) -> None:
            rows = _conflict_rows(tx, conflicts, on=on, stage=stage)
            run_batched(tx, "preliminary_add_conflicts", rows, self._batch_size)

        self._write("写入交叉比对结果", work)

    def set_publicity(self, windows: Sequence[tuple[int, dt.date, dt.date]]) -> None:
        if not windows:
            return
        rows = [
            {"entry_pk": entry_pk, "publicity_from": start, "publicity_to": end}
            for entry_pk, start, end in windows
        ]
        self._write(
            "写入公示期", lambda tx: run_batched(tx, "preliminary_set_publicity", rows, self._batch_size)
        )

    def publicity_policy(self, list_type: str) -> PublicityPolicy:
        rows = self._query("lifecycle_policy", list_type=list_type)
        if not rows:
            return PublicityPolicy()
        days = rows[0]["publicity_days"]
        return PublicityPolicy(None if days is None else int(days), bool(rows[0]["black_skip_publicity"]))

    def record_prior_notification(
        self,
        entry_pk: int,
        *,
        recipient: str,
        notified_on: dt.date,
        method: str,
        notified_by: str,
        note: str | None,
    ) -> int:
        def work(tx: Transaction) -> int:
            written = run_one(
                tx,
                "preliminary_add_notification",
                pk=next_pks(tx, "prior_notification", 1),
                entry_pk=entry_pk,
                recipient=recipient,
                notified_on=notified_on,
                method=method,
                notified_by=notified_by,
                note=note,
            )
            if written is None:
                # The embedded store's foreign key refuses it the same way (nothing written).
                raise StoreError(f"写入事前告知失败：未找到名单记录（内部编号 {entry_pk}）")
            event = _event(
                next_pks(tx, "event", 1),
                entry_pk,
                at=now_text(),
                actor=notified_by,
                action="notify",
                reason=f"事前告知 {recipient}（{method}）" + (f"：{note}" if note else ""),
                on=notified_on,
            )
            run(tx, "lifecycle_add_events", rows=[event])
            return int(written["pk"])

        return self._write("写入事前告知", work)

    def prior_notifications(self, entry_pk: int) -> list[PriorNotification]:
        return [
            PriorNotification(
                pk=int(r["pk"]),
                entry_id=r["entry_id"],
                recipient=r["recipient"],
                notified_on=must_date(r["notified_on"]),
                method=r["method"],
                notified_by=r["notified_by"],
                note=r["note"],
            )
            for r in self._query("preliminary_notifications", entry_pk=entry_pk)
        ]

    def preliminary_due(self, on: dt.date) -> list[PreliminaryEntryRecord]:
        return [_preliminary_entry(r) for r in self._query("preliminary_due", on=on)]

    def in_publicity(
        self, at: dt.date, *, after: tuple[dt.date, str] | None = None, limit: int = 50
    ) -> list[PreliminaryEntryRecord]:
        rows = self._query(
            "preliminary_in_publicity",
            at=at,
            after_from=None if after is None else after[0],
            after_id=None if after is None else after[1],
            limit=limit,
        )
        return [_preliminary_entry(r) for r in rows]

    # --- periodic job ------------------------------------------------------------------------------------------

    def start_job(self, run_on: dt.date, *, stale_after: dt.timedelta = JOB_STALE_AFTER) -> int | None:
        def work(tx: Transaction) -> int | None:
            now = now_text()
            run(tx, "job_lock", now=now)
            running = run_one(tx, "job_running")
            if running is not None:
                started = dt.datetime.strptime(running["started_at"], _STAMP).replace(tzinfo=dt.UTC)
                report = running.get("report")
                owner = json.loads(report).get("owner") if report else None
                if dt.datetime.now(dt.UTC) - started < stale_after and not job_owner_is_gone(owner):
                    return None
                # The run that holds the lock died (killed, machine restarted): record that and take over.
                run(
                    tx,
                    "job_finish",
                    pk=int(running["pk"]),
                    status="failed",
                    finished_at=now,
                    report=json.dumps({"error": "运行中断（进程退出），由后续运行接管"}, ensure_ascii=False),
                )
            pk = next_pks(tx, "job", 1)
            run(
                tx,
                "job_create",
                pk=pk,
                started_at=now,
                run_on=run_on,
                report=json.dumps({"owner": job_owner()}),
            )
            return pk

        return self._write("登记定时任务", work)

    def finish_job(self, job_pk: int, *, status: str, report: Mapping[str, Any]) -> None:
        self._write(
            "记录定时任务结果",
            lambda tx: run(
                tx,
                "job_finish",
                pk=job_pk,
                status=status,
                finished_at=now_text(),
                report=json.dumps(report, ensure_ascii=False),
            ),
        )

    def jobs(self, limit: int = 50) -> list[JobRun]:
        return [
            JobRun(
                pk=int(r["pk"]),
                started_at=r["started_at"],
                finished_at=r["finished_at"],
                run_on=must_date(r["run_on"]),
                status=r["status"],
                report=json.loads(r["report"]) if r["report"] else None,
            )
            for r in self._query("job_list", limit=limit)
        ]
