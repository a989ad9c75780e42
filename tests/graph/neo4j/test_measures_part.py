"""The measures part of the Neo4j store against recorded driver records: the queries it sends (in order,
with their parameters: dates as dates, fields as the change log's JSON), what it builds from the answers,
and the errors of the embedded store (NotFound, ConflictError)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import neo4j
import pandas as pd
import pytest

from graph.errors import ConflictError, NotFound, StoreError
from graph.model import ListKind, Measure, Target
from graph.store.neo4j import measures_part
from graph.store.port import (
    BATCH_COLUMNS,
    DraftChange,
    FileKind,
    MeasurePublication,
    MeasureRecord,
    MeasureVersion,
    WriteCounts,
)
from tests.graph.neo4j.replay import ReplayStore, Step

NOW = "2024-05-06T07:08:09Z"


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(measures_part, "now_text", lambda: NOW)


def make_measure(measure_id: str = "M-1", *, content: str = "限制参加政府采购", **changes: Any) -> Measure:
    fields: dict[str, Any] = {
        "measure_id": measure_id,
        "kind": ListKind.black,
        "list_type": "tax",
        "target": Target.subject,
        "content": content,
        "initiating_department": "税务总局",
        "implementing_department": "财政部",
        "legal_basis": "备忘录",
        "business_items": ("public_procurement",),
        "sharing_method": None,
        **changes,
    }
    return Measure(**fields)


def node(
    measure: Measure,
    *,
    version: int = 0,
    valid_from: neo4j.time.Date | None = None,
    valid_to: neo4j.time.Date | None = None,
    pk: int = 1,
) -> dict[str, Any]:
    """A ``Measure`` node as ``m {.*}`` projects it (absent properties are left out)."""
    out: dict[str, Any] = {
        "pk": pk,
        "measure_id": measure.measure_id,
        "version": version,
        "current": valid_to is None,
        "kind": measure.kind.value,
        "list_type": measure.list_type,
        "target": measure.target.value,
        "content": measure.content,
        "initiating_department": measure.initiating_department,
        "implementing_department": measure.implementing_department,
        "legal_basis": measure.legal_basis,
        "business_items": list(measure.business_items),
    }
    if measure.sharing_method is not None:
        out["sharing_method"] = measure.sharing_method
    if valid_from is not None:
        out["valid_from"] = valid_from
    if valid_to is not None:
        out["valid_to"] = valid_to
        out["retired_in"] = version + 1
    return out


def draft_node(measure: Measure | None, measure_id: str = "M-1", by: str = "张三") -> dict[str, Any]:
    """A ``MeasureDraft`` node as ``d {.*}`` projects it: a new form, or a removal (no fields)."""
    if measure is None:
        return {"measure_id": measure_id, "action": "remove", "changed_at": NOW, "changed_by": by}
    fields = node(measure)
    for key in ("pk", "version", "current"):
        del fields[key]
    return {**fields, "action": "set", "changed_at": NOW, "changed_by": by}


def fields(measure: Measure) -> dict[str, Any]:
    """The fields as the change log's JSON holds them (and as the draft/create rows send them)."""
    return {
        "kind": measure.kind.value,
        "list_type": measure.list_type,
        "target": measure.target.value,
        "content": measure.content,
        "initiating_department": measure.initiating_department,
        "implementing_department": measure.implementing_department,
        "legal_basis": measure.legal_basis,
        "business_items": list(measure.business_items),
        "sharing_method": measure.sharing_method,
    }


def lock() -> Step:
    return Step("measures_lock", params={"at": NOW})


def head(latest: int | None, token: int) -> Step:
    return Step("measures_head", params={}, records=[{"latest": latest, "token": token}])


def state(
    measure_id: str, current: Mapping[str, Any] | None = None, draft: Mapping[str, Any] | None = None
) -> Step:
    return Step(
        "measures_state",
        params={"rows": [{"measure_id": measure_id}]},
        records=[{"measure_id": measure_id, "current": current, "draft": draft}],
    )


