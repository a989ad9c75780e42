"""Trigger–feedback (R8) on the real store: what each department is told, and when."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from graph import propagation
from graph.delivery import MAX_ATTEMPTS, backoff, deliver_due
from graph.dispatch import FeedbackOutcome, dispatch_all, record_feedback, remind_overdue, set_settings
from graph.errors import InvalidRequest, NotFound
from graph.jobs import run_job
from graph.lifecycle import Action, act, apply_for_repair, decide_repair
from graph.model import ListKind
from graph.store.port import DispatchRecord, Store
from graph.store.sqlite import SQLiteStore
from tests.fixtures import (
    LIST_TYPE,
    batch,
    enterprise,
    entry,
    make_id_number,
    make_uscc,
    measure,
    person,
    policy,
    role,
)

FIRM = make_uscc(31)
LR = make_id_number(231)
FINANCE = "常州市财政局"
MARKET = "常州市市场监管局"


def city(store: Store) -> None:
    store.write_batch(
        batch(
            list_policies=[policy(role_time="both")],
            measures=[
                measure("M-ENT", "subject", department=FINANCE),
                measure("M-LR", "legal_representative", department=MARKET, content="限制担任法定代表人"),
            ],
            enterprises=[enterprise(FIRM, "常州失信有限公司")],
            persons=[person(LR, "李法人")],
            roles=[role(LR, FIRM, "legal_representative", "2015-01-01")],
            list_entries=[entry("B1", FIRM, act_date="2022-01-10", valid_from="2022-03-01")],
        )
    )
    propagation.run_full(store)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def feed(store: Store, department: str, after: int = 0) -> list[DispatchRecord]:
    return store.dispatch_feed(department, after=after, limit=1000)


def told(store: Store, department: str) -> list[tuple[str, str, str, bool]]:
    """(action, reason, subject code, recall) of every dispatch to a department, oldest first."""
    return [(d.action, d.reason, d.payload["subject"]["code"], d.recall) for d in feed(store, department)]


def test_a_listing_starts_the_measures_of_the_firm_and_of_its_legal_representative(store: Store) -> None:
    city(store)
    summary = dispatch_all(store, day("2022-03-01"))
    assert (summary.started, summary.changed, summary.ended) == (2, 0, 0)
    assert told(store, FINANCE) == [("start", "listed", FIRM, False)]
    [to_market] = feed(store, MARKET)
    assert (to_market.action, to_market.reason, to_market.payload["subject"]["code"]) == (
        "start",
        "listed",
        LR,
    )
    path = to_market.payload["path"]
    assert (path["enterprise_code"], path["role"], path["holder_basis"]) == (
        FIRM,
        "legal_representative",
        "act_date",
    )
    assert to_market.payload["measure"]["content"] == "限制担任法定代表人"
    assert to_market.payload["entry"]["basis"] == "（2022）苏04执B1号"
    assert to_market.due_on == day("2022-03-01") + dt.timedelta(days=15)
    # Nothing changed: a second run (the same day or later) tells nobody anything twice.
    assert dispatch_all(store, day("2022-03-01")).total == 0
    assert dispatch_all(store, day("2023-06-01")).total == 0
    assert len(feed(store, FINANCE)) == 1


def test_before_its_validity_an_entry_dispatches_nothing(store: Store) -> None:
    city(store)
    assert dispatch_all(store, day("2022-02-28")).total == 0


def test_an_objection_suspends_every_measure_and_upholding_resumes_them(store: Store) -> None:
    city(store)
    dispatch_all(store, day("2022-03-01"))
    act(store, "B1", Action.file_objection, actor="常州失信有限公司", reason="已履行", on=day("2022-05-01"))
    # The action dispatches at once, derived persons included (R5 + R8).
    assert told(store, FINANCE)[-1] == ("end", "suspended", FIRM, False)
    assert told(store, MARKET)[-1] == ("end", "suspended", LR, False)
    act(store, "B1", Action.uphold, actor="常州中院", reason="异议不成立", on=day("2022-05-20"))
    assert told(store, FINANCE)[-1] == ("start", "resumed", FIRM, False)
    assert told(store, MARKET)[-1] == ("start", "resumed", LR, False)
    assert len(feed(store, MARKET)) == 3


def test_revocation_during_verification_recalls_everything_dispatched(store: Store) -> None:
    city(store)
    dispatch_all(store, day("2022-03-01"))
    act(store, "B1", Action.file_objection, actor="常州失信有限公司", reason="误列", on=day("2022-05-01"))
    act(store, "B1", Action.revoke, actor="常州中院", reason="核实为误列", on=day("2022-05-10"))
    for department, code in ((FINANCE, FIRM), (MARKET, LR)):
        dispatches = feed(store, department)
        assert [(d.action, d.reason, d.recall) for d in dispatches] == [
            ("start", "listed", False),
            ("end", "suspended", False),
            ("end", "revoked", True),
        ]
        recall = dispatches[-1]
        assert recall.payload["subject"]["code"] == code
        assert [d.recalled_by for d in dispatches] == [recall.pk, recall.pk, None]
    # Revoked entries are never dispatched again.
    assert dispatch_all(store, day("2022-06-01")).total == 0


def test_a_correction_changes_and_a_repair_ends(store: Store) -> None:
    city(store)
    dispatch_all(store, day("2022-03-01"))
    act(
        store,
        "B1",
        Action.correct,
        actor="常州中院",
        reason="文号有误",
        on=day("2022-04-01"),
        changes={"basis": "（2022）苏04执B1之一号"},
    )
    change = feed(store, FINANCE)[-1]
    assert (change.action, change.reason) == ("change", "corrected")
    assert change.payload["entry"]["basis"] == "（2022）苏04执B1之一号"
    application = apply_for_repair(
        store, "B1", applicant="常州失信有限公司", evidence="已履行完毕", on=day("2023-01-01")
    )
    decide_repair(
        store, application, approve=True, actor="常州中院", reason="符合修复条件", on=day("2023-02-01")
    )
    assert told(store, FINANCE)[-1] == ("end", "repaired", FIRM, False)
    assert told(store, MARKET)[-1] == ("end", "repaired", LR, False)
    # The end repeats what was last told (the corrected basis), so the department knows which record ends.
    assert feed(store, FINANCE)[-1].payload["entry"]["basis"] == "（2022）苏04执B1之一号"


def test_a_legal_representative_who_leaves_is_no_longer_reached_only_for_current_holders(
    store: Store,
) -> None:
    city(store)
    store.write_batch(batch(list_policies=[policy(role_time="current")]))
    propagation.run_pending(store)
    dispatch_all(store, day("2022-03-01"))
    store.write_batch(batch(roles=[role(LR, FIRM, "legal_representative", "2015-01-01", end="2022-06-30")]))
    propagation.run_pending(store)
    # The role's end is now known: the department is told the changed path while it still applies.
    assert dispatch_all(store, day("2022-06-30")).changed == 1
    change = feed(store, MARKET)[-1]
    assert (change.reason, change.payload["path"]["role_end"]) == ("path_changed", "2022-06-30")
    summary = dispatch_all(store, day("2022-07-01"))
    assert (summary.ended, summary.started) == (1, 0)
    assert told(store, MARKET)[-1] == ("end", "path_ended", LR, False)
    assert told(store, FINANCE) == [("start", "listed", FIRM, False)]


def test_expiry_by_the_job_ends_the_measures(store: Store) -> None:
    city(store)
    store.write_batch(batch(list_entries=[entry("B1", FIRM, valid_from="2022-03-01", valid_to="2022-12-31")]))
    run_job(store, day("2022-03-01"), deliver=False)
    report = run_job(store, day("2023-01-01"), deliver=False)
    assert report.expired == ["B1"]
    assert report.dispatches["ended"] == 2
    assert told(store, FINANCE)[-1] == ("end", "expired", FIRM, False)


def test_a_measure_moved_to_another_department_ends_there_and_starts_at_the_new_one(store: Store) -> None:
    city(store)
    dispatch_all(store, day("2022-03-01"))
    store.write_batch(batch(measures=[measure("M-ENT", "subject", department="常州市发展改革委")]))
    dispatch_all(store, day("2022-04-01"))
    assert told(store, FINANCE)[-1] == ("end", "measure_withdrawn", FIRM, False)
    assert told(store, "常州市发展改革委") == [("start", "listed", FIRM, False)]
    store.write_batch(
        batch(
            measures=[measure("M-ENT", "subject", department="常州市发展改革委", content="限制申报财政资金")]
        )
    )
    dispatch_all(store, day("2022-04-02"))
    latest = feed(store, "常州市发展改革委")[-1]
    assert (latest.action, latest.reason, latest.payload["measure"]["content"]) == (
        "change",
        "measure_changed",
        "限制申报财政资金",
    )


def test_the_feed_pages_by_cursor_and_reading_past_acknowledges(store: Store) -> None:
    city(store)
    store.write_batch(
        batch(
            enterprises=[
                enterprise(make_uscc(32), "第二失信公司"),
                enterprise(make_uscc(33), "第三失信公司"),
            ],
            list_entries=[entry("B2", make_uscc(32)), entry("B3", make_uscc(33))],
        )
    )
    propagation.run_pending(store)
    dispatch_all(store, day("2022-03-01"))
    first = store.dispatch_feed(FINANCE, after=0, limit=2)
    assert len(first) == 2
    assert not any(d.acknowledged for d in first)
    second = store.dispatch_feed(FINANCE, after=first[-1].pk, limit=2)
    assert [d.entry_id for d in first + second] == ["B1", "B2", "B3"]
    assert all(d.pk > first[-1].pk for d in second)
    assert store.dispatch_feed(FINANCE, after=second[-1].pk, limit=2) == []
    acknowledged = {d.entry_id: d.acknowledged for d in store.dispatch_feed(FINANCE, after=0, limit=10)}
    assert acknowledged == {"B1": True, "B2": True, "B3": True}
    # Another department's feed is its own.
    assert {d.department for d in feed(store, MARKET)} == {MARKET}


def test_feedback_is_checked_counted_and_overdue_dispatches_are_reminded(store: Store) -> None:
    city(store)
    dispatch_all(store, day("2022-03-01"))
    [to_finance] = feed(store, FINANCE)
    with pytest.raises(InvalidRequest, match="不能由"):
        record_feedback(
            store,
            to_finance.pk,
            department=MARKET,
            outcome=FeedbackOutcome.applied,
            reason=None,
            applied_on=day("2022-03-02"),
            actor="张三",
        )
    with pytest.raises(InvalidRequest, match="须说明原因"):
        record_feedback(
            store,
            to_finance.pk,
            department=FINANCE,
            outcome=FeedbackOutcome.failed,
            reason=" ",
            applied_on=day("2022-03-02"),
            actor="张三",
        )
    with pytest.raises(NotFound):
        record_feedback(
            store,
            99999,
            department=FINANCE,
            outcome=FeedbackOutcome.applied,
            reason=None,
            applied_on=day("2022-03-02"),
            actor="张三",
        )
    record_feedback(
        store,
        to_finance.pk,
        department=FINANCE,
        outcome=FeedbackOutcome.applied,
        reason=None,
        applied_on=day("2022-03-05"),
        actor="财政局 王五",
    )
    stats = {s.department: s for s in store.dispatch_stats(day("2022-04-01"), by_measure=False)}
    assert (stats[FINANCE].dispatched, stats[FINANCE].applied, stats[FINANCE].overdue) == (1, 1, 0)
    assert stats[FINANCE].acknowledged == 1
    assert (stats[MARKET].dispatched, stats[MARKET].unanswered, stats[MARKET].overdue) == (1, 1, 1)
    by_measure = {
        (s.department, s.measure_id) for s in store.dispatch_stats(day("2022-04-01"), by_measure=True)
    }
    assert by_measure == {(FINANCE, "M-ENT"), (MARKET, "M-LR")}
    # Not yet overdue on the due day itself.
    assert store.dispatch_stats(day("2022-03-16"), by_measure=False)[1].overdue == 0
    assert [d.department for d in store.overdue_dispatches(day("2022-04-01"), department=None, limit=10)] == [
        MARKET
    ]
    assert remind_overdue(store, day("2022-04-01")) == 1
    assert remind_overdue(store, day("2022-04-05")) == 0
    assert remind_overdue(store, day("2022-04-08")) == 1
    set_settings(store, feedback_days=30, remind_every_days=2, actor="市信用办")
    assert remind_overdue(store, day("2022-04-09")) == 0
    assert remind_overdue(store, day("2022-04-10")) == 1
    assert [f.actor for f in store.feedback(to_finance.pk)] == ["财政局 王五"]
    assert feed(store, FINANCE)[0].outcome == "applied"


def test_concurrent_runs_never_dispatch_the_same_change_twice(tmp_path: Path) -> None:
    path = tmp_path / "credlink.db"
    first = SQLiteStore(path)
    city(first)
    second = SQLiteStore(path)
    errors: list[BaseException] = []

    def run(target: Store) -> None:
        try:
            dispatch_all(target, day("2022-03-01"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(s,)) for s in (first, second, first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(feed(first, FINANCE)) == 1
    assert len(feed(first, MARKET)) == 1
    first.close()
    second.close()


# --- webhook delivery ------------------------------------------------------------------------------------------


class Receiver:
    """A real HTTP receiver on loopback that answers 503 ``fail`` times, then 200, keeping what it got."""

    def __init__(self, fail: int) -> None:
        self.fail = fail
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.accepted: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                if receiver.fail > 0:
                    receiver.fail -= 1
                    self.send_response(503)
                else:
                    key = self.headers["Idempotency-Key"]
                    if key not in receiver.accepted:
                        receiver.accepted.append(key)
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/credlink"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(fail=2)
    yield r
    r.close()


def test_webhook_delivery_survives_a_down_receiver_and_a_restart(tmp_path: Path, receiver: Receiver) -> None:
    path = tmp_path / "credlink.db"
    store = SQLiteStore(path)
    city(store)
    store.set_webhook(FINANCE, url=receiver.url, secret="s3cret")
    summary = dispatch_all(store, day("2022-03-01"))
    assert summary.webhook_deliveries == 1
    t0 = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    assert deliver_due(store, now=t0).to_dict() == {"delivered": 0, "retried": 1, "given_up": 0}
    # Not due again until the backoff has passed.
    assert deliver_due(store, now=t0 + dt.timedelta(seconds=5)).to_dict()["retried"] == 0
    store.close()

    # credlink restarts: the outbox is in the file, nothing is lost.
    store = SQLiteStore(path)
    t1 = t0 + backoff(1)
    assert deliver_due(store, now=t1).to_dict() == {"delivered": 0, "retried": 1, "given_up": 0}
    t2 = t1 + backoff(2)
    assert deliver_due(store, now=t2).to_dict() == {"delivered": 1, "retried": 0, "given_up": 0}
    assert deliver_due(store, now=t2 + dt.timedelta(days=1)).to_dict() == {
        "delivered": 0,
        "retried": 0,
        "given_up": 0,
    }

    assert len(receiver.received) == 3
    [to_finance] = feed(store, FINANCE)
    assert receiver.accepted == [f"dispatch-{to_finance.pk}"]
    headers, body = receiver.received[-1]
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["X-Credlink-Signature"] == expected
    message = json.loads(body)
    assert (message["action"], message["subject"]["code"], message["dispatch_id"]) == (
        "start",
        FIRM,
        to_finance.pk,
    )
    assert to_finance.acknowledged  # a delivered webhook acknowledges
    assert store.outbox_state().delivered == 1
    # The market department has no webhook: its dispatch waits in its feed only.
    assert [d.acknowledged for d in feed(store, MARKET)] == [False]
    store.close()


def test_a_receiver_that_never_answers_is_given_up_and_counted(store: Store) -> None:
    city(store)
    store.set_webhook(FINANCE, url="http://127.0.0.1:9/nobody", secret="x")
    dispatch_all(store, day("2022-03-01"))
    moment = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    attempts = 0

    def refuse(url: str, body: bytes, headers: object) -> int:
        nonlocal attempts
        attempts += 1
        raise ConnectionRefusedError("refused")

    for _ in range(MAX_ATTEMPTS + 3):
        deliver_due(store, now=moment, send=refuse)
        moment += dt.timedelta(days=1)
    assert attempts == MAX_ATTEMPTS
    state = store.outbox_state()
    assert (state.pending, state.delivered, state.given_up) == (0, 0, 1)


def test_publishing_a_new_measures_version_dispatches_what_it_changes(store: Store) -> None:
    from graph import measures

    city(store)
    dispatch_all(store, day("2022-03-01"))
    fields = measures.measure_fields(
        next(m for m in store.measures_for(ListKind.black, LIST_TYPE) if m.measure_id == "M-LR")
    )
    measures.set_measure(
        store, "M-LR", {**fields, "content": "限制担任法定代表人、董事、监事、高级管理人员"}, actor="市信用办"
    )
    measures.remove_measure(store, "M-ENT", actor="市信用办")
    measures.publish(store, actor="市信用办 李主任", on=day("2022-05-01"), today=day("2022-05-01"))
    change = feed(store, MARKET)[-1]
    assert (change.action, change.reason) == ("change", "measure_changed")
    assert change.payload["measure"]["content"] == "限制担任法定代表人、董事、监事、高级管理人员"
    assert told(store, FINANCE)[-1] == ("end", "measure_withdrawn", FIRM, False)


def test_the_job_corrects_and_reports_drift_of_the_incremental_state(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "credlink.db")
    city(store)
    assert run_job(store, day("2022-03-01"), deliver=False).propagation["drift"] == 0
    # Simulate a lost incremental write: a derived record vanishes behind propagation's back.
    with store._write() as conn:
        conn.execute("DELETE FROM derived_records")
    report = run_job(store, day("2022-03-02"), deliver=False)
    assert report.propagation["drift"] == 1
    assert report.propagation["added"] == 1
    assert len(store.derived_for_entry(store.entry_pks(["B1"])["B1"])) == 1
    store.close()
