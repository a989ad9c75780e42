"""The measures list in versions (§五(一), R4, R11) on the real store: draft, publication, diffs, the check
as of a date, imports before and after the first publication, and the plans of the check.

The city: 常州失信有限公司 (FIRM) is black-listed (B1, valid from 2022-03-01); 李法人 (LR) is its legal
representative. The measures file imported first (version 0) has M-ENT (the firm itself, procurement) and
M-LR (the legal representative, procurement). Version 1 (2023-01-01) adds M-HC (high consumption) and
rewords M-LR; version 2 (2024-01-01) removes M-ENT and moves M-LR from procurement to fiscal funds.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from graph import measures, propagation
from graph.errors import ConflictError, InvalidRequest, NotFound
from graph.measures import FieldChange, InvalidMeasure, NothingToPublish
from graph.store.port import FileKind, MeasurePublication, Store, WriteCounts
from graph.store.sqlite import SQLiteStore, _migrations
from queries.check import check
from tests.fixtures import batch, enterprise, entry, make_id_number, make_uscc, measure, person, policy, role

FIRM = make_uscc(31)
LR = make_id_number(231)
OFFICER = "常州市信用办 王科长"
V1_DAY = dt.date(2023, 1, 1)
V2_DAY = dt.date(2024, 1, 1)
REWORDED = "限制参与政府采购活动（含分包）"

M_HC = {
    "kind": "black",
    "list_type": "失信被执行人",
    "target": "legal_representative",
    "content": "限制高消费",
    "initiating_department": "常州市中级人民法院",
    "implementing_department": "常州市中级人民法院",
    "legal_basis": "《最高人民法院关于限制被执行人高消费及有关消费的若干规定》",
    "business_items": ["high_consumption"],
    "sharing_method": "接口推送",
}


def city(store: Store) -> None:
    store.write_batch(
        batch(
            list_policies=[policy()],
            measures=[measure("M-ENT", "subject"), measure("M-LR", "legal_representative")],
            enterprises=[enterprise(FIRM, "常州失信有限公司")],
            persons=[person(LR, "李法人")],
            roles=[role(LR, FIRM, "legal_representative", "2015-01-01")],
            list_entries=[entry("B1", FIRM, act_date="2022-01-10", valid_from="2022-03-01")],
        )
    )
    propagation.run_full(store)


def two_versions(store: Store) -> None:
    city(store)
    measures.set_measure(store, "M-HC", M_HC, actor=OFFICER)
    measures.edit_measure(store, "M-LR", {"content": REWORDED}, actor=OFFICER)
    measures.publish(store, actor=OFFICER, note="新增限制高消费", on=V1_DAY)
    measures.remove_measure(store, "M-ENT", actor=OFFICER)
    measures.edit_measure(store, "M-LR", {"business_items": ["fiscal_funds"]}, actor=OFFICER)
    measures.publish(store, actor="常州市信用办 李主任", note="调整政府采购措施", on=V2_DAY)


def applying(store: Store, code: str, day: str, item: str | None = None) -> set[str]:
    result = check(store, code, business_item=item, at=dt.date.fromisoformat(day))
    return {m.measure_id for it in result.items if it.applies for m in it.measures}


def test_imported_measures_are_version_0_in_force_since_ever(store: Store) -> None:
    city(store)
    (version,) = store.measure_versions()
    assert (version.version, version.published_on, version.measures) == (0, None, 2)
    records = store.measures_in_force(dt.date(1990, 1, 1))
    assert [(r.measure.measure_id, r.since_version, r.valid_from, r.valid_to) for r in records] == [
        ("M-ENT", 0, None, None),
        ("M-LR", 0, None, None),
    ]
    assert applying(store, LR, "2022-06-01", "public_procurement") == {"M-LR"}


def test_two_publications_keep_every_version_whole(store: Store) -> None:
    two_versions(store)
    versions = store.measure_versions()
    assert [(v.version, v.published_on, v.added, v.changed, v.removed, v.measures) for v in versions] == [
        (0, None, 2, 0, 0, 2),
        (1, V1_DAY, 1, 1, 0, 3),
        (2, V2_DAY, 0, 1, 1, 2),
    ]
    assert versions[1].published_by == OFFICER
    assert versions[1].note == "新增限制高消费"
    assert versions[2].published_by == "常州市信用办 李主任"

    def whole(version: int) -> dict[str, tuple[str, tuple[str, ...]]]:
        return {
            r.measure.measure_id: (r.measure.content, r.measure.business_items)
            for r in store.measures_of_version(version)
        }

    assert whole(0) == {
        "M-ENT": ("限制参与政府采购", ("public_procurement",)),
        "M-LR": ("限制参与政府采购", ("public_procurement",)),
    }
    assert whole(1) == {
        "M-ENT": ("限制参与政府采购", ("public_procurement",)),
        "M-HC": ("限制高消费", ("high_consumption",)),
        "M-LR": (REWORDED, ("public_procurement",)),
    }
    assert whole(2) == {
        "M-HC": ("限制高消费", ("high_consumption",)),
        "M-LR": (REWORDED, ("fiscal_funds",)),
    }
    # Each row says since which version it stands and the days it is in force.
    in_v2 = {
        r.measure.measure_id: (r.since_version, r.valid_from, r.valid_to)
        for r in store.measures_of_version(2)
    }
    assert in_v2 == {"M-HC": (1, V1_DAY, None), "M-LR": (2, V2_DAY, None)}
    in_v1 = {
        r.measure.measure_id: (r.since_version, r.valid_from, r.valid_to)
        for r in store.measures_of_version(1)
    }
    assert in_v1["M-ENT"] == (0, None, dt.date(2023, 12, 31))
    assert in_v1["M-LR"] == (1, V1_DAY, dt.date(2023, 12, 31))
    with pytest.raises(NotFound, match="第 3 版"):
        store.measures_of_version(3)


def test_diff_between_versions_field_by_field(store: Store) -> None:
    two_versions(store)
    diff = measures.version_diff(store, 1, 2)
    assert diff.added == ()
    assert [m.measure_id for m in diff.removed] == ["M-ENT"]
    (update,) = diff.changed
    assert update.measure_id == "M-LR"
    assert update.fields == (FieldChange("business_items", ("public_procurement",), ("fiscal_funds",)),)

    first = measures.version_diff(store, 0, 1)
    assert [m.measure_id for m in first.added] == ["M-HC"]
    assert first.removed == ()
    assert [(u.measure_id, u.fields) for u in first.changed] == [
        ("M-LR", (FieldChange("content", "限制参与政府采购", REWORDED),))
    ]
    back = measures.version_diff(store, 2, 0)
    assert [m.measure_id for m in back.added] == ["M-ENT"]
    assert [m.measure_id for m in back.removed] == ["M-HC"]
    assert {f.field for f in back.changed[0].fields} == {"content", "business_items"}
    assert measures.version_diff(store, 2, 2).empty


def test_check_as_of_a_date_uses_the_version_in_force_that_day(store: Store) -> None:
    two_versions(store)
    # Before version 1: the imported list (M-LR with its first wording).
    before_v1 = check(store, LR, business_item="public_procurement", at=dt.date(2022, 6, 1))
    assert [m.content for it in before_v1.items for m in it.measures] == ["限制参与政府采购"]
    # Under version 1: M-ENT still applies to the firm; M-LR covers procurement, reworded.
    assert applying(store, FIRM, "2023-06-01", "public_procurement") == {"M-ENT"}
    assert applying(store, FIRM, "2023-12-31", "public_procurement") == {"M-ENT"}
    assert applying(store, LR, "2023-06-01", "public_procurement") == {"M-LR"}
    assert applying(store, LR, "2023-06-01", "fiscal_funds") == set()
    assert applying(store, LR, "2023-06-01") == {"M-LR", "M-HC"}
    # From version 2's first day: M-ENT removed, M-LR moved to fiscal funds.
    assert applying(store, FIRM, "2024-01-01", "public_procurement") == set()
    assert not check(store, FIRM, business_item="public_procurement", at=V2_DAY).restricted
    assert applying(store, LR, "2024-01-01", "public_procurement") == set()
    assert applying(store, LR, "2024-06-01", "fiscal_funds") == {"M-LR"}
    assert applying(store, LR, "2024-06-01") == {"M-LR", "M-HC"}


def test_version_in_force_on_a_day(store: Store) -> None:
    two_versions(store)
    versions = store.measure_versions()

    def on(day: str) -> int | None:
        found = measures.version_on(versions, dt.date.fromisoformat(day))
        return None if found is None else found.version

    assert [on("2000-01-01"), on("2022-12-31"), on("2023-01-01"), on("2023-12-31"), on("2024-01-01")] == [
        0,
        0,
        1,
        1,
        2,
    ]
    listing = measures.listing(store, dt.date(2023, 6, 1))
    assert listing.version is not None
    assert listing.version.version == 1
    assert {r.measure.measure_id for r in listing.records} == {"M-ENT", "M-HC", "M-LR"}


def test_current_rows_serve_dispatch_and_propagation(store: Store) -> None:
    two_versions(store)
    from graph.model import ListKind

    assert [m.measure_id for m in store.measures_for(ListKind.black, "失信被执行人")] == ["M-HC", "M-LR"]
    assert store.stats()["measures"] == 2
    # The derived measures counted by a run are those of the current list: M-HC and M-LR reach LR.
    assert propagation.run_full(store).measures == 2


def test_publishing_nothing_is_refused(store: Store) -> None:
    city(store)
    with pytest.raises(NothingToPublish, match="草稿为空"):
        measures.publish(store, actor=OFFICER)
    # A change that restores the current form changes nothing.
    measures.edit_measure(store, "M-LR", {"content": "限制参与政府采购"}, actor=OFFICER)
    with pytest.raises(NothingToPublish, match="相同"):
        measures.publish(store, actor=OFFICER)
    measures.remove_measure(store, "M-LR", actor=OFFICER)
    measures.remove_measure(store, "M-ENT", actor=OFFICER)
    with pytest.raises(NothingToPublish, match="没有任何措施"):
        measures.publish(store, actor=OFFICER)
    assert [v.version for v in store.measure_versions()] == [0]


def test_publication_dates_and_actor(store: Store) -> None:
    two_versions(store)
    measures.set_measure(store, "M-HC", {**M_HC, "content": "限制乘坐飞机"}, actor=OFFICER)
    with pytest.raises(InvalidRequest, match="早于第 2 版"):
        measures.publish(store, actor=OFFICER, on=dt.date(2023, 12, 31))
    with pytest.raises(InvalidRequest, match="晚于今天"):
        measures.publish(store, actor=OFFICER, on=dt.date.today() + dt.timedelta(days=1))
    with pytest.raises(InvalidRequest, match="操作人"):
        measures.publish(store, actor="  ")
    # The same day as version 2 is allowed: the later publication of a day wins that day.
    v3 = measures.publish(store, actor=OFFICER, on=V2_DAY)
    assert v3.version == 3
    assert applying(store, LR, "2024-01-01", "high_consumption") == {"M-HC"}
    (hc,) = [
        m for it in check(store, LR, business_item="high_consumption", at=V2_DAY).items for m in it.measures
    ]
    assert hc.content == "限制乘坐飞机"
    assert measures.version_on(store.measure_versions(), V2_DAY) == store.measure_versions()[-1]


def test_a_stale_publication_is_refused(store: Store) -> None:
    city(store)
    measures.set_measure(store, "M-HC", M_HC, actor=OFFICER)
    view = measures.draft_view(store)
    measures.edit_measure(store, "M-LR", {"content": "另一人同时修改"}, actor="另一位经办人")
    stale = MeasurePublication(
        version=1,
        based_on=None,
        draft_token=view.token,
        published_on=V1_DAY,
        published_by=OFFICER,
        note="",
        added=view.diff.added,
        changed=(),
        removed=(),
        measures=3,
    )
    with pytest.raises(ConflictError, match="已被他人修改"):
        store.publish_measures(stale)
    assert [v.version for v in store.measure_versions()] == [0]


def test_validation_names_every_bad_field() -> None:
    bad = {
        **M_HC,
        "kind": "grey",
        "target": "shareholder",
        "content": "  ",
        "implementing_department": "",
        "legal_basis": None,
        "business_items": ["high_consumption", "飞行", "high_consumption"],
    }
    with pytest.raises(InvalidMeasure) as caught:
        measures.validate_measure("M X", bad)
    fields = [field for field, _ in caught.value.problems]
    assert set(fields) == {
        "measure_id",
        "kind",
        "target",
        "content",
        "implementing_department",
        "legal_basis",
        "business_items",
    }
    detail = caught.value.detail
    assert detail.startswith("措施 M X 有 8 处错误")
    assert "kind（名单类别）取值“grey”无效，应为 red（红名单（激励））、black（黑名单（惩戒））" in detail
    assert "content（措施内容）不能为空" in detail
    assert "implementing_department（实施部门）不能为空" in detail
    assert "business_items（业务事项）“飞行”不在业务事项目录中" in detail
    assert "business_items（业务事项）“high_consumption”重复" in detail
    assert caught.value.status == 422


def test_validation_accepts_chinese_item_names_and_trims() -> None:
    measure_ = measures.validate_measure(
        " M-1 ",
        {**M_HC, "content": " 限制高消费 ", "business_items": "高消费；乘坐飞机", "sharing_method": " "},
    )
    assert measure_.measure_id == "M-1"
    assert measure_.content == "限制高消费"
    assert measure_.business_items == ("high_consumption", "air_travel")
    assert measure_.sharing_method is None
    with pytest.raises(InvalidMeasure, match="不是措施的字段"):
        measures.validate_measure("M-1", {**M_HC, "colour": "red"})


def test_draft_edits_remove_revert_discard_and_their_log(store: Store) -> None:
    city(store)
    with pytest.raises(NotFound, match="M-NONE"):
        measures.remove_measure(store, "M-NONE", actor=OFFICER)
    with pytest.raises(InvalidMeasure, match="措施内容"):
        measures.edit_measure(
            store, "M-NEW", {"kind": "black"}, actor=OFFICER
        )  # a new measure needs all fields
    measures.set_measure(store, "M-HC", M_HC, actor=OFFICER)
    measures.remove_measure(store, "M-HC", actor=OFFICER)  # only the draft had it: it just leaves the draft
    measures.remove_measure(store, "M-ENT", actor=OFFICER)
    measures.edit_measure(store, "M-LR", {"implementing_department": "常州市发展和改革委员会"}, actor=OFFICER)
    _, changes = store.measure_draft()
    assert [(c.measure_id, c.measure is None) for c in changes] == [("M-ENT", True), ("M-LR", False)]
    view = measures.draft_view(store)
    assert [m.measure_id for m in view.diff.removed] == ["M-ENT"]
    assert [(u.measure_id, [f.field for f in u.fields]) for u in view.diff.changed] == [
        ("M-LR", ["implementing_department"])
    ]
    measures.revert_measure(store, "M-ENT", actor=OFFICER)
    with pytest.raises(NotFound, match="草稿中没有"):
        measures.revert_measure(store, "M-ENT", actor=OFFICER)
    assert measures.discard_draft(store, actor=OFFICER) == 1
    assert store.measure_draft()[1] == []

    log = store.measure_changes()
    assert [(c.action, c.measure_id) for c in log][:7] == [
        ("discard", None),
        ("revert", "M-ENT"),
        ("set", "M-LR"),
        ("remove", "M-ENT"),
        ("remove", "M-HC"),
        ("set", "M-HC"),
        ("import", "M-LR"),
    ]
    set_lr = log[2]
    assert set_lr.actor == OFFICER
    assert set_lr.before is not None
    assert set_lr.after is not None
    assert set_lr.before["implementing_department"] == "常州市财政局"
    assert set_lr.after["implementing_department"] == "常州市发展和改革委员会"
    assert set_lr.after["business_items"] == ["public_procurement"]
    assert log[3].before is not None
    assert log[3].after is None
    assert [c.action for c in store.measure_changes(measure_id="M-HC")] == ["remove", "set"]


def test_editing_a_measure_the_draft_removes_brings_it_back_changed(store: Store) -> None:
    city(store)
    measures.remove_measure(store, "M-ENT", actor=OFFICER)
    measures.edit_measure(store, "M-ENT", {"content": "限制参与政府采购（限三年）"}, actor=OFFICER)
    view = measures.draft_view(store)
    assert view.diff.removed == ()
    (update,) = view.diff.changed
    assert update.fields == (FieldChange("content", "限制参与政府采购", "限制参与政府采购（限三年）"),)


def test_publication_is_logged_with_what_it_changed(store: Store) -> None:
    two_versions(store)
    (last,) = store.measure_changes(limit=1)
    assert (last.action, last.version, last.actor, last.note) == (
        "publish",
        2,
        "常州市信用办 李主任",
        "调整政府采购措施",
    )
    assert last.after == {
        "published_on": "2024-01-01",
        "added": [],
        "changed": ["M-LR"],
        "removed": ["M-ENT"],
    }
    assert store.measure_draft()[1] == []


def test_an_import_before_any_publication_maintains_version_0(store: Store) -> None:
    city(store)
    counts = store.write_batch(
        batch(
            measures=[measure("M-LR", "legal_representative", content="新措辞"), measure("M-ENT", "subject")]
        )
    )
    assert counts[FileKind.measures] == WriteCounts(inserted=0, updated=1, unchanged=1)
    assert [v.version for v in store.measure_versions()] == [0]
    (lr,) = [r for r in store.measures_in_force(dt.date(2000, 1, 1)) if r.measure.measure_id == "M-LR"]
    assert (lr.measure.content, lr.since_version, lr.valid_from) == ("新措辞", 0, None)
    (logged,) = store.measure_changes(measure_id="M-LR", limit=1)
    assert logged.action == "import"
    assert logged.actor == "loader"
    assert logged.before is not None
    assert logged.before["content"] == "限制参与政府采购"


def test_an_import_after_a_publication_fills_the_draft(store: Store) -> None:
    two_versions(store)
    counts = store.write_batch(
        batch(
            measures=[
                measure(
                    "M-ENT", "subject", content="限制参与政府采购（恢复）"
                ),  # removed in v2: back via the draft
                measure(
                    "M-HC",
                    "legal_representative",
                    content="限制高消费",
                    items="high_consumption",
                    department="常州市中级人民法院",
                ),
                measure("M-NEW", "principal", content="限制担任国有企业高管", items=""),
            ]
        )
    )
    # Counted against the current list as the draft would change it: M-ENT (removed in v2) and M-NEW are new
    # to it, M-HC differs from its published form (legal basis).
    assert counts[FileKind.measures] == WriteCounts(inserted=2, updated=1, unchanged=0)
    # Nothing is in force before it is published.
    assert applying(store, FIRM, dt.date.today().isoformat(), "public_procurement") == set()
    _, changes = store.measure_draft()
    assert {c.measure_id for c in changes} >= {"M-ENT", "M-NEW"}
    version = measures.publish(store, actor=OFFICER, note="按导入文件更新")
    assert version.version == 3
    assert applying(store, FIRM, dt.date.today().isoformat(), "public_procurement") == {"M-ENT"}
    # Re-importing the same file changes nothing now.
    again = store.write_batch(
        batch(
            measures=[
                measure("M-ENT", "subject", content="限制参与政府采购（恢复）"),
                measure(
                    "M-HC",
                    "legal_representative",
                    content="限制高消费",
                    items="high_consumption",
                    department="常州市中级人民法院",
                ),
                measure("M-NEW", "principal", content="限制担任国有企业高管", items=""),
            ]
        )
    )
    assert again[FileKind.measures] == WriteCounts(inserted=0, updated=0, unchanged=3)
    assert store.measure_draft()[1] == []


def test_a_store_written_before_versions_keeps_its_measures(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    raw = sqlite3.connect(path)
    for version, script in _migrations():
        if version <= 2:
            raw.executescript(script)
    raw.execute(
        "INSERT INTO measures (measure_id, kind, list_type, target, content, initiating_department, "
        "implementing_department, legal_basis, business_items, sharing_method) "
        "VALUES ('M-OLD', 'black', '失信被执行人', 'subject', '限制参与政府采购', '法院', '财政局', '备忘录', "
        "'public_procurement', NULL)"
    )
    raw.execute("PRAGMA user_version = 2")
    raw.commit()
    raw.close()
    store = SQLiteStore(path)
    (record,) = store.measures_in_force(dt.date(1999, 1, 1))
    assert (record.measure.measure_id, record.since_version, record.valid_from, record.valid_to) == (
        "M-OLD",
        0,
        None,
        None,
    )
    assert [v.version for v in store.measure_versions()] == [0]
    store.close()
    check_raw = sqlite3.connect(path)
    indexes = {row[1] for row in check_raw.execute("PRAGMA index_list(measures)")}
    assert {"measures_by_list", "measures_current"} <= indexes
    assert check_raw.execute("SELECT count(*) FROM derived_measures").fetchone()[0] == 0
    check_raw.close()