def log_rows(params: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = params["rows"]
    return rows


def log_entry(
    pk: int,
    *,
    actor: str,
    action: str,
    measure_id: str | None,
    before: Mapping[str, Any] | None = None,
    after: Any = None,
    version: int | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    return {
        "pk": pk,
        "at": NOW,
        "actor": actor,
        "action": action,
        "measure_id": measure_id,
        "before": None if before is None else json.dumps(before, ensure_ascii=False),
        "after": None if after is None else json.dumps(after, ensure_ascii=False),
        "version": version,
        "note": note,
    }


def change_key(first: int, count: int = 1) -> Step:
    return Step(
        "base_next_pks", params={"name": "measure_change", "count": count}, records=[{"first": first}]
    )


# --- reads ---------------------------------------------------------------------------------------------------


def test_measures_for_maps_the_current_forms_in_the_order_returned() -> None:
    a = make_measure("M-1", business_items=("public_procurement", "fiscal_funds"))
    b = make_measure("M-2", target=Target.legal_representative, sharing_method="接口")
    store = ReplayStore(
        [
            Step(
                "measures_for",
                params={"kind": "black", "list_type": "tax"},
                records=[{"measure": node(a)}, {"measure": node(b, pk=2)}],
            )
        ]
    )
    assert store.measures_for(ListKind.black, "tax") == [a, b]
    store.expect_done()


def test_measures_for_nothing() -> None:
    store = ReplayStore([Step("measures_for", params={"kind": "red", "list_type": "x"})])
    assert store.measures_for(ListKind.red, "x") == []
    store.expect_done()


def test_measure_versions_lists_the_imported_list_as_version_0_then_the_published() -> None:
    store = ReplayStore(
        [
            Step("measures_imported", params={}, records=[{"imported": 3}]),
            Step(
                "measures_versions",
                params={},
                records=[
                    {
                        "version": {
                            "version": 1,
                            "published_on": neo4j.time.Date(2024, 3, 1),
                            "published_at": "2024-02-28T10:00:00Z",
                            "published_by": "李四",
                            "note": "首版",
                            "added": 1,
                            "changed": 2,
                            "removed": 0,
                            "measures": 4,
                        }
                    }
                ],
            ),
        ]
    )
    assert store.measure_versions() == [
        MeasureVersion(0, None, None, "loader", "首次发布前由措施文件导入的清单", 3, 0, 0, 3),
        MeasureVersion(1, dt.date(2024, 3, 1), "2024-02-28T10:00:00Z", "李四", "首版", 1, 2, 0, 4),
    ]
    store.expect_done()


def test_no_version_0_without_imported_measures() -> None:
    store = ReplayStore(
        [Step("measures_imported", records=[{"imported": 0}]), Step("measures_versions", records=[])]
    )
    assert store.measure_versions() == []
    store.expect_done()


def _versions_0_and_1() -> list[Step]:
    return [
        Step("measures_imported", records=[{"imported": 1}]),
        Step(
            "measures_versions",
            records=[
                {
                    "version": {
                        "version": 1,
                        "published_on": neo4j.time.Date(2024, 3, 1),
                        "published_at": NOW,
                        "published_by": "李四",
                        "note": "",
                        "added": 1,
                        "changed": 0,
                        "removed": 0,
                        "measures": 2,
                    }
                }
            ],
        ),
    ]


def test_measures_of_an_unknown_version_is_not_found() -> None:
    store = ReplayStore(_versions_0_and_1())
    with pytest.raises(NotFound, match="第 2 版"):
        store.measures_of_version(2)
    store.expect_done()  # the list itself is never asked for


def test_measures_of_version_keep_the_version_that_brought_each_form_and_its_days() -> None:
    old = make_measure("M-1")
    new = make_measure("M-2", content="限制发行债券")
    store = ReplayStore(
        [
            *_versions_0_and_1(),
            Step(
                "measures_of_version",
                params={"version": 1},
                records=[
                    {"measure": node(old)},
                    {"measure": node(new, version=1, valid_from=neo4j.time.Date(2024, 3, 1), pk=2)},
                ],
            ),
        ]
    )
    assert store.measures_of_version(1) == [
        MeasureRecord(old, 0, None, None),
        MeasureRecord(new, 1, dt.date(2024, 3, 1), None),
    ]
    store.expect_done()


def test_measures_in_force_send_the_day_as_a_date() -> None:
    closed = make_measure("M-1")
    store = ReplayStore(
        [
            Step(
                "measures_in_force",
                params={"at": dt.date(2024, 2, 1)},
                records=[{"measure": node(closed, valid_to=neo4j.time.Date(2024, 2, 29))}],
            )
        ]
    )
    assert store.measures_in_force(dt.date(2024, 2, 1)) == [
        MeasureRecord(closed, 0, None, dt.date(2024, 2, 29))
    ]
    store.expect_done()


def test_measure_draft_reads_the_token_before_the_changes() -> None:
    changed = make_measure("M-1", content="新内容")
    store = ReplayStore(
        [
            head(1, 17),
            Step(
                "measures_draft",
                params={},
                records=[{"draft": draft_node(changed)}, {"draft": draft_node(None, "M-2", by="王五")}],
            ),
        ]
    )
    assert store.measure_draft() == (
        17,
        [DraftChange("M-1", changed, NOW, "张三"), DraftChange("M-2", None, NOW, "王五")],
    )
    assert [call.name for call in store.calls] == ["measures_head", "measures_draft"]
    assert not any(call.write for call in store.calls)
    store.expect_done()


def test_an_empty_draft_has_token_0_before_any_change() -> None:
    store = ReplayStore([head(None, 0), Step("measures_draft")])
    assert store.measure_draft() == (0, [])
    store.expect_done()


def test_measure_changes_map_the_json_and_filter_by_measure() -> None:
    before = fields(make_measure())
    store = ReplayStore(
        [
            Step(
                "measures_changes",
                params={"measure_id": "M-1", "limit": 2},
                records=[
                    {
                        "change": {
                            "pk": 9,
                            "at": NOW,
                            "actor": "张三",
                            "action": "remove",
                            "measure_id": "M-1",
                            "before": json.dumps(before, ensure_ascii=False),
                        }
                    },
                    {
                        "change": {
                            "pk": 4,
                            "at": NOW,
                            "actor": "李四",
                            "action": "publish",
                            "after": '{"published_on": "2024-03-01", "added": ["M-1"]}',
                            "version": 1,
                            "note": "首版",
                        }
                    },
                ],
            )
        ]
    )
    first, second = store.measure_changes(measure_id="M-1", limit=2)
    assert (first.pk, first.action, first.measure_id, first.before, first.after) == (
        9,
        "remove",
        "M-1",
        before,
        None,
    )
    assert (first.version, first.note) == (None, None)
    assert (second.pk, second.measure_id, second.version, second.note) == (4, None, 1, "首版")
    assert second.after == {"published_on": "2024-03-01", "added": ["M-1"]}
    store.expect_done()


def test_measure_changes_of_every_measure_and_no_limit() -> None:
    store = ReplayStore([Step("measures_changes", params={"measure_id": None, "limit": 2**62})])
    assert store.measure_changes(limit=-1) == []
    store.expect_done()


# --- the draft ------------------------------------------------------------------------------------------------


def test_set_draft_measure_locks_logs_before_as_the_draft_form_and_after() -> None:
    current = make_measure("M-1")
    drafted = make_measure("M-1", content="草稿内容")
    wanted = make_measure("M-1", content="最终内容", business_items=(), sharing_method="接口")
    store = ReplayStore(
        [
            lock(),
            state("M-1", current=node(current), draft=draft_node(drafted)),
            Step(
                "measures_draft_set",
                params={
                    "rows": [{"measure_id": "M-1", **fields(wanted), "changed_at": NOW, "changed_by": "张三"}]
                },
            ),
            change_key(31),
            Step(
                "measures_log",
                params={
                    "rows": [
                        log_entry(
                            31,
                            actor="张三",
                            action="set",
                            measure_id="M-1",
                            before=fields(drafted),
                            after=fields(wanted),
                        )
                    ]
                },
            ),
        ]
    )
    store.set_draft_measure(wanted, actor="张三")
    assert all(call.write for call in store.calls)
    assert store.calls[2].params["rows"][0]["business_items"] == []
    store.expect_done()


def test_set_draft_measure_of_a_new_measure_logs_no_before() -> None:
    added = make_measure("M-9")
    store = ReplayStore(
        [
            lock(),
            state("M-9"),
            Step("measures_draft_set"),
            change_key(1),
            Step("measures_log", check=lambda p: _assert_before_after(p, None, fields(added))),
        ]
    )
    store.set_draft_measure(added, actor="张三")
    store.expect_done()


def _assert_before_after(params: Mapping[str, Any], before: Any, after: Any) -> None:
    (row,) = log_rows(params)
    assert (json.loads(row["before"]) if row["before"] else None) == before
    assert (json.loads(row["after"]) if row["after"] else None) == after


def test_removing_an_unknown_measure_is_not_found() -> None:
    store = ReplayStore([lock(), state("M-404")])
    with pytest.raises(NotFound, match="M-404"):
        store.remove_draft_measure("M-404", actor="张三")
    store.expect_done()


def test_removing_a_measure_already_removed_changes_nothing() -> None:
    store = ReplayStore([lock(), state("M-1", current=node(make_measure()), draft=draft_node(None))])
    store.remove_draft_measure("M-1", actor="张三")
    store.expect_done()  # no write, no log entry


def test_removing_a_measure_only_the_draft_added_takes_it_out_of_the_draft() -> None:
    added = make_measure("M-9")
    store = ReplayStore(
        [
            lock(),
            state("M-9", draft=draft_node(added, "M-9")),
            Step("measures_draft_drop", params={"measure_id": "M-9"}),
            change_key(5),
            Step(
                "measures_log",
                params={
                    "rows": [
                        log_entry(5, actor="张三", action="remove", measure_id="M-9", before=fields(added))
                    ]
                },
            ),
        ]
    )
    store.remove_draft_measure("M-9", actor="张三")
    store.expect_done()


def test_removing_a_current_measure_puts_its_removal_in_the_draft() -> None:
    current = make_measure("M-1")
    store = ReplayStore(
        [
            lock(),
            state("M-1", current=node(current)),
            Step(
                "measures_draft_remove", params={"measure_id": "M-1", "changed_at": NOW, "changed_by": "张三"}
            ),
            change_key(6),
            Step(
                "measures_log",
                params={
                    "rows": [
                        log_entry(6, actor="张三", action="remove", measure_id="M-1", before=fields(current))
                    ]
                },
            ),
        ]
    )
    store.remove_draft_measure("M-1", actor="张三")
    store.expect_done()


def test_reverting_without_a_draft_change_is_not_found() -> None:
    store = ReplayStore([lock(), state("M-1", current=node(make_measure()))])
    with pytest.raises(NotFound, match="草稿中没有对措施 M-1 的修改"):
        store.revert_draft_measure("M-1", actor="张三")
    store.expect_done()


def test_reverting_a_removal_logs_the_current_form_as_after() -> None:
    current = make_measure("M-1")
    store = ReplayStore(
        [
            lock(),
            state("M-1", current=node(current), draft=draft_node(None)),
            Step("measures_draft_drop", params={"measure_id": "M-1"}),
            change_key(7),
            Step(
                "measures_log",
                params={
                    "rows": [
                        log_entry(7, actor="张三", action="revert", measure_id="M-1", after=fields(current))
                    ]
                },
            ),
        ]
    )
    store.revert_draft_measure("M-1", actor="张三")
    store.expect_done()


def test_reverting_an_addition_logs_no_after() -> None:
    added = make_measure("M-9")
    store = ReplayStore(
        [
            lock(),
            state("M-9", draft=draft_node(added, "M-9")),
            Step("measures_draft_drop", params={"measure_id": "M-9"}),
            change_key(8),
            Step("measures_log", check=lambda p: _assert_before_after(p, fields(added), None)),
        ]
    )
    store.revert_draft_measure("M-9", actor="张三")
    store.expect_done()


def test_discarding_an_empty_draft_writes_nothing() -> None:
    store = ReplayStore([lock(), Step("measures_draft")])
    assert store.discard_measure_draft(actor="张三") == 0
    store.expect_done()


def test_discarding_the_draft_logs_the_ids_dropped() -> None:
    store = ReplayStore(
        [
            lock(),
            Step(
                "measures_draft",
                records=[{"draft": draft_node(None, "M-1")}, {"draft": draft_node(None, "M-2")}],
            ),
            Step("measures_draft_clear", params={}),
            change_key(12),
            Step(
                "measures_log",
                params={
                    "rows": [
                        log_entry(
                            12,
                            actor="张三",
                            action="discard",
                            measure_id=None,
                            after={"measure_ids": ["M-1", "M-2"]},
                            note="放弃草稿中 2 项修改",
                        )
                    ]
                },
            ),
        ]
    )
    assert store.discard_measure_draft(actor="张三") == 2
    store.expect_done()


# --- publication ----------------------------------------------------------------------------------------------


def publication(**changes: Any) -> MeasurePublication:
    values: dict[str, Any] = {
        "version": 2,
        "based_on": 1,
        "draft_token": 40,
        "published_on": dt.date(2024, 3, 1),
        "published_by": "李四",
        "note": "第二版",
        "added": (make_measure("M-3", content="新增"),),
        "changed": (make_measure("M-1", content="修改"),),
        "removed": ("M-2",),
        "measures": 5,
        **changes,
    }
    return MeasurePublication(**values)


@pytest.mark.parametrize(("latest", "token"), [(2, 40), (1, 41), (None, 40)])
def test_publishing_conflicts_when_the_version_or_the_draft_moved(latest: int | None, token: int) -> None:
    store = ReplayStore([lock(), head(latest, token)])
    with pytest.raises(ConflictError, match="已被他人修改"):
        store.publish_measures(publication())
    store.expect_done()  # checked under the lock, before any write


def test_publishing_conflicts_when_a_changed_measure_is_no_longer_current() -> None:
    store = ReplayStore(
        [lock(), head(1, 40), Step("measures_retire", records=[{"measure_id": "M-1"}])]  # M-2 not current
    )
    with pytest.raises(ConflictError, match="措施 M-2 不在当前清单中"):
        store.publish_measures(publication())
    store.expect_done()


def test_publishing_a_measure_both_changed_and_removed_conflicts() -> None:
    store = ReplayStore([lock(), head(1, 40), Step("measures_retire", records=[{"measure_id": "M-1"}] * 2)])
    with pytest.raises(ConflictError, match="措施 M-1 不在当前清单中"):
        store.publish_measures(publication(removed=("M-1",)))
    store.expect_done()


def test_publishing_an_added_measure_that_is_current_is_refused() -> None:
    store = ReplayStore(
        [
            lock(),
            head(1, 40),
            Step("measures_retire", records=[{"measure_id": "M-1"}, {"measure_id": "M-2"}]),
            state("M-3", current=node(make_measure("M-3"))),
        ]
    )
    with pytest.raises(StoreError, match="M-3 已在当前清单中"):
        store.publish_measures(publication())
    store.expect_done()


def test_publishing_closes_changed_and_removed_forms_and_creates_the_new_ones() -> None:
    p = publication()
    added, changed = p.added[0], p.changed[0]
    store = ReplayStore(
        [
            lock(),
            head(1, 40),
            Step(
                "measures_retire",
                params={
                    "rows": [{"measure_id": "M-1"}, {"measure_id": "M-2"}],
                    "version": 2,
                    "valid_to": dt.date(2024, 2, 29),
                },
                records=[{"measure_id": "M-2"}, {"measure_id": "M-1"}],
            ),
            state("M-3"),
            Step("base_next_pks", params={"name": "measure", "count": 2}, records=[{"first": 70}]),
            Step(
                "measures_create",
                params={
                    "rows": [
                        {
                            "pk": 70,
                            "measure_id": "M-3",
                            "version": 2,
                            "valid_from": dt.date(2024, 3, 1),
                            **fields(added),
                        },
                        {
                            "pk": 71,
                            "measure_id": "M-1",
                            "version": 2,
                            "valid_from": dt.date(2024, 3, 1),
                            **fields(changed),
                        },
                    ]
                },
            ),
            Step(
                "measures_version_create",
                params={
                    "version": 2,
                    "published_on": dt.date(2024, 3, 1),
                    "published_at": NOW,
                    "published_by": "李四",
                    "note": "第二版",
                    "added": 1,
                    "changed": 1,
                    "removed": 1,
                    "measures": 5,
                },
            ),
            Step("measures_draft_clear", params={}),
            change_key(41),
            Step(
                "measures_log",
                params={
                    "rows": [
                        log_entry(
                            41,
                            actor="李四",
                            action="publish",
                            measure_id=None,
                            after={
                                "published_on": "2024-03-01",
                                "added": ["M-3"],
                                "changed": ["M-1"],
                                "removed": ["M-2"],
                            },
                            version=2,
                            note="第二版",
                        )
                    ]
                },
            ),
        ]
    )
    assert store.publish_measures(p) == MeasureVersion(
        2, dt.date(2024, 3, 1), NOW, "李四", "第二版", 1, 1, 1, 5
    )
    assert all(call.write for call in store.calls)
    store.expect_done()


def test_the_first_publication_of_removals_only_creates_no_forms() -> None:
    p = publication(
        version=1, based_on=None, draft_token=0, added=(), changed=(), removed=("M-2",), measures=0
    )
    store = ReplayStore(
        [
            lock(),
            head(None, 0),
            Step("measures_retire", records=[{"measure_id": "M-2"}]),
            Step("measures_version_create", check=lambda params: _assert_counts(params, 0, 0, 1)),
            Step("measures_draft_clear"),
            change_key(1),
            Step("measures_log"),
        ]
    )
    assert store.publish_measures(p).removed == 1
    store.expect_done()


def _assert_counts(params: Mapping[str, Any], added: int, changed: int, removed: int) -> None:
    assert (params["added"], params["changed"], params["removed"], params["version"]) == (
        added,
        changed,
        removed,
        1,
    )


def test_publishing_nothing_still_records_the_version() -> None:
    p = publication(added=(), changed=(), removed=())
    store = ReplayStore(
        [
            lock(),
            head(1, 40),
            Step("measures_version_create"),
            Step("measures_draft_clear"),
            change_key(41),
            Step("measures_log"),
        ]
    )
    assert store.publish_measures(p).version == 2
    store.expect_done()


# --- imports --------------------------------------------------------------------------------------------------


def frame(*measures: Measure) -> pd.DataFrame:
    rows = [
        {
            "measure_id": m.measure_id,
            **fields(m),
            "business_items": ";".join(m.business_items),
        }
        for m in measures
    ]
    return pd.DataFrame(rows, columns=list(BATCH_COLUMNS[FileKind.measures]))


def test_an_import_before_the_first_publication_maintains_version_0_in_place() -> None:
    same = make_measure("M-1")
    old = make_measure("M-2")
    new_form = make_measure("M-2", content="更新", business_items=("public_procurement", "fiscal_funds"))
    added = make_measure("M-3", business_items=())
    state_rows = [{"measure_id": "M-1"}, {"measure_id": "M-2"}, {"measure_id": "M-3"}]
    note = "写入导入清单（第 0 版）"
    store = ReplayStore(
        [
            lock(),
            head(None, 0),
            Step(
                "measures_state",
                params={"rows": state_rows},
                records=[
                    {"measure_id": "M-1", "current": node(same), "draft": None},
                    {"measure_id": "M-2", "current": node(old, pk=2), "draft": None},
                    {"measure_id": "M-3", "current": None, "draft": None},
                ],
            ),
            Step("base_next_pks", params={"name": "measure", "count": 1}, records=[{"first": 10}]),
            Step(
                "measures_create",
                params={
                    "rows": [
                        {"pk": 10, "measure_id": "M-3", "version": 0, "valid_from": None, **fields(added)}
                    ]
                },
            ),
            Step("measures_update_current", params={"rows": [{"measure_id": "M-2", **fields(new_form)}]}),
            change_key(3, 2),
            Step(
                "measures_log",
                params={
                    "rows": [
                        log_entry(
                            3,
                            actor="loader",
                            action="import",
                            measure_id="M-2",
                            before=fields(old),
                            after=fields(new_form),
                            note=note,
                        ),
                        log_entry(
                            4,
                            actor="loader",
                            action="import",
                            measure_id="M-3",
                            after=fields(added),
                            note=note,
                        ),
                    ]
                },
            ),
        ]
    )
    counts = store._write("导入", lambda tx: store._write_measures_frame(tx, frame(same, new_form, added)))
    assert counts == WriteCounts(inserted=1, updated=1, unchanged=1)
    store.expect_done()


def test_reimporting_the_same_file_writes_nothing() -> None:
    same = make_measure("M-1", sharing_method="接口")
    store = ReplayStore([lock(), head(None, 5), state("M-1", current=node(same))])
    counts = store._write("导入", lambda tx: store._write_measures_frame(tx, frame(same)))
    assert counts == WriteCounts(unchanged=1)
    store.expect_done()


def test_an_import_after_a_publication_fills_the_draft_against_the_drafts_forms() -> None:
    current = make_measure("M-1")
    drafted = make_measure("M-1", content="草稿")
    removed = make_measure("M-2")
    as_drafted = make_measure("M-4", content="已在草稿")
    brand_new = make_measure("M-3", content="新")
    store = ReplayStore(
        [
            lock(),
            head(1, 40),
            Step(
                "measures_state",
                records=[
                    # The draft's form equals the file's: unchanged although the current form differs.
                    {"measure_id": "M-1", "current": node(current), "draft": draft_node(drafted)},
                    # Removed in the draft: the file brings it back (an update, before = none).
                    {"measure_id": "M-2", "current": node(removed, pk=2), "draft": draft_node(None, "M-2")},
                    {"measure_id": "M-3", "current": None, "draft": None},
                    {"measure_id": "M-4", "current": None, "draft": draft_node(as_drafted, "M-4")},
                ],
            ),
            Step(
                "measures_draft_set",
                params={
                    "rows": [
                        {"measure_id": "M-2", **fields(removed), "changed_at": NOW, "changed_by": "loader"},
                        {"measure_id": "M-3", **fields(brand_new), "changed_at": NOW, "changed_by": "loader"},
                    ]
                },
            ),
            change_key(41, 2),
            Step(
                "measures_log",
                check=lambda p: _assert_logged(p, [("M-2", "写入草稿", None), ("M-3", "写入草稿", None)]),
            ),
        ]
    )
    counts = store._write(
        "导入", lambda tx: store._write_measures_frame(tx, frame(drafted, removed, brand_new, as_drafted))
    )
    assert counts == WriteCounts(inserted=1, updated=1, unchanged=2)
    store.expect_done()


def test_a_repeated_id_is_compared_with_the_row_before_it() -> None:
    first = make_measure("M-5", content="一")
    second = make_measure("M-5", content="二")
    store = ReplayStore(
        [
            lock(),
            head(None, 0),
            Step("measures_state", params={"rows": [{"measure_id": "M-5"}]}, records=[state_record("M-5")]),
            Step("base_next_pks", params={"name": "measure", "count": 1}, records=[{"first": 1}]),
            Step("measures_create", check=lambda p: _assert_created(p, second)),
            change_key(1, 2),
            Step("measures_log", check=lambda p: _assert_log_befores(p, [None, fields(first)])),
        ]
    )
    counts = store._write("导入", lambda tx: store._write_measures_frame(tx, frame(first, second)))
    assert counts == WriteCounts(inserted=1, updated=1)
    store.expect_done()


def _assert_logged(params: Mapping[str, Any], expected: list[tuple[str, str, Any]]) -> None:
    assert [(r["measure_id"], r["note"], r["before"]) for r in log_rows(params)] == expected
    assert all(r["actor"] == "loader" and r["action"] == "import" for r in log_rows(params))


def state_record(measure_id: str) -> dict[str, Any]:
    return {"measure_id": measure_id, "current": None, "draft": None}


def _assert_created(params: Mapping[str, Any], measure: Measure) -> None:
    (row,) = params["rows"]
    assert (row["content"], row["version"], row["valid_from"]) == (measure.content, 0, None)


def _assert_log_befores(params: Mapping[str, Any], befores: list[Any]) -> None:
    assert [json.loads(r["before"]) if r["before"] else None for r in log_rows(params)] == befores


def test_an_empty_measures_file_only_takes_the_lock() -> None:
    store = ReplayStore([lock(), head(None, 0)])
    counts = store._write("导入", lambda tx: store._write_measures_frame(tx, frame()))
    assert counts == WriteCounts()
    store.expect_done()
