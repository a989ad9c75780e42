"""Trigger–feedback on Neo4j (R8, §七(一), §八(三)): the dispatch methods of the store port, as the embedded
store does them (``graph/store/sqlite.py``, migration 0005, ``docs/store.md``).

The graph: ``(:MeasureApplication)`` nodes keep every application as last dispatched (the embedded store's
``measure_applications``); ``(d:Dispatch)-[:ABOUT]->(:ListEntry)``, ``(d)-[:SENT_TO]->(:Department)``,
``(d)-[:HAS_FEEDBACK]->(:Feedback)``, ``(d)-[:REMINDED]->(:Reminder)``;
``(o:Outbox)-[:DELIVERS]->(d)``, ``(o)-[:VIA]->(:Webhook)``; ``(:DispatchRun)``, ``(:DispatchSettings)``
(newest applies), ``(:DepartmentCursor {department})``. Payloads and fingerprints are JSON text, dates
Neo4j ``date`` values (created_on, due_on, applied_on, reminded_on), timestamps ISO text.

**The feed cursor.** A department reads its dispatches "after pk N" and must miss none. That holds only if
dispatch pks become visible in increasing order, i.e. no lower pk commits after a higher one was read. The
embedded store gets it from its single writer. Here a dispatch run's first write is
``MERGE (:Lock {name: 'dispatch'}) SET l.at = …``: the node's write lock is held until commit, so dispatch
runs are serialised from their first statement; the pks are then taken with :func:`next_pks` inside the same
transaction (the ``(:Sequence {name: 'dispatch'})`` node is locked until commit too). A run that starts
later therefore both reads what the earlier one committed (it never dispatches the same change twice) and
takes higher pks that commit after the earlier ones. Reminders take their own lock (``'reminder'``) for the
same reason: two concurrent reminder runs would otherwise both remind the same dispatch on the same day.

**Leases.** Under read committed two deliverers may select the same due outbox row; the one that writes
second would lease it again. :meth:`DispatchPart.lease_deliveries` write-locks the rows in the query that
selects them (``outbox_lock_due``), then re-checks the condition against the committed state in a second
statement of the same transaction (``outbox_lease``) before leasing: a row another deliverer leased first is
dropped.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import neo4j
import pandas as pd

from graph.dispatch import FEEDBACK_DAYS, REMIND_EVERY_DAYS
from graph.errors import NotFound
from graph.frames import (
    CURRENT_COLUMNS,
    PREVIOUS_COLUMNS,
    DispatchFrames,
    DispatchPlanner,
    DispatchSummary,
)
from graph.store.neo4j.base import (
    Neo4jBase,
    Transaction,
    from_json,
    must_date,
    next_pks,
    now_text,
    run,
    run_batched,
    run_one,
    to_date,
)
from graph.store.port import (
    Delivery,
    DispatchRecord,
    DispatchSettings,
    DispatchStats,
    FeedbackRecord,
    OutboxState,
    WebhookRecord,
)

#: The ``(:Lock {name})`` nodes serialising dispatch runs and reminder runs (see the module docstring).
DISPATCH_LOCK = "dispatch"
REMINDER_LOCK = "reminder"


class DispatchPart(Neo4jBase):
    """Port methods of trigger–feedback, as Cypher in ``queries/cypher/dispatch_*``, ``webhook_*`` and
    ``outbox_*`` (see the module docstring for the cursor's commit order and the leases)."""

    # --- dispatch runs

    def dispatch(
        self,
        on: dt.date,
        scope: Collection[int] | None,
        plan: DispatchPlanner,
    ) -> DispatchSummary:
        """One write transaction: lock, read the applications in force on ``on`` and those dispatched for
        ``scope``, ``plan`` them (pure: the driver may run this function again), write what it returns."""

        def work(tx: Transaction) -> DispatchSummary:
            now = now_text()
            run(tx, "dispatch_lock", name=DISPATCH_LOCK, at=now)
            settings = _settings(run_one(tx, "dispatch_settings"))
            due = on + dt.timedelta(days=settings.feedback_days)
            if scope is None:
                entry_pks = [int(r["pk"]) for r in run(tx, "dispatch_entry_pks")]
            else:
                entry_pks = sorted({int(pk) for pk in scope})
            rows = [{"entry_pk": pk} for pk in entry_pks]
            current = pd.DataFrame(
                [
                    _current_row(r)
                    for r in run_batched(tx, "dispatch_applications", rows, self._batch_size, at=on)
                ],
                columns=CURRENT_COLUMNS,
            )
            previous = pd.DataFrame(
                [
                    _previous_row(r)
                    for r in run_batched(tx, "dispatch_previous", rows, self._batch_size, at=on)
                ],
                columns=PREVIOUS_COLUMNS,
            )
            planned = plan(DispatchFrames(current=current, previous=previous))
            return self._write_dispatches(tx, planned, on=on, due=due, now=now, scope=scope)

        return self._write("写入联合奖惩推送", work)

    def _write_dispatches(
        self,
        tx: Transaction,
        planned: pd.DataFrame,
        *,
        on: dt.date,
        due: dt.date,
        now: str,
        scope: Collection[int] | None,
    ) -> DispatchSummary:
        """Write the planned dispatches, the applications' new state, the recalls and the outbox rows, as
        ``SQLiteStore._write_dispatches`` does."""
        day = on.isoformat()
        counts = {action: int((planned["action"] == action).sum()) for action in ("start", "change", "end")}
        recalled = int(planned["recall"].fillna(0).astype(int).sum()) if len(planned) else 0
        if planned.empty:
            return DispatchSummary(None, day, 0, 0, 0, 0, 0)
        run_pk = next_pks(tx, "dispatch_run", 1)
        run(
            tx,
            "dispatch_run_add",
            pk=run_pk,
            at=now,
            run_on=on,
            scope="all" if scope is None else str(len(scope)),
            started=counts["start"],
            changed=counts["change"],
            ended=counts["end"],
            recalled=recalled,
        )
        records = planned.reset_index(drop=True).to_dict("records")
        base = next_pks(tx, "dispatch", len(records))
        new_count = sum(1 for row in records if _optional_int(row["application_pk"]) is None)
        next_application = next_pks(tx, "application", new_count) if new_count else 0
        dispatches: list[dict[str, Any]] = []
        applications: list[dict[str, Any]] = []
        recalls: list[dict[str, Any]] = []
        for offset, row in enumerate(records):
            pk = base + offset
            key = {
                "entry_pk": int(row["entry_pk"]),
                "subject_pk": int(row["subject_pk"]),
                "role_pk": int(row["role_pk"]),
                "measure_id": str(row["measure_id"]),
                "department": str(row["department"]),
            }
            fps = {fp: str(row[fp]) for fp in ("entry_fp", "measure_fp", "path_fp")}
            ending = row["action"] == "end"
            recall = bool(int(row["recall"])) if not _missing(row["recall"]) else False
            dispatches.append(
                {
                    "pk": pk,
                    "run_pk": run_pk,
                    "action": str(row["action"]),
                    "reason": str(row["reason"]),
                    "recall": recall,
                    **key,
                    "payload": None if ending else str(row["payload"]),
                    "dispatch_pk": _optional_int(row["last_dispatch_pk"]) if ending else None,
                    "created_at": now,
                    "created_on": on,
                    "due_on": due,
                }
            )
            application = _optional_int(row["application_pk"])
            if application is None:
                application = next_application
                next_application += 1
            applications.append(
                {
                    "pk": application,
                    **key,
                    **fps,
                    "active": not ending,
                    "ended_reason": str(row["reason"]) if ending else None,
                    "dispatch_pk": pk,
                }
            )
            if ending and recall:
                recalls.append({"pk": pk, **key})
        run_batched(tx, "dispatch_add", dispatches, self._batch_size)
        run_batched(tx, "dispatch_applications_save", applications, self._batch_size)
        run_batched(tx, "dispatch_recall", recalls, self._batch_size)
        queued = self._queue(
            tx, [(row["pk"], row["department"], None) for row in dispatches], event="dispatch", now=now
        )
        return DispatchSummary(
            run_pk, day, counts["start"], counts["change"], counts["end"], recalled, queued
        )

    def _queue(
        self, tx: Transaction, items: Sequence[tuple[int, str, int | None]], *, event: str, now: str
    ) -> int:
        """Outbox rows for ``items`` (dispatch pk, department, reminder pk) whose department has an active
        webhook, in the caller's transaction; how many were queued."""
        departments = sorted({department for _, department, _ in items})
        if not departments:
            return 0
        hooks = {r["department"]: int(r["pk"]) for r in run(tx, "webhook_active", departments=departments)}
        wanted = [item for item in items if item[1] in hooks]
        if not wanted:
            return 0
        first = next_pks(tx, "outbox", len(wanted))
        rows = [
            {
                "pk": first + i,
                "webhook_pk": hooks[department],
                "event": event,
                "dispatch_pk": dispatch_pk,
                "reminder_pk": reminder_pk,
            }
            for i, (dispatch_pk, department, reminder_pk) in enumerate(wanted)
        ]
        return sum(int(r["queued"]) for r in run_batched(tx, "outbox_add", rows, self._batch_size, at=now))

    # --- reading dispatches

    def _dispatch_records(self, tx: Transaction, pks: Sequence[int]) -> list[DispatchRecord]:
        if not pks:
            return []
        return [_dispatch(r) for r in run(tx, "dispatch_records", pks=[int(pk) for pk in pks])]

    def _select(self, query_name: str, **params: Any) -> list[DispatchRecord]:
        """The dispatches a selection query names (``pk`` column), in its order, in one read transaction."""

        def work(tx: Transaction) -> list[DispatchRecord]:
            return self._dispatch_records(tx, [int(r["pk"]) for r in run(tx, query_name, **params)])

        return self._read("查询联合奖惩推送", work)

    def dispatch_feed(self, department: str, *, after: int, limit: int) -> list[DispatchRecord]:
        if after > 0:
            self._write(
                "记录推送确认",
                lambda tx: run(tx, "dispatch_cursor", department=department, after=int(after), at=now_text()),
            )
        return self._select("dispatch_feed", department=department, after=int(after), limit=int(limit))

    def dispatch_record(self, dispatch_pk: int) -> DispatchRecord | None:
        found = self._read("查询联合奖惩推送", lambda tx: self._dispatch_records(tx, [int(dispatch_pk)]))
        return found[0] if found else None

    def entry_dispatches(self, entry_pk: int) -> list[DispatchRecord]:
        return self._select("dispatch_of_entry", entry_pk=int(entry_pk))

    def overdue_dispatches(self, on: dt.date, *, department: str | None, limit: int) -> list[DispatchRecord]:
        return self._select("dispatch_overdue", on=on, department=department, limit=int(limit))

    # --- feedback and statistics

    def record_feedback(
        self, dispatch_pk: int, *, outcome: str, reason: str | None, applied_on: dt.date, actor: str
    ) -> FeedbackRecord:
        recorded_at = now_text()

        def work(tx: Transaction) -> int:
            pk = next_pks(tx, "feedback", 1)
            row = run_one(
                tx,
                "dispatch_feedback_add",
                pk=pk,
                dispatch_pk=int(dispatch_pk),
                outcome=outcome,
                reason=reason,
                applied_on=applied_on,
                actor=actor,
                at=recorded_at,
            )
            if row is None:  # raised inside the transaction: the key taken is rolled back with it
                raise NotFound(f"未找到推送记录 {dispatch_pk}")
            return int(row["pk"])

        pk = self._write("记录反馈", work)
        return FeedbackRecord(pk, dispatch_pk, outcome, reason, applied_on, actor, recorded_at)

    def feedback(self, dispatch_pk: int) -> list[FeedbackRecord]:
        return [
            FeedbackRecord(
                int(r["pk"]),
                int(r["dispatch_pk"]),
                r["outcome"],
                r["reason"],
                must_date(r["applied_on"]),
                r["actor"],
                r["recorded_at"],
            )
            for r in self._query("dispatch_feedback", dispatch_pk=int(dispatch_pk))
        ]

    def dispatch_stats(self, on: dt.date, *, by_measure: bool) -> list[DispatchStats]:
        names = ("dispatched", "acknowledged", "applied", "not_applicable", "failed", "unanswered", "overdue")
        return [
            DispatchStats(r["department"], r["measure_id"], *(int(r[name] or 0) for name in names))
            for r in self._query("dispatch_stats", on=on, by_measure=bool(by_measure))
        ]

    # --- settings and reminders

    def dispatch_settings(self) -> DispatchSettings:
        return self._read("查询推送设置", lambda tx: _settings(run_one(tx, "dispatch_settings")))

    def set_dispatch_settings(
        self, *, feedback_days: int, remind_every_days: int, actor: str
    ) -> DispatchSettings:
        def work(tx: Transaction) -> DispatchSettings:
            pk = next_pks(tx, "dispatch_settings", 1)
            row = run_one(
                tx,
                "dispatch_settings_add",
                pk=pk,
                feedback_days=int(feedback_days),
                remind_every_days=int(remind_every_days),
                at=now_text(),
                actor=actor,
            )
            return _settings(row)

        return self._write("保存推送设置", work)

    def remind_overdue(self, on: dt.date) -> int:
        def work(tx: Transaction) -> int:
            now = now_text()
            run(tx, "dispatch_lock", name=REMINDER_LOCK, at=now)
            every_days = _settings(run_one(tx, "dispatch_settings")).remind_every_days
            since = on - dt.timedelta(days=every_days)
            due = run(tx, "dispatch_remind_due", on=on, since=since)
            if not due:
                return 0
            first = next_pks(tx, "reminder", len(due))
            rows = [{"pk": first + i, "dispatch_pk": int(r["dispatch_pk"])} for i, r in enumerate(due)]
            run_batched(tx, "dispatch_reminders_add", rows, self._batch_size, on=on)
            items = [
                (row["dispatch_pk"], r["department"], row["pk"]) for row, r in zip(rows, due, strict=True)
            ]
            self._queue(tx, items, event="reminder", now=now)
            return len(rows)

        return self._write("记录逾期提醒", work)

    # --- webhooks

    def set_webhook(self, department: str, *, url: str, secret: str) -> WebhookRecord:
        def work(tx: Transaction) -> WebhookRecord:
            pk = next_pks(tx, "webhook", 1)
            row = run_one(
                tx, "webhook_set", pk=pk, department=department, url=url, secret=secret, at=now_text()
            )
            if row is None:  # pragma: no cover - MERGE always returns its row
                raise NotFound(f"未能登记回调地址 {department}")
            return _webhook(row)

        return self._write("登记回调地址", work)

    def disable_webhook(self, department: str) -> bool:
        row = self._write("停用回调地址", lambda tx: run_one(tx, "webhook_disable", department=department))
        return bool(row is not None and int(row["changed"]))

    def webhooks(self) -> list[WebhookRecord]:
        return [_webhook(r) for r in self._query("webhook_list")]

    # --- the outbox

    def lease_deliveries(self, now: dt.datetime, *, limit: int, lease: dt.timedelta) -> list[Delivery]:
        stamp = _stamp(now)
        until = _stamp(now + lease)

        def work(tx: Transaction) -> list[Delivery]:
            locked = [int(r["pk"]) for r in run(tx, "outbox_lock_due", now=stamp, limit=int(limit))]
            if not locked:
                return []
            leased = run(tx, "outbox_lease", pks=locked, now=stamp, until=until)
            records = {
                record.pk: record
                for record in self._dispatch_records(tx, sorted({int(r["dispatch_pk"]) for r in leased}))
            }
            deliveries = []
            for r in leased:
                record = records.get(int(r["dispatch_pk"]))
                if record is None:  # pragma: no cover - dispatches are never deleted
                    continue
                event = r["event"]
                key = f"{event}-{r['reminder_pk'] if event == 'reminder' else r['dispatch_pk']}"
                deliveries.append(
                    Delivery(
                        outbox_pk=int(r["pk"]),
                        url=r["url"],
                        secret=r["secret"],
                        event=event,
                        idempotency_key=key,
                        dispatch=record,
                        attempts=int(r["attempts"]),
                    )
                )
            return deliveries

        return self._write("读取待投递推送", work)

    def delivery_succeeded(self, outbox_pk: int, at: dt.datetime) -> None:
        self._write("记录投递结果", lambda tx: run(tx, "outbox_succeeded", pk=int(outbox_pk), at=_stamp(at)))

    def delivery_failed(
        self, outbox_pk: int, at: dt.datetime, *, error: str, retry_at: dt.datetime | None
    ) -> None:
        self._write(
            "记录投递结果",
            lambda tx: run(
                tx,
                "outbox_failed",
                pk=int(outbox_pk),
                at=_stamp(at),
                retry_at=None if retry_at is None else _stamp(retry_at),
                error=error[:500],
            ),
        )

    def outbox_state(self) -> OutboxState:
        found = self._query("outbox_state")
        row: Mapping[str, Any] = found[0] if found else {}
        return OutboxState(
            int(row.get("pending") or 0),
            int(row.get("delivered") or 0),
            int(row.get("given_up") or 0),
            row.get("oldest_pending_at"),
        )


# --- records -------------------------------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _optional_int(value: Any) -> int | None:
    """A key from a planned frame (``None``, NaN from an outer merge, numpy or float integers)."""
    return None if _missing(value) or bool(pd.isna(value)) else int(value)


def _iso(value: Any) -> str | None:
    """A Neo4j date as the ISO text the embedded store keeps (``None`` stays ``None``)."""
    day = to_date(value)
    return None if day is None else day.isoformat()


def _json(value: Any) -> str:
    """JSON text as SQLite's ``json_array`` / ``json_object`` write it (compact, keys in order, UTF-8)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _current_row(r: neo4j.Record) -> tuple[Any, ...]:
    """One application in force (:data:`CURRENT_COLUMNS`): fingerprints and payload built exactly as
    queries/sql/dispatch_applications.sql builds them (dates ISO text, business items ``;``-joined, an open
    role start ``''`` in the fingerprint and ``null`` in the payload)."""
    entry: Mapping[str, Any] = r["entry"]
    subject: Mapping[str, Any] = r["subject"]
    measure: Mapping[str, Any] = r["measure"]
    path: Mapping[str, Any] | None = r["path"]
    business_items = ";".join(measure.get("business_items") or ())
    entry_fp = _json(
        [
            entry["kind"],
            entry["list_type"],
            entry["department"],
            entry["basis"],
            _iso(entry.get("act_date")),
            _iso(entry.get("decided_on")),
            _iso(entry.get("valid_from")),
            _iso(entry.get("valid_to")),
            _iso(entry.get("ended_on")),
        ]
    )
    measure_fp = _json(
        [
            measure["content"],
            measure["target"],
            measure["legal_basis"],
            business_items,
            measure["initiating_department"],
            measure.get("sharing_method"),
        ]
    )
    if path is None:
        path_fp = ""
        path_payload = None
    else:
        role = path.get("role")
        role_start = _iso(path.get("role_start"))
        # The embedded store keeps an open role start as '' (no role found: NULL).
        start_text = role_start if role_start is not None or role is None else ""
        path_fp = _json(
            [
                role,
                start_text,
                _iso(path.get("role_end")),
                path.get("holder_basis"),
                _iso(path.get("valid_from")),
                _iso(path.get("valid_to")),
            ]
        )
        path_payload = {
            "enterprise_code": path.get("enterprise_code"),
            "enterprise_name": path.get("enterprise_name"),
            "role": role,
            "role_start": role_start,
            "role_end": _iso(path.get("role_end")),
            "holder_basis": path.get("holder_basis"),
            "valid_from": _iso(path.get("valid_from")),
            "valid_to": _iso(path.get("valid_to")),
        }
    payload = _json(
        {
            "subject": {"type": subject["subject_type"], "code": subject["code"], "name": subject["name"]},
            "entry": {
                "entry_id": entry["entry_id"],
                "kind": entry["kind"],
                "list_type": entry["list_type"],
                "department": entry["department"],
                "basis": entry["basis"],
                "act_date": _iso(entry.get("act_date")),
                "decided_on": _iso(entry.get("decided_on")),
                "valid_from": _iso(entry.get("valid_from")),
                "valid_to": _iso(entry.get("valid_to")),
                "status": entry["status"],
            },
            "measure": {
                "measure_id": measure["measure_id"],
                "content": measure["content"],
                "target": measure["target"],
                "legal_basis": measure["legal_basis"],
                "business_items": business_items,
                "initiating_department": measure["initiating_department"],
                "implementing_department": measure["implementing_department"],
                "sharing_method": measure.get("sharing_method"),
            },
            "path": path_payload,
        }
    )
    return (
        int(r["entry_pk"]),
        int(r["subject_pk"]),
        int(r["role_pk"]),
        r["measure_id"],
        r["department"],
        entry_fp,
        measure_fp,
        path_fp,
        payload,
    )


def _previous_row(r: neo4j.Record) -> tuple[Any, ...]:
    """One dispatched application (:data:`PREVIOUS_COLUMNS`) with the types the embedded store's rows have:
    integer flags, ISO text dates."""
    return (
        int(r["application_pk"]),
        int(r["entry_pk"]),
        int(r["subject_pk"]),
        int(r["role_pk"]),
        r["measure_id"],
        r["department"],
        r["entry_fp"],
        r["measure_fp"],
        r["path_fp"],
        int(bool(r["active"])),
        r["ended_reason"],
        r["entry_status"],
        _iso(r["entry_valid_to"]),
        _iso(r["entry_ended_on"]),
        int(bool(r["suspended"])),
        int(bool(r["measure_listed"])),
        int(bool(r["measure_matches"])),
        int(r["last_dispatch_pk"]),
    )


def _dispatch(r: neo4j.Record) -> DispatchRecord:
    recalled_by = r["recalled_by"]
    return DispatchRecord(
        pk=int(r["pk"]),
        run_pk=int(r["run_pk"]),
        department=r["department"],
        action=r["action"],
        reason=r["reason"],
        recall=bool(r["recall"]),
        entry_id=r["entry_id"],
        measure_id=r["measure_id"],
        payload=from_json(r["payload"]),
        created_at=r["created_at"],
        created_on=must_date(r["created_on"]),
        due_on=must_date(r["due_on"]),
        recalled_by=None if recalled_by is None else int(recalled_by),
        outcome=r["outcome"],
        acknowledged=bool(r["acknowledged"]),
    )


def _settings(row: Mapping[str, Any] | None) -> DispatchSettings:
    if row is None:
        return DispatchSettings(FEEDBACK_DAYS, REMIND_EVERY_DAYS, None, None)
    return DispatchSettings(
        int(row["feedback_days"]), int(row["remind_every_days"]), row["changed_at"], row["changed_by"]
    )


def _webhook(row: Mapping[str, Any]) -> WebhookRecord:
    return WebhookRecord(
        int(row["pk"]), row["department"], row["url"], bool(row["active"]), row["created_at"]
    )


def _stamp(moment: dt.datetime) -> str:
    """A moment as the store's UTC text (comparable as text with :func:`now_text`), as the embedded store's."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
