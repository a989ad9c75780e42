"""Propagation scenarios from the policy (§四(六)), on the real store, read back through the check."""

from __future__ import annotations

import datetime as dt

import pytest

from graph import propagation
from graph.model import HolderBasis
from graph.store.port import Store
from queries.check import CheckResult, check
from tests.fixtures import (
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

FIRM = make_uscc(1)
OTHER_FIRM = make_uscc(2)
SHAREHOLDER_FIRM = make_uscc(3)
OLD_LR = make_id_number(101)  # legal representative on the act date, left later
NEW_LR = make_id_number(102)  # became legal representative after the act
PRINCIPAL = make_id_number(103)
LEFT_DAY_BEFORE = make_id_number(104)  # legal representative until the day before the act
LEFT_ON_ACT_DAY = make_id_number(105)  # legal representative until the act date inclusive
SHAREHOLDER = make_id_number(106)

ACT = "2022-01-10"


def city(store: Store, role_time: str, *, roles: str = "legal_representative;principal;shareholder") -> None:
    store.write_batch(
        batch(
            list_policies=[policy(roles=roles, role_time=role_time)],
            measures=[
                measure("M-ENT", "subject", content="限制参与政府采购（单位）"),
                measure("M-LR", "legal_representative", content="限制担任政府采购供应商的法定代表人"),
                measure("M-LR-HC", "legal_representative", content="限制高消费", items="high_consumption"),
            ],
            enterprises=[
                enterprise(FIRM, "常州甲有限公司"),
                enterprise(OTHER_FIRM, "常州乙有限公司"),
                enterprise(SHAREHOLDER_FIRM, "常州丙投资有限公司"),
            ],
            persons=[
                person(code, name)
                for code, name in [
                    (OLD_LR, "王旧"),
                    (NEW_LR, "李新"),
                    (PRINCIPAL, "赵负"),
                    (LEFT_DAY_BEFORE, "钱前"),
                    (LEFT_ON_ACT_DAY, "孙当"),
                    (SHAREHOLDER, "周股"),
                ]
            ],
            roles=[
                role(LEFT_DAY_BEFORE, FIRM, "legal_representative", "2010-01-01", "2020-12-31"),
                role(LEFT_ON_ACT_DAY, FIRM, "legal_representative", "2021-01-01", "2022-01-10"),
                role(OLD_LR, FIRM, "legal_representative", "2022-01-11", "2022-06-30"),
                role(NEW_LR, FIRM, "legal_representative", "2022-07-01", None),
                role(PRINCIPAL, FIRM, "principal", "2015-01-01", None),
                role(SHAREHOLDER, FIRM, "shareholder", "2015-01-01", None, ratio=0.4),
                role(
                    SHAREHOLDER_FIRM,
                    FIRM,
                    "shareholder",
                    "2015-01-01",
                    None,
                    holder_type="enterprise",
                    ratio=0.6,
                ),
            ],
            list_entries=[entry("B1", FIRM, act_date=ACT, valid_from="2022-03-01", valid_to="2025-02-28")],
        )
    )
    propagation.run_full(store)


def at(store: Store, subject: str, day: str, item: str | None = "public_procurement") -> CheckResult:
    return check(store, subject, business_item=item, at=dt.date.fromisoformat(day))


def measure_ids(result: CheckResult) -> set[str]:
    return {m.measure_id for item in result.items if item.applies for m in item.measures}


def test_act_holder_is_reached_even_after_leaving_and_later_holder_is_not(store: Store) -> None:
    city(store, "act")
    # LEFT_ON_ACT_DAY held the role on the act date (inclusive end): reached for the entry's validity.
    later = at(store, LEFT_ON_ACT_DAY, "2024-06-01")
    assert later.restricted
    assert measure_ids(later) == {"M-LR"}
    (item,) = later.items
    assert item.path is not None
    assert item.path.holder_basis is HolderBasis.act_date
    assert item.path.role.end == dt.date(2022, 1, 10)
    assert item.path.valid_from == dt.date(2022, 3, 1)
    assert item.path.valid_to == dt.date(2025, 2, 28)
    # The role ending the day before the act does not count; nor do holders after the act.
    for code in (LEFT_DAY_BEFORE, OLD_LR, NEW_LR):
        assert not at(store, code, "2024-06-01").items, code


def test_current_holder_is_reached_only_while_holding_the_role(store: Store) -> None:
    city(store, "current")
    assert at(store, NEW_LR, "2024-06-01").restricted
    assert not at(store, NEW_LR, "2022-06-30").restricted  # not yet legal representative
    # OLD_LR held the role 2022-01-11..2022-06-30: reached on the overlap with the entry's validity only.
    assert not at(store, OLD_LR, "2022-02-28").restricted  # entry not yet valid
    assert at(store, OLD_LR, "2022-03-01").restricted
    assert at(store, OLD_LR, "2022-06-30").restricted
    assert not at(store, OLD_LR, "2022-07-01").restricted  # stopped the day after leaving
    # The act-date holder is not reached under `current` (they left before the entry took effect).
    assert not at(store, LEFT_ON_ACT_DAY, "2024-06-01").items


def test_both_reaches_act_holders_and_current_holders(store: Store) -> None:
    city(store, "both")
    act_holder = at(store, LEFT_ON_ACT_DAY, "2024-06-01")
    assert act_holder.restricted
    assert act_holder.items[0].path is not None
    assert act_holder.items[0].path.holder_basis is HolderBasis.act_date
    current = at(store, NEW_LR, "2024-06-01")
    assert current.restricted
    assert current.items[0].path is not None
    assert current.items[0].path.holder_basis is HolderBasis.current
    assert not at(store, LEFT_DAY_BEFORE, "2024-06-01").items


def test_expired_entry_reaches_nobody_after_valid_to(store: Store) -> None:
    city(store, "both")
    for code in (FIRM, NEW_LR, LEFT_ON_ACT_DAY, PRINCIPAL):
        assert at(store, code, "2025-02-28", item=None).items, code
        assert not at(store, code, "2025-03-01", item=None).items, code


def test_past_date_is_answered_as_of_that_date(store: Store) -> None:
    city(store, "both")
    assert not at(store, FIRM, "2022-02-28").restricted  # listed on 2022-03-01
    firm = at(store, FIRM, "2022-03-01")
    assert firm.restricted
    assert measure_ids(firm) == {"M-ENT"}
    assert firm.items[0].path is None  # direct


def test_measure_for_legal_representative_does_not_reach_principal(store: Store) -> None:
    city(store, "both")
    principal = at(store, PRINCIPAL, "2024-06-01", item=None)
    (item,) = principal.items  # the derived record exists: the policy names principals
    assert item.path is not None
    assert item.path.role.role == "principal"
    assert item.measures == ()  # but no measure targets principals
    assert not principal.restricted


def test_person_reached_via_two_firms_gets_both_paths(store: Store) -> None:
    city(store, "both")
    store.write_batch(
        batch(
            roles=[role(NEW_LR, OTHER_FIRM, "legal_representative", "2020-01-01", None)],
            list_entries=[entry("B2", OTHER_FIRM, act_date="2023-05-05", valid_from="2023-06-01")],
        )
    )
    propagation.run_pending(store)
    result = at(store, NEW_LR, "2024-06-01")
    paths = {(item.entry.entry_id, item.path.role.enterprise_uscc) for item in result.items if item.path}
    assert paths == {("B1", FIRM), ("B2", OTHER_FIRM)}
    assert all(item.measures for item in result.items)


def test_enterprise_shareholder_receives_no_person_measures(store: Store) -> None:
    city(store, "both")
    assert not at(store, SHAREHOLDER_FIRM, "2024-06-01", item=None).items
    # A person shareholder is reached (the policy names shareholders) but no measure targets shareholders.
    (item,) = at(store, SHAREHOLDER, "2024-06-01", item=None).items
    assert item.measures == ()


def test_business_item_selects_measures(store: Store) -> None:
    city(store, "both")
    assert measure_ids(at(store, NEW_LR, "2024-06-01", item="high_consumption")) == {"M-LR-HC"}
    assert measure_ids(at(store, NEW_LR, "2024-06-01", item=None)) == {"M-LR", "M-LR-HC"}
    assert not at(store, NEW_LR, "2024-06-01", item="exit_country").restricted


def test_policy_without_the_role_does_not_reach_it(store: Store) -> None:
    city(store, "both", roles="legal_representative")
    assert not at(store, PRINCIPAL, "2024-06-01", item=None).items


def test_list_type_without_policy_uses_the_default_roles(store: Store) -> None:
    store.write_batch(
        batch(
            enterprises=[enterprise(FIRM)],
            persons=[person(NEW_LR), person(SHAREHOLDER)],
            roles=[
                role(NEW_LR, FIRM, "principal", "2020-01-01"),
                role(SHAREHOLDER, FIRM, "shareholder", "2020-01-01", ratio=1.0),
            ],
            list_entries=[entry("B9", FIRM, list_type="无政策的名单类型")],
        )
    )
    propagation.run_full(store)
    assert at(store, NEW_LR, "2024-06-01", item=None).items  # principal is a default role
    assert not at(store, SHAREHOLDER, "2024-06-01", item=None).items  # shareholder is not


def test_red_entries_do_not_propagate(store: Store) -> None:
    store.write_batch(
        batch(
            list_policies=[policy(list_type="纳税信用A级纳税人")],
            measures=[
                measure(
                    "R1",
                    "subject",
                    kind="red",
                    list_type="纳税信用A级纳税人",
                    content="绿色通道",
                    items="green_channel",
                )
            ],
            enterprises=[enterprise(FIRM)],
            persons=[person(NEW_LR)],
            roles=[role(NEW_LR, FIRM, "legal_representative", "2020-01-01")],
            list_entries=[entry("R-1", FIRM, kind="red", list_type="纳税信用A级纳税人", act_date=None)],
        )
    )
    propagation.run_full(store)
    firm = at(store, FIRM, "2024-06-01", item="green_channel")
    assert firm.incentivised
    assert not firm.restricted
    assert not at(store, NEW_LR, "2024-06-01", item=None).items


def test_role_change_is_propagated_by_the_pending_run(store: Store) -> None:
    city(store, "current")
    assert at(store, NEW_LR, "2024-06-01").restricted
    # NEW_LR's role is closed (re-import with an end date): they stop being reached the day after.
    store.write_batch(batch(roles=[role(NEW_LR, FIRM, "legal_representative", "2022-07-01", "2023-12-31")]))
    assert store.stats()["pending_changes"] == 1
    summary = propagation.run_pending(store)
    assert summary.changed == 1
    assert at(store, NEW_LR, "2023-12-31").restricted
    assert not at(store, NEW_LR, "2024-01-01").restricted
    assert store.stats()["pending_changes"] == 0


@pytest.mark.parametrize("role_time", ["act", "current", "both"])
def test_full_run_is_idempotent(store: Store, role_time: str) -> None:
    city(store, role_time)
    again = propagation.run_full(store)
    assert (again.added, again.removed, again.changed) == (0, 0, 0)


def test_current_holder_whose_role_ended_before_the_entry_gets_no_record(store: Store) -> None:
    city(store, "current")
    for code in (LEFT_DAY_BEFORE, LEFT_ON_ACT_DAY):
        (subject,) = store.find_subjects(code)
        assert store.derived_for_person(subject.pk) == [], code


def test_derive_is_pure_and_never_emits_empty_validity() -> None:
    import pandas as pd

    from graph.frames import PropagationInputs
    from graph.propagation import derive

    inputs = PropagationInputs(
        entries=pd.DataFrame(
            {
                "entry_pk": [1],
                "enterprise_pk": [10],
                "list_type": ["T"],
                "act_day": [100],
                "from_day": [110],
                "to_day": [200],
            }
        ),
        roles=pd.DataFrame(
            {
                "role_pk": [1, 2, 3, 4],
                "person_pk": [21, 22, 23, 24],
                "enterprise_pk": [10, 10, 10, 10],
                "role": ["legal_representative"] * 4,
                "start_day": [0, 101, 150, 201],
                "end_day": [100, 109, 10_000_000, 300],
            }
        ),
        policies=pd.DataFrame({"list_type": ["T"], "role": ["legal_representative"], "role_time": ["both"]}),
        measures=pd.DataFrame({"measure_pk": [7], "list_type": ["T"], "target": ["legal_representative"]}),
    )
    derived = derive(inputs)
    by_person = {row.person_pk: row for row in derived.records.itertuples()}
    # 21 held it on the act day (end inclusive): whole validity; 22 left before the entry took effect;
    # 23 joined during it: overlap; 24 joined after it ended.
    assert set(by_person) == {21, 23}
    assert (by_person[21].holder_basis, by_person[21].from_day, by_person[21].to_day) == (
        "act_date",
        110,
        200,
    )
    assert (by_person[23].holder_basis, by_person[23].from_day, by_person[23].to_day) == ("current", 150, 200)
    assert list(derived.measures["person_pk"]) == [21, 23]
    assert (derived.records["from_day"] <= derived.records["to_day"]).all()
