"""Lifecycle paths (R1, R2, R5, R6, R7) on the real store, read back through the check."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import propagation
from graph.errors import ConflictError, InvalidRequest
from graph.jobs import run_job
from graph.lifecycle import (
    STATE_FIELDS,
    Action,
    InvalidTransition,
    act,
    apply_for_repair,
    cross_compare,
    decide_repair,
    expire_due,
    plan,
    state_of,
)
from graph.model import EntryStatus
from graph.store.port import EntryEvent, Store
from graph.store.sqlite import _STATE_FIELDS, SQLiteStore
from queries.check import CheckResult, check
from tests.fixtures import batch, enterprise, entry, make_id_number, make_uscc, measure, person, policy, role

FIRM = make_uscc(11)
OTHER = make_uscc(12)
LR = make_id_number(211)  # legal representative of FIRM, reached by its black entry
RED_LIST = "诚信典型"


def city(store: Store, *, repair_min_days: int | None = None, derived_counts_for_red: bool = True) -> None:
    store.write_batch(
        batch(
            list_policies=[
                policy(role_time="both", repair_min_days=repair_min_days),
                policy(list_type=RED_LIST, derived_counts_for_red=derived_counts_for_red),
            ],
            measures=[
                measure("M-ENT", "subject"),
                measure("M-LR", "legal_representative"),
                measure(
                    "R-ENT",
                    "subject",
                    kind="red",
                    list_type=RED_LIST,
                    content="绿色通道",
                    items="green_channel",
                ),
            ],
            enterprises=[enterprise(FIRM, "常州失信有限公司"), enterprise(OTHER, "常州守信有限公司")],
            persons=[person(LR, "李法人")],
            roles=[role(LR, FIRM, "legal_representative", "2015-01-01")],
            list_entries=[entry("B1", FIRM, act_date="2022-01-10", valid_from="2022-03-01")],
        )
    )
    propagation.run_full(store)


def at(store: Store, code: str, day: str, item: str | None = "public_procurement") -> CheckResult:
    return check(store, code, business_item=item, at=dt.date.fromisoformat(day))


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_objection_suspends_direct_and_derived_measures_from_the_day_filed(store: Store) -> None:
    city(store)
    act(
        store,
        "B1",
        Action.file_objection,
        actor="常州失信有限公司",
        reason="已履行判决",
        on=day("2024-05-10"),
    )
    for code in (FIRM, LR):
        before = at(store, code, "2024-05-09")
        assert before.restricted
        assert not before.suspended
        during = at(store, code, "2024-05-10")
        assert not during.restricted
        assert during.suspended
        assert all(item.suspended for item in during.items)
    assert store.entry("B1").status is EntryStatus.under_verification  # type: ignore[union-attr]


def test_upheld_objection_resumes_measures_and_keeps_the_suspended_days(store: Store) -> None:
    city(store)
    act(store, "B1", Action.file_objection, actor="李法人", reason="异议", on=day("2024-05-10"))
    act(store, "B1", Action.uphold, actor="常州市中级人民法院", reason="异议不成立", on=day("2024-06-01"))
    assert at(store, LR, "2024-06-01").restricted
    assert at(store, LR, "2024-05-31").suspended  # history is kept: those days were suspended
    entry_pk = store.entry_pks(["B1"])["B1"]
    (suspension,) = store.suspensions(entry_pk)
    assert (suspension.from_date, suspension.to_date) == (day("2024-05-10"), day("2024-05-31"))
    (objection,) = store.objections(entry_pk)
    assert (objection.status, objection.resolved_on) == ("upheld", day("2024-06-01"))


def test_revocation_voids_everything_for_every_date_and_apologises(store: Store) -> None:
    city(store)
    act(store, "B1", Action.file_objection, actor="李法人", reason="并非本企业", on=day("2024-05-10"))
    act(store, "B1", Action.revoke, actor="常州市中级人民法院", reason="主体认定错误", on=day("2024-05-20"))
    for code in (FIRM, LR):
        for when in ("2022-03-01", "2023-01-01", "2024-05-09", "2025-01-01"):
            assert not at(store, code, when, item=None).items, (code, when)
    (lr,) = store.find_subjects(LR)
    assert store.derived_for_person(lr.pk) == []
    entry_pk = store.entry_pks(["B1"])["B1"]
    assert {notice.kind for notice in store.notices(entry_pk)} == {"correction", "apology"}
    with pytest.raises(InvalidTransition, match="当前允许的操作：无"):
        act(store, "B1", Action.file_objection, actor="x", reason="y", on=day("2024-06-01"))


def test_correction_during_verification_changes_fields_and_keeps_history(store: Store) -> None:
    city(store)
    act(store, "B1", Action.file_objection, actor="李法人", reason="期限有误", on=day("2024-05-10"))
    act(
        store,
        "B1",
        Action.correct,
        actor="常州市中级人民法院",
        reason="期限更正为三年",
        on=day("2024-05-15"),
        changes={"valid_to": "2025-02-28"},
    )
    corrected = store.entry("B1")
    assert corrected is not None
    assert corrected.status is EntryStatus.effective
    assert corrected.valid_to == day("2025-02-28")
    assert at(store, LR, "2025-02-28").restricted
    assert not at(store, LR, "2025-03-01").restricted  # derived records follow the corrected validity
    history = store.entry_history(corrected.pk)
    assert history[-1].action == "correct"
    assert history[-1].before is not None
    assert history[-1].before["valid_to"] is None
    assert history[-1].after is not None
    assert history[-1].after["valid_to"] == "2025-02-28"
    (objection,) = store.objections(corrected.pk)
    assert objection.status == "corrected"


def test_repair_ends_the_entry_from_the_approval_day_after_the_minimum_period(store: Store) -> None:
    city(store, repair_min_days=365)
    application = apply_for_repair(
        store, "B1", applicant="常州失信有限公司", evidence="已全部履行", on=day("2022-06-01")
    )
    with pytest.raises(InvalidTransition, match="最早可于 2023-03-01"):
        decide_repair(
            store, application, approve=True, actor="常州市中级人民法院", reason="同意", on=day("2022-06-01")
        )
    decide_repair(
        store, application, approve=True, actor="常州市中级人民法院", reason="同意", on=day("2023-06-01")
    )
    repaired = store.entry("B1")
    assert repaired is not None
    assert (repaired.status, repaired.ended_on) == (EntryStatus.repaired, day("2023-06-01"))
    for code in (FIRM, LR):
        assert at(store, code, "2023-05-31").restricted
        assert not at(store, code, "2023-06-01", item=None).items
    (lr,) = store.find_subjects(LR)
    (record,) = store.derived_for_person(lr.pk)
    assert record.valid_to == day("2023-05-31")  # the derived record ends with the entry
    notices = store.notices(repaired.pk)
    assert [notice.kind for notice in notices] == ["exit"]
    assert "2023-06-01" in notices[0].text
    assert store.repair_applications(repaired.pk)[0].status == "approved"
    with pytest.raises(InvalidTransition):
        decide_repair(store, application, approve=True, actor="x", reason="y", on=day("2023-07-01"))


def test_rejected_repair_changes_nothing_but_is_recorded(store: Store) -> None:
    city(store)
    application = apply_for_repair(
        store, "B1", applicant="常州失信有限公司", evidence="部分履行", on=day("2024-01-01")
    )
    with pytest.raises(InvalidRequest):
        decide_repair(store, application, approve=False, actor="法院", reason=" ", on=day("2024-01-05"))
    with pytest.raises(InvalidRequest, match="操作人"):
        decide_repair(store, application, approve=False, actor="", reason="尚未履行", on=day("2024-01-05"))
    decide_repair(
        store, application, approve=False, actor="法院", reason="尚未全部履行", on=day("2024-01-05")
    )
    assert at(store, LR, "2024-06-01").restricted
    entry_pk = store.entry_pks(["B1"])["B1"]
    assert store.repair_applications(entry_pk)[0].status == "rejected"
    assert [event.action for event in store.entry_history(entry_pk)][-2:] == [
        "apply_for_repair",
        "repair_rejected",
    ]


def test_expiry_is_recorded_with_an_exit_notice_and_history_still_answers(store: Store) -> None:
    city(store)
    store.write_batch(
        batch(list_entries=[entry("B2", OTHER, valid_from="2022-01-01", valid_to="2023-12-31")])
    )
    propagation.run_pending(store)
    assert expire_due(store, day("2023-12-31")) == []
    assert expire_due(store, day("2024-01-01")) == ["B2"]
    expired = store.entry("B2")
    assert expired is not None
    assert expired.status is EntryStatus.expired
    assert [n.kind for n in store.notices(expired.pk)] == ["exit"]
    assert at(store, OTHER, "2023-12-31").restricted
    assert not at(store, OTHER, "2024-01-01").restricted


def test_black_entry_removes_the_subjects_red_entry_by_cross_comparison(store: Store) -> None:
    city(store)
    store.write_batch(
        batch(
            list_entries=[
                entry("R1", OTHER, kind="red", list_type=RED_LIST, act_date=None, valid_from="2021-01-01")
            ]
        )
    )
    assert at(store, OTHER, "2024-01-01", item="green_channel").incentivised
    store.write_batch(
        batch(list_entries=[entry("B3", OTHER, act_date="2023-10-01", valid_from="2024-02-01")])
    )
    propagation.run_pending(store)
    assert cross_compare(store, day("2024-01-31")) == []  # the black entry does not apply yet
    assert cross_compare(store, day("2024-02-01")) == ["R1"]
    removed = store.entry("R1")
    assert removed is not None
    assert (removed.status, removed.ended_on) == (EntryStatus.removed, day("2024-02-01"))
    assert at(store, OTHER, "2024-01-31", item="green_channel").incentivised
    assert not at(store, OTHER, "2024-02-01", item="green_channel").incentivised
    assert "B3" in (store.entry_history(removed.pk)[-1].reason or "")


@pytest.mark.parametrize("counts", [True, False])
def test_derived_black_record_removes_a_persons_red_entry_when_the_policy_says_so(
    store: Store, counts: bool
) -> None:
    city(store, derived_counts_for_red=counts)
    store.write_batch(
        batch(
            list_entries=[
                entry(
                    "R2",
                    LR,
                    kind="red",
                    list_type=RED_LIST,
                    act_date=None,
                    valid_from="2021-01-01",
                    subject_type="person",
                )
            ]
        )
    )
    removed = cross_compare(store, day("2024-01-01"))
    assert removed == (["R2"] if counts else [])
    if counts:
        reason = store.entry_history(store.entry_pks(["R2"])["R2"])[-1].reason or ""
        assert FIRM in reason  # says through which firm


def test_invalid_transitions_list_what_is_allowed(store: Store) -> None:
    city(store)
    act(store, "B1", Action.file_objection, actor="李法人", reason="异议", on=day("2024-05-10"))
    with pytest.raises(InvalidTransition) as twice:
        act(store, "B1", Action.file_objection, actor="李法人", reason="再次异议", on=day("2024-05-11"))
    assert twice.value.status == 409
    assert "维持" in twice.value.detail
    assert "撤销" in twice.value.detail
    store.write_batch(batch(list_entries=[entry("R3", OTHER, kind="red", list_type=RED_LIST, act_date=None)]))
    with pytest.raises(InvalidTransition, match=r"红名单.*当前允许的操作：提出异议"):
        apply_for_repair(store, "R3", applicant="x", evidence="y")
    with pytest.raises(InvalidRequest, match="理由"):
        act(store, "R3", Action.revoke, actor="认定单位", reason="  ")


def test_a_transition_planned_on_a_stale_state_is_refused(store: Store) -> None:
    city(store)
    stale = store.entry("B1")
    assert stale is not None
    act(store, "B1", Action.file_objection, actor="李法人", reason="异议", on=day("2024-05-10"))
    with pytest.raises(ConflictError):
        store.apply_transition(plan(stale, Action.revoke, actor="法院", reason="误列", on=day("2024-05-11")))


def test_event_fields_match_the_store_columns() -> None:
    assert tuple(STATE_FIELDS) == _STATE_FIELDS


def test_job_expires_propagates_and_records_its_run(store: Store) -> None:
    city(store)
    store.write_batch(
        batch(list_entries=[entry("B4", OTHER, valid_from="2022-01-01", valid_to="2023-12-31")])
    )
    report = run_job(store, day("2024-01-01"))
    assert report.ran
    assert report.expired == ["B4"]
    (job,) = store.jobs()
    assert job.status == "done"
    assert job.report is not None
    assert job.report["expired"] == ["B4"]
    assert store.stats()["pending_changes"] == 0


def test_job_never_runs_twice_at_once_and_takes_over_a_dead_run(store: Store) -> None:
    city(store)
    held = store.start_job(day("2024-01-01"))
    assert held is not None
    assert not run_job(store, day("2024-01-01")).ran  # the lock is held
    # A run older than the limit has died and is taken over (a zero limit makes the held run old enough).
    taken = store.start_job(day("2024-01-01"), stale_after=dt.timedelta(0))
    assert taken is not None
    assert taken != held
    assert store.start_job(day("2024-01-01")) is None  # the new run holds the lock now
    statuses = {job.pk: job.status for job in store.jobs()}
    assert statuses == {taken: "running", held: "failed"}


# --- R11: the answer for any date is reproducible from the events ---------------------------------------------

STEPS = st.lists(
    st.tuples(
        st.sampled_from(["file_objection", "uphold", "correct", "revoke", "repair", "expire"]),
        st.integers(1, 200),  # days after the previous step
        st.integers(0, 1500),  # for a correction: days of validity from 2022-03-01
    ),
    max_size=7,
)


def replay(events: list[EntryEvent]) -> tuple[dict[str, str | None], list[tuple[dt.date, dt.date | None]]]:
    """Fold an entry's events: each event's ``before`` must be the state the previous ones left."""
    steps = [event for event in events if event.after is not None]
    state = dict(steps[0].before or {})
    suspensions: list[tuple[dt.date, dt.date | None]] = []
    for event in steps:
        assert dict(event.before or {}) == state, event
        assert event.on is not None
        if event.action == "file_objection":
            suspensions.append((event.on, None))
        elif state["status"] == "under_verification":
            start, _ = suspensions[-1]
            suspensions[-1] = (start, event.on - dt.timedelta(days=1))
        state = dict(event.after or {})
    return state, suspensions


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_check_answers_are_reproducible_from_the_events(
    tmp_path_factory: pytest.TempPathFactory, steps: list
) -> None:
    store = SQLiteStore(tmp_path_factory.mktemp("replay") / "replay.db")
    try:
        city(store)
        when = day("2022-03-01")
        for name, gap, length in steps:
            when += dt.timedelta(days=gap)
            try:
                if name == "repair":
                    application = apply_for_repair(store, "B1", applicant="企业", evidence="已履行", on=when)
                    decide_repair(store, application, approve=True, actor="法院", reason="同意", on=when)
                elif name == "correct":
                    valid_to = (day("2022-03-01") + dt.timedelta(days=length)).isoformat()
                    act(
                        store,
                        "B1",
                        Action.correct,
                        actor="法院",
                        reason="更正",
                        on=when,
                        changes={"valid_to": valid_to},
                    )
                else:
                    act(store, "B1", Action(name), actor="法院", reason="操作", on=when)
            except InvalidTransition:
                continue
        entry_now = store.entry("B1")
        assert entry_now is not None
        events = store.entry_history(entry_now.pk)
        if not any(event.after for event in events):
            return
        state, suspensions = replay(events)
        assert state == state_of(entry_now)
        assert suspensions == [(s.from_date, s.to_date) for s in store.suspensions(entry_now.pk)]

        def expected(on: dt.date) -> tuple[bool, bool]:
            valid_to = state["valid_to"]
            applies = (
                state["status"] != "revoked"
                and day(str(state["valid_from"])) <= on
                and (valid_to is None or on <= day(valid_to))
                and (state["ended_on"] is None or on < day(str(state["ended_on"])))
            )
            suspended = any(start <= on and (end is None or on <= end) for start, end in suspensions)
            return applies and not suspended, applies and suspended

        probe = day("2022-02-20")
        while probe <= when + dt.timedelta(days=30):
            answer = at(store, LR, probe.isoformat())
            assert (answer.restricted, answer.suspended) == expected(probe), probe
            probe += dt.timedelta(days=9)
    finally:
        store.close()
