"""Preliminary lists (R1, R2, §二(四)) on the real store: submission with cross-comparison, publicity, prior
notification, taking effect (explicitly and by the periodic job), withdrawal — read back through the check.

The city: 常州失信有限公司 (FIRM) is black-listed (B1, effective); 李法人 (LR) is its legal representative and
also that of 常州候选有限公司 (CANDIDATE), a red candidate; 常州清白有限公司 (CLEAN) has nothing, 王清 (CLEAN_LR)
is its legal representative.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from graph import propagation
from graph.errors import InvalidRequest
from graph.jobs import run_job
from graph.lifecycle import Action, InvalidTransition, act, plan, state_of
from graph.model import EntryStatus, ListKind
from graph.preliminary import (
    PreliminaryStatus,
    list_status,
    notify,
    publicise,
    publicity_window,
    submit,
    take_effect,
    withdraw,
)
from graph.store.port import CandidateConflict, FileKind, PublicityPolicy, Store
from loaders.load import load_paths
from queries.check import CheckResult, check
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

FIRM = make_uscc(11)
CANDIDATE = make_uscc(12)
CLEAN = make_uscc(13)
LR = make_id_number(211)
CLEAN_LR = make_id_number(212)
RED_LIST = "诚信典型"
SKIP_LIST = "失信被执行人（法院）"
COURT = "常州市中级人民法院"
RED_DEPARTMENT = "常州市发展和改革委员会"


def city(store: Store, *, derived_counts_for_red: bool = True, red_publicity_days: int | None = 5) -> None:
    store.write_batch(
        batch(
            list_policies=[
                policy(role_time="both"),
                policy(
                    list_type=RED_LIST,
                    roles="legal_representative",
                    derived_counts_for_red=derived_counts_for_red,
                    publicity_days=red_publicity_days,
                ),
                policy(list_type=SKIP_LIST, black_skip_publicity=True),
            ],
            measures=[
                measure("M-ENT", "subject"),
                measure("M-LR", "legal_representative"),
                measure("M-SKIP", "subject", list_type=SKIP_LIST),
                measure(
                    "R-ENT",
                    "subject",
                    kind="red",
                    list_type=RED_LIST,
                    content="绿色通道",
                    items="green_channel",
                ),
            ],
            enterprises=[
                enterprise(FIRM, "常州失信有限公司"),
                enterprise(CANDIDATE, "常州候选有限公司"),
                enterprise(CLEAN, "常州清白有限公司"),
            ],
            persons=[person(LR, "李法人"), person(CLEAN_LR, "王清")],
            roles=[
                role(LR, FIRM, "legal_representative", "2015-01-01"),
                role(LR, CANDIDATE, "legal_representative", "2019-01-01"),
                role(CLEAN_LR, CLEAN, "legal_representative", "2018-01-01"),
            ],
            list_entries=[entry("B1", FIRM, act_date="2022-01-10", valid_from="2022-03-01")],
        )
    )
    propagation.run_full(store)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def at(store: Store, code: str, when: str, item: str | None = None) -> CheckResult:
    return check(store, code, business_item=item, at=day(when))


def candidates(*rows: dict[str, object]) -> pd.DataFrame:
    return batch(list_entries=rows).frames[FileKind.list_entries]


def red(
    entry_id: str, subject: str, *, valid_from: str = "2024-05-01", subject_type: str = "enterprise"
) -> dict:
    row = entry(
        entry_id,
        subject,
        kind="red",
        list_type=RED_LIST,
        act_date=None,
        valid_from=valid_from,
        valid_to=None,
        subject_type=subject_type,
    )
    return {**row, "department": RED_DEPARTMENT}


def black(entry_id: str, subject: str, *, list_type: str = LIST_TYPE, **extra: str) -> dict:
    fields = {"act_date": "2024-03-01", "valid_from": "2024-05-01", "valid_to": "2025-04-30", **extra}
    return entry(entry_id, subject, list_type=list_type, **fields)  # type: ignore[arg-type]


def status_of(store: Store, entry_id: str) -> EntryStatus:
    found = store.entry(entry_id)
    assert found is not None
    return found.status


def test_black_list_takes_effect_only_after_publicity_and_reaches_the_persons(store: Store) -> None:
    city(store)
    result = submit(
        store,
        candidates(black("P-B1", CLEAN)),
        department=COURT,
        kind=ListKind.black,
        actor="张法官",
        on=day("2024-05-01"),
    )
    assert (result.submitted, result.accepted, result.rejected) == (1, 1, 0)
    assert status_of(store, "P-B1") is EntryStatus.draft
    publicise(store, result.list_id, actor="张法官", on=day("2024-05-02"))
    record = store.preliminary_list(result.list_id)
    assert record is not None
    (item,) = store.preliminary_entries(record.pk)
    assert (item.entry.status, item.publicity_from, item.publicity_to) == (
        EntryStatus.publicised,
        day("2024-05-02"),
        day("2024-05-08"),  # the default seven days, inclusive
    )
    with pytest.raises(InvalidTransition, match="最早可于 2024-05-09 生效") as early:
        take_effect(store, result.list_id, actor="张法官", on=day("2024-05-08"))
    assert early.value.status == 409
    draft = store.entry("P-B1")
    assert draft is not None
    assert store.entry_dispatches(draft.pk) == []  # a preliminary entry dispatches nothing
    assert "当前允许的操作：记录事前告知、生效、撤回" in early.value.detail
    for when in ("2024-05-02", "2024-05-08", "2024-05-09"):
        assert not at(store, CLEAN, when).items  # a preliminary entry never applies
        assert not at(store, CLEAN_LR, when).items

    done = take_effect(store, result.list_id, actor="张法官", on=day("2024-05-09"))
    assert done.took_effect == ["P-B1"]
    effective = store.entry("P-B1")
    assert effective is not None
    assert effective.status is EntryStatus.effective
    # Late by eight days: the period starts the day it takes effect and keeps its length.
    assert (effective.valid_from, effective.valid_to) == (day("2024-05-09"), day("2025-05-08"))
    assert not at(store, CLEAN, "2024-05-08").restricted
    assert at(store, CLEAN, "2024-05-09", "public_procurement").restricted
    person_check = at(store, CLEAN_LR, "2024-05-09", "public_procurement")
    assert person_check.restricted  # the legal representative is reached at once
    assert person_check.items[0].path is not None
    assert list_status(i.entry for i in store.preliminary_entries(record.pk)) is PreliminaryStatus.concluded
    # R8: taking effect dispatches at once, to the firm and to the person reached through it.
    dispatched = store.entry_dispatches(effective.pk)
    assert {d.action for d in dispatched} == {"start"}
    assert {d.payload["subject"]["code"] for d in dispatched} == {CLEAN, CLEAN_LR}

    events = store.entry_history(effective.pk)
    assert [event.action for event in events] == ["submit", "publicise", "take_effect"]
    assert events[0].before is None
    assert events[0].after is not None
    assert events[0].after["status"] == "draft"
    assert "2024-05-02 至 2024-05-08" in (events[1].reason or "")
    last = events[-1]
    assert last.before is not None
    assert last.after is not None
    assert (last.before["valid_from"], last.after["valid_from"]) == ("2024-05-01", "2024-05-09")
    assert (last.before["valid_to"], last.after["valid_to"]) == ("2025-04-30", "2025-05-08")
    assert "顺延" in (last.reason or "")
    # R11: the events replay to the entry's state, each step starting where the last one ended.
    state: dict[str, str | None] = {}
    for event in events:
        assert dict(event.before or {}) == state
        state = dict(event.after or {})
    assert state == state_of(effective)


def test_red_candidate_whose_subject_is_black_listed_is_refused_and_the_counts_add_up(store: Store) -> None:
    city(store)
    result = submit(
        store,
        candidates(red("P-R1", FIRM), red("P-R2", CLEAN)),
        department=RED_DEPARTMENT,
        kind=ListKind.red,
        actor="王科员",
        on=day("2024-05-01"),
    )
    assert (result.submitted, result.accepted, result.rejected) == (2, 1, 1)
    assert result.conflicts == [CandidateConflict("P-R1", "B1")]
    assert (status_of(store, "P-R1"), status_of(store, "P-R2")) == (EntryStatus.revoked, EntryStatus.draft)
    refused = store.entry("P-R1")
    assert refused is not None
    submitted, refusal = store.entry_history(refused.pk)
    assert (submitted.action, refusal.action) == ("submit", "refuse")
    assert refusal.before == submitted.after
    assert refusal.after is not None
    assert refusal.after["status"] == "revoked"
    assert "交叉比对：该主体本身已列入黑名单 B1" in (refusal.reason or "")
    record = store.preliminary_list(result.list_id)
    assert record is not None
    assert (record.submitted, record.accepted, record.rejected) == (2, 1, 1)
    (recorded,) = store.preliminary_conflicts(record.pk)
    assert (recorded.conflict, recorded.stage, recorded.found_on) == (
        CandidateConflict("P-R1", "B1"),
        "submit",
        day("2024-05-01"),
    )
    publicise(store, result.list_id, actor="王科员", on=day("2024-05-02"))
    assert status_of(store, "P-R1") is EntryStatus.revoked  # a refused candidate is never publicised


@pytest.mark.parametrize("counts", [True, False])
def test_red_candidate_whose_legal_representative_is_black_listed_through_another_firm(
    store: Store, counts: bool
) -> None:
    city(store, derived_counts_for_red=counts)
    result = submit(
        store,
        candidates(red("P-R3", CANDIDATE)),
        department=RED_DEPARTMENT,
        kind=ListKind.red,
        actor="王科员",
        on=day("2024-05-01"),
    )
    if counts:
        assert (result.accepted, result.rejected) == (0, 1)
        assert result.conflicts == [
            CandidateConflict(
                "P-R3",
                "B1",
                firm_code=FIRM,
                firm_name="常州失信有限公司",
                person_code=LR,
                person_name="李法人",
                role="legal_representative",
            )
        ]
        refused = store.entry("P-R3")
        assert refused is not None
        reason = store.entry_history(refused.pk)[-1].reason or ""
        assert f"该企业的法定代表人 李法人（{LR}）经 常州失信有限公司（{FIRM}）关联已列入黑名单 B1" in reason
    else:
        assert (result.accepted, result.rejected) == (1, 0)
        assert status_of(store, "P-R3") is EntryStatus.draft


def test_a_person_candidate_with_a_derived_black_record_is_refused(store: Store) -> None:
    city(store)
    result = submit(
        store,
        candidates(red("P-R4", LR, subject_type="person")),
        department=RED_DEPARTMENT,
        kind=ListKind.red,
        actor="王科员",
        on=day("2024-05-01"),
    )
    assert result.conflicts == [CandidateConflict("P-R4", "B1", firm_code=FIRM, firm_name="常州失信有限公司")]


def test_red_candidate_that_became_conflicting_during_publicity_is_ended_when_the_job_runs(
    store: Store,
) -> None:
    city(store)
    result = submit(
        store,
        candidates(red("P-R5", CLEAN)),
        department=RED_DEPARTMENT,
        kind=ListKind.red,
        actor="王科员",
        on=day("2024-05-01"),
    )
    publicise(store, result.list_id, actor="王科员", on=day("2024-05-01"))  # five days: to 2024-05-05
    store.write_batch(
        batch(list_entries=[entry("B9", CLEAN, act_date="2024-04-01", valid_from="2024-05-03")])
    )
    propagation.run_pending(store)
    assert run_job(store, day("2024-05-05")).took_effect == []  # the window holds 2024-05-05
    report = run_job(store, day("2024-05-06"))
    assert (report.took_effect, report.refused) == ([], ["P-R5"])
    refused = store.entry("P-R5")
    assert refused is not None
    assert refused.status is EntryStatus.revoked  # it never applied
    last = store.entry_history(refused.pk)[-1]
    assert (last.action, last.actor) == ("refuse", "cross_comparison")
    assert "交叉比对：该主体本身已列入黑名单 B9" in (last.reason or "")
    assert [notice.kind for notice in store.notices(refused.pk)] == ["correction"]
    assert not at(store, CLEAN, "2024-05-06", "green_channel").incentivised
    record = store.preliminary_list(result.list_id)
    assert record is not None
    assert [c.stage for c in store.preliminary_conflicts(record.pk)] == ["take_effect"]
    (job,) = [run for run in store.jobs() if run.report and run.report.get("refused")]
    assert job.report is not None
    assert job.report["refused"] == ["P-R5"]


def test_job_takes_due_lists_into_effect_black_first(store: Store) -> None:
    city(store)
    reds = submit(
        store,
        candidates(red("P-R6", CLEAN, valid_from="2024-06-01")),
        department=RED_DEPARTMENT,
        kind=ListKind.red,
        actor="王科员",
        on=day("2024-05-01"),
    )
    blacks = submit(
        store,
        candidates(black("P-B2", CANDIDATE)),
        department=COURT,
        kind=ListKind.black,
        actor="张法官",
        on=day("2024-05-01"),
    )
    publicise(store, reds.list_id, actor="王科员", on=day("2024-05-01"))
    publicise(store, blacks.list_id, actor="张法官", on=day("2024-05-01"))
    assert run_job(store, day("2024-05-05")).took_effect == []
    report = run_job(store, day("2024-05-08"))
    assert report.took_effect == ["P-B2", "P-R6"]
    assert report.refused == []
    red_entry = store.entry("P-R6")
    assert red_entry is not None
    assert (red_entry.status, red_entry.valid_from) == (EntryStatus.effective, day("2024-06-01"))  # not late
    assert at(store, CLEAN, "2024-06-01", "green_channel").incentivised
    assert at(store, LR, "2024-05-08", "public_procurement").restricted  # CANDIDATE's legal representative


def test_black_entry_taking_effect_removes_the_subjects_effective_red_entry(store: Store) -> None:
    city(store)
    store.write_batch(
        batch(list_entries=[entry("R-OLD", CLEAN, kind="red", list_type=RED_LIST, act_date=None)])
    )
    result = submit(
        store,
        candidates(black("P-B3", CLEAN)),
        department=COURT,
        kind=ListKind.black,
        actor="张法官",
        on=day("2024-05-01"),
    )
    publicise(store, result.list_id, actor="张法官", on=day("2024-05-01"))
    done = take_effect(store, result.list_id, actor="张法官", on=day("2024-05-10"))
    assert done.removed == ["R-OLD"]
    assert status_of(store, "R-OLD") is EntryStatus.removed


def test_black_skipping_publicity_needs_a_prior_notification(store: Store) -> None:
    city(store)
    result = submit(
        store,
        candidates(black("P-B4", CLEAN, list_type=SKIP_LIST, valid_from="2024-05-10")),
        department=COURT,
        kind=ListKind.black,
        actor="张法官",
        on=day("2024-05-01"),
    )
    with pytest.raises(InvalidTransition, match="须先记录对主体的事前告知"):
        take_effect(store, result.list_id, actor="张法官", on=day("2024-05-02"))
    notices = notify(
        store,
        result.list_id,
        actor="张法官",
        method="书面送达",
        on=day("2024-05-03"),
        note="送达回证 2024-17",
    )
    assert [(n.entry_id, n.recipient, n.method, n.notified_by) for n in notices] == [
        ("P-B4", "常州清白有限公司", "书面送达", "张法官")
    ]
    with pytest.raises(InvalidTransition, match="事前告知"):
        take_effect(store, result.list_id, actor="张法官", on=day("2024-05-02"))  # notified after that day
    done = take_effect(store, result.list_id, actor="张法官", on=day("2024-05-03"))
    assert done.took_effect == ["P-B4"]
    effective = store.entry("P-B4")
    assert effective is not None
    assert (effective.status, effective.valid_from) == (EntryStatus.effective, day("2024-05-10"))
    actions = [event.action for event in store.entry_history(effective.pk)]
    assert actions == ["submit", "notify", "take_effect"]
    assert "书面送达事前告知 常州清白有限公司" in (store.entry_history(effective.pk)[-1].reason or "")
    assert at(store, CLEAN, "2024-05-10", "public_procurement").restricted


def test_black_draft_of_a_type_that_may_not_skip_publicity_is_refused_even_when_notified(
    store: Store,
) -> None:
    city(store)
    result = submit(
        store,
        candidates(black("P-B5", CLEAN)),
        department=COURT,
        kind=ListKind.black,
        actor="张法官",
        on=day("2024-05-01"),
    )
    notify(store, result.list_id, actor="张法官", method="邮寄送达", on=day("2024-05-01"))
    with pytest.raises(InvalidTransition, match="未允许黑名单免于公示，须先公示"):
        take_effect(store, result.list_id, actor="张法官", on=day("2024-05-02"))
    reds = submit(
        store,
        candidates(red("P-R7", CLEAN)),
        department=RED_DEPARTMENT,
        kind=ListKind.red,
        actor="王科员",
        on=day("2024-05-01"),
    )
    with pytest.raises(InvalidRequest, match="事前告知适用于黑名单"):
        notify(store, reds.list_id, actor="王科员", method="书面送达")


def test_withdrawal_and_correction_during_publicity(store: Store) -> None:
    city(store)
    result = submit(
        store,
        candidates(black("P-B6", CLEAN), black("P-B7", CANDIDATE)),
        department=COURT,
        kind=ListKind.black,
        actor="张法官",
        on=day("2024-05-01"),
    )
    publicise(store, result.list_id, actor="张法官", on=day("2024-05-01"))
    # An objection upheld: the department withdraws the entry; it never applied.
    assert withdraw(
        store,
        result.list_id,
        actor="张法官",
        reason="异议成立，已履行",
        on=day("2024-05-03"),
        entry_ids=["P-B6"],
    ) == ["P-B6"]
    withdrawn = store.entry("P-B6")
    assert withdrawn is not None
    assert withdrawn.status is EntryStatus.revoked
    assert [notice.kind for notice in store.notices(withdrawn.pk)] == ["correction"]
    # An objection about a date: corrected, still in publicity.
    corrected = act(
        store,
        "P-B7",
        Action.correct,
        actor="张法官",
        reason="异议部分成立：行为日期有误",
        on=day("2024-05-03"),
        changes={"act_date": "2024-02-28"},
    )
    assert (corrected.status, corrected.act_date) == (EntryStatus.publicised, day("2024-02-28"))
    with pytest.raises(InvalidTransition, match="已不在初步名单阶段"):
        withdraw(store, result.list_id, actor="张法官", reason="再次", entry_ids=["P-B6"])
    done = take_effect(store, result.list_id, actor="张法官", on=day("2024-05-08"))
    assert done.took_effect == ["P-B7"]
    with pytest.raises(InvalidTransition, match=r"当前状态为“已办结”.*当前允许的操作：无"):
        take_effect(store, result.list_id, actor="张法官", on=day("2024-05-09"))


def test_invalid_entry_transitions_list_the_allowed_actions(store: Store) -> None:
    city(store)
    effective = store.entry("B1")
    assert effective is not None
    with pytest.raises(InvalidTransition, match="不能公示；当前允许的操作：提出异议"):
        plan(effective, Action.publicise, actor="x", reason="y", on=day("2024-05-01"))
    result = submit(
        store,
        candidates(red("P-R8", CLEAN)),
        department=RED_DEPARTMENT,
        kind=ListKind.red,
        actor="王科员",
        on=day("2024-05-01"),
    )
    draft = store.entry("P-R8")
    assert draft is not None
    with pytest.raises(
        InvalidTransition, match="当前允许的操作：公示、更正、撤回（初步名单）、交叉比对不予列入"
    ):
        plan(draft, Action.take_effect, actor="x", reason="y", on=day("2024-05-01"))
    with pytest.raises(InvalidTransition, match="当前允许的操作：公示、撤回"):
        take_effect(store, result.list_id, actor="王科员", on=day("2024-05-30"))
    with pytest.raises(InvalidRequest, match="名单类别"):
        submit(
            store,
            candidates(red("P-R9", CLEAN)),
            department=RED_DEPARTMENT,
            kind=ListKind.black,
            actor="王科员",
        )


def test_preliminary_entries_are_never_published_as_list_entries(store: Store) -> None:
    city(store)
    result = submit(
        store,
        candidates(black("P-B8", CLEAN, valid_from="2024-01-01")),
        department=COURT,
        kind=ListKind.black,
        actor="张法官",
        on=day("2024-05-01"),
    )
    publicise(store, result.list_id, actor="张法官", on=day("2024-05-01"))
    listed = {e.entry_id for e in store.public_entries(day("2024-05-03"), limit=100)}
    assert listed == {"B1"}
    (shown,) = store.in_publicity(day("2024-05-03"))
    assert (shown.list_id, shown.entry.entry_id) == (result.list_id, "P-B8")
    assert store.in_publicity(day("2024-05-08")) == []  # the window has ended
    assert store.in_publicity(day("2024-04-30")) == []


def test_publicity_settings_load_from_a_policies_file_with_chinese_headers(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "名单政策.csv"
    path.write_text(
        "名单类型,传导角色,任职时点,公示期（天）,黑名单可免于公示\n"
        "诚信典型,法定代表人,两者,10,否\n"
        "法院失信,法定代表人;主要负责人,当前,,是\n"
        "安全生产,法定代表人,两者,,\n",
        encoding="utf-8",
    )
    report = load_paths(store, [path], progress=False)
    assert report.ok, report.format_text()
    assert store.publicity_policy("诚信典型") == PublicityPolicy(10, False)
    assert store.publicity_policy("法院失信") == PublicityPolicy(None, True)
    assert store.publicity_policy("安全生产") == PublicityPolicy(None, False)
    assert store.publicity_policy("未登记类型") == PublicityPolicy(None, False)
    assert publicity_window(day("2024-05-01"), None) == (day("2024-05-01"), day("2024-05-07"))
    assert publicity_window(day("2024-05-01"), 10) == (day("2024-05-01"), day("2024-05-10"))

    bad = tmp_path / "policies.csv"
    bad.write_text(
        "list_type,roles,role_time,publicity_days\n诚信典型,legal_representative,both,0\n", encoding="utf-8"
    )
    refused = load_paths(store, [bad], progress=False)
    (problem,) = refused.problems
    assert (problem.row, problem.column, problem.value) == (2, "publicity_days", "0")
    assert "1 到 365" in problem.reason
