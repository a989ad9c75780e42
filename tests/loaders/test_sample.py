"""The sample city: deterministic, valid by the data contract, shaped like the module docstring says."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from graph.business_items import BUSINESS_ITEMS
from graph.ids import id_number_problem, uscc_problem
from graph.model import ListKind, Role, RoleTime, Target
from graph.store.port import CONTRACT_COLUMNS, FileKind, Store
from loaders.sample import DEFAULT_TODAY, generate_city

TODAY = DEFAULT_TODAY
CHANGZHOU_REGIONS = {"320402", "320404", "320411", "320412", "320413", "320481"}
COLUMNS = {kind: list(columns) for kind, columns in CONTRACT_COLUMNS.items()}
City = dict[FileKind, pd.DataFrame]


def read_city(paths: dict[str, Path]) -> City:
    return {
        FileKind(kind): pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        for kind, path in paths.items()
    }


@pytest.fixture(scope="module")
def city_paths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return generate_city(tmp_path_factory.mktemp("city"), enterprises=2000, seed=7, today=TODAY)


@pytest.fixture(scope="module")
def city(city_paths: dict[str, Path]) -> City:
    return read_city(city_paths)


def day(text: pd.Series) -> pd.Series:
    return pd.to_datetime(text.replace("", None), format="%Y-%m-%d")


# --- determinism -------------------------------------------------------------------------------------


def test_same_seed_same_bytes_other_seed_other_city(tmp_path: Path) -> None:
    first = generate_city(tmp_path / "a", enterprises=300, seed=11, today=TODAY)
    again = generate_city(tmp_path / "b", enterprises=300, seed=11, today=TODAY)
    other = generate_city(tmp_path / "c", enterprises=300, seed=12, today=TODAY)
    for kind, path in first.items():
        assert path.read_bytes() == again[kind].read_bytes(), kind
    assert first[FileKind.enterprises].read_bytes() != other[FileKind.enterprises].read_bytes()
    assert first[FileKind.roles].read_bytes() != other[FileKind.roles].read_bytes()


def test_writes_the_six_contract_files(city_paths: dict[str, Path], city: City) -> None:
    assert set(city_paths) == set(FileKind)
    for kind, frame in city.items():
        assert city_paths[kind].name == f"{kind.value}.csv"
        assert list(frame.columns) == COLUMNS[kind]
    assert len(city[FileKind.enterprises]) == 2000
    assert len(city[FileKind.persons]) == 2400


def test_no_date_after_today(city: City) -> None:
    columns = {
        FileKind.enterprises: ["established"],
        FileKind.roles: ["start", "end"],
        FileKind.list_entries: ["act_date", "decided_on", "valid_from"],
    }
    for kind, names in columns.items():
        for name in names:
            assert (day(city[kind][name]).dropna() <= pd.Timestamp(TODAY)).all(), (kind, name)


def test_rejects_an_empty_city(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        generate_city(tmp_path, enterprises=0, today=TODAY)


# --- identifiers -------------------------------------------------------------------------------------


def test_usccs_are_valid_unique_changzhou_codes(city: City) -> None:
    firms = city[FileKind.enterprises]
    assert [code for code in firms.uscc if uscc_problem(code) is not None] == []
    assert firms.uscc.is_unique
    assert set(firms.region_code) <= CHANGZHOU_REGIONS
    assert (firms.uscc.str[2:8] == firms.region_code).all()
    assert firms.uscc.str[:2].isin(["91", "92", "93", "N2", "Y1"]).all()
    assert (firms.uscc.str[:2] == "91").mean() > 0.8
    lettered = firms[firms.uscc.str[0].str.isalpha()]
    assert 3 <= len(lettered) <= 40
    assert set(firms.kind) >= {"有限责任公司", "股份有限公司", "个体工商户", "农民专业合作社", "分公司"}


def test_organisation_code_part_carries_its_gb_11714_check(city: City) -> None:
    def expected(body: str) -> str:
        values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
        check = 11 - sum(v * w for v, w in zip(values, [3, 7, 9, 10, 5, 8, 4, 2], strict=True)) % 11
        return {10: "X", 11: "0"}.get(check, str(check))

    organisation = city[FileKind.enterprises].uscc.str[8:17]
    assert all(code[8] == expected(code[:8]) for code in organisation)


def test_id_numbers_are_valid_unique_changzhou_adults(city: City) -> None:
    persons = city[FileKind.persons]
    assert [code for code in persons.id_number if id_number_problem(code, today=TODAY) is not None] == []
    assert persons.id_number.is_unique
    assert persons.id_number.str[:4].eq("3204").all()
    # Historic area codes (武进市, 金坛市, 戚墅堰区) appear, and only on people old enough to have them.
    historic = persons[persons.id_number.str[:6].isin(["320483", "320482", "320405"])]
    assert len(historic) > 100
    assert historic.id_number.str[6:10].astype(int).max() < 1998
    years = persons.id_number.str[6:10].astype(int)
    assert years.between(1950, 2002).all()
    assert persons.name.str.len().between(2, 4).all()


# --- roles -------------------------------------------------------------------------------------------


def test_roles_reference_existing_subjects_and_start_after_establishment(city: City) -> None:
    firms = city[FileKind.enterprises].set_index("uscc")
    people = set(city[FileKind.persons].id_number)
    roles = city[FileKind.roles]
    assert set(roles.role) <= {r.value for r in Role}
    assert roles.enterprise_uscc.isin(firms.index).all()
    held_by_firms = roles.role.isin([Role.shareholder, Role.branch_of])
    assert roles.person_id[~held_by_firms].isin(people).all()
    assert roles.person_id[held_by_firms].isin(people | set(firms.index)).all()
    assert roles.person_id[roles.role == Role.branch_of].isin(firms.index).all()
    assert (day(roles.start) >= day(firms.established.loc[roles.enterprise_uscc]).to_numpy()).all()
    ended = roles[roles.end != ""]
    assert (day(ended.end) >= day(ended.start)).all()
    assert not roles.duplicated(["person_id", "enterprise_uscc", "role", "start"]).any()


def test_people_hold_roles_only_as_adults(city: City) -> None:
    roles = city[FileKind.roles]
    people = roles[roles.person_id.isin(city[FileKind.persons].id_number)]
    born = pd.to_datetime(people.person_id.str[6:14], format="%Y%m%d")
    assert (day(people.start) >= born + pd.DateOffset(years=18)).all()


def test_one_current_legal_representative_per_firm_and_history_kept(city: City) -> None:
    roles = city[FileKind.roles]
    legal = roles[roles.role == Role.legal_representative].copy()
    legal["start_day"], legal["end_day"] = day(legal.start), day(legal.end)
    now = pd.Timestamp(TODAY)
    current = legal[(legal.start_day <= now) & (legal.end_day.isna() | (legal.end_day >= now))]
    assert current.enterprise_uscc.value_counts().max() == 1
    assert set(current.enterprise_uscc) == set(city[FileKind.enterprises].uscc)

    legal = legal.sort_values(["enterprise_uscc", "start_day"])
    same_firm = legal.enterprise_uscc.eq(legal.enterprise_uscc.shift(-1))
    closed = legal[same_firm]
    following = legal.start_day.shift(-1)[same_firm]
    # Terms never overlap: each ends the day before the next one starts, and only the last is open.
    assert (closed.end_day == following - pd.Timedelta(days=1)).all()
    assert legal[~same_firm].end_day.isna().all()
    changed_firms = legal.enterprise_uscc.value_counts()
    assert 0.2 < (changed_firms > 1).mean() < 0.4


def test_shareholdings_sum_to_at_most_one(city: City) -> None:
    roles = city[FileKind.roles]
    shares = roles[roles.role == Role.shareholder]
    ratio = shares.ratio.astype(float)
    assert (ratio > 0).all()
    assert ratio.groupby(shares.enterprise_uscc).sum().max() <= 1.0 + 1e-9
    assert shares.person_id.isin(city[FileKind.enterprises].uscc).any()
    assert (roles.ratio[roles.role != Role.shareholder] == "").all()


def test_all_role_kinds_and_branches_present(city: City) -> None:
    counts = city[FileKind.roles].role.value_counts()
    assert set(counts.index) == {r.value for r in Role}
    assert 0.01 < counts[Role.branch_of] / 2000 < 0.06
    assert 2.5 < counts.sum() / 2000 < 4.5


def test_a_few_people_serve_many_firms(city: City) -> None:
    roles = city[FileKind.roles]
    people = roles[roles.person_id.isin(city[FileKind.persons].id_number)]
    firms_per_person = people.groupby("person_id").enterprise_uscc.nunique()
    assert firms_per_person.max() >= 10
    assert firms_per_person.median() <= 2


# --- list entries, measures, policies ----------------------------------------------------------------


def test_black_entries_across_list_types_and_red_never_for_black_subjects(city: City) -> None:
    entries = city[FileKind.list_entries]
    assert entries.entry_id.is_unique
    assert entries.entry_id.str.fullmatch(r"H[BH]-\d{4}-\d{6}").all()
    black = entries[entries.kind == ListKind.black]
    red = entries[entries.kind == ListKind.red]
    assert black.list_type.nunique() >= 5
    assert len(red) > 0
    assert not set(red.subject_id) & set(black.subject_id)
    assert (black.entry_id.str[:2] == "HB").all()
    assert (red.entry_id.str[:2] == "HH").all()

    firms = set(city[FileKind.enterprises].uscc)
    people = set(city[FileKind.persons].id_number)
    assert entries.subject_id.isin(firms | people).all()
    listed_people = black[black.subject_id.isin(people)]
    assert 0.005 < len(listed_people) / len(people) < 0.02
    assert 0.02 < black.subject_id.isin(firms).sum() / len(firms) < 0.06


def test_entry_dates_are_ordered_and_some_have_expired(city: City) -> None:
    entries = city[FileKind.list_entries]
    act, decided = day(entries.act_date), day(entries.decided_on)
    valid_from, valid_to = day(entries.valid_from), day(entries.valid_to)
    assert (act < decided).all()
    assert (valid_from == decided).all()
    assert (valid_to.dropna() >= valid_from[valid_to.notna()]).all()
    black = entries.kind == ListKind.black
    assert (valid_to[black] < pd.Timestamp(TODAY)).any()
    assert valid_to[black].isna().any()
    established = city[FileKind.enterprises].set_index("uscc").established
    firm_entries = entries[entries.subject_id.isin(established.index)]
    assert (day(firm_entries.act_date) > day(established.loc[firm_entries.subject_id]).to_numpy()).all()


def test_departments_and_basis_numbers_look_real(city: City) -> None:
    entries = city[FileKind.list_entries]
    court = entries[entries.list_type == "失信被执行人"]
    assert court.department.str.endswith("人民法院").all()
    assert court.basis.str.fullmatch(r"（\d{4}）苏04(\d{2})?执\d+号").all()
    tax = entries[entries.list_type == "重大税收违法失信主体"]
    assert (tax.department == "国家税务总局常州市税务局").all()
    assert tax.basis.str.fullmatch(r"常税稽罚〔\d{4}〕\d+号").all()


def test_measures_list(city: City) -> None:
    measures = city[FileKind.measures]
    entries = city[FileKind.list_entries]
    assert len(measures) >= 30
    assert measures.measure_id.is_unique
    assert set(measures.kind) == {k.value for k in ListKind}
    assert set(measures.target) <= {t.value for t in Target}
    items = {item for text in measures.business_items for item in text.split(";") if item}
    assert items <= set(BUSINESS_ITEMS)
    assert (
        measures[["content", "initiating_department", "implementing_department", "legal_basis"]] != ""
    ).all(axis=None)
    for list_type in entries[entries.kind == ListKind.black].list_type.unique():
        own = measures[measures.list_type == list_type]
        assert {"subject", "legal_representative"} <= set(own.target), list_type
        procurement = own[
            own.business_items.str.split(";").apply(lambda codes: "public_procurement" in codes)
        ]
        assert "legal_representative" in set(procurement.target), list_type
    red = measures[measures.kind == ListKind.red]
    assert red.business_items.str.contains("green_channel").any()


def test_every_list_type_has_a_policy(city: City) -> None:
    policies = city[FileKind.list_policies].set_index("list_type")
    assert policies.index.is_unique
    used = set(city[FileKind.list_entries].list_type) | set(city[FileKind.measures].list_type)
    assert used <= set(policies.index)
    assert set(policies.role_time) <= {t.value for t in RoleTime}
    assert set(policies.derived_counts_for_red) == {"true", "false"}
    assert policies.loc["失信被执行人", "role_time"] == RoleTime.current
    assert str(policies.loc["失信被执行人", "roles"]).split(";") == [
        "legal_representative",
        "principal",
        "actual_controller",
    ]
    assert policies.loc["重大税收违法失信主体", "role_time"] == RoleTime.act
    roles = {role for text in policies.roles for role in text.split(";")}
    assert roles <= {r.value for r in Role}


# --- scale and loading -------------------------------------------------------------------------------


def test_row_counts_scale_linearly(tmp_path: Path) -> None:
    small = read_city(generate_city(tmp_path / "small", enterprises=1000, today=TODAY))
    large = read_city(generate_city(tmp_path / "large", enterprises=5000, today=TODAY))
    for kind in (FileKind.enterprises, FileKind.persons, FileKind.roles, FileKind.list_entries):
        assert 4.2 < len(large[kind]) / len(small[kind]) < 5.8, kind
    assert len(large[FileKind.measures]) == len(small[FileKind.measures])


def test_sample_city_loads_cleanly(store: Store, tmp_path: Path) -> None:
    """The point of writing contract files: the real loaders take every row."""
    from loaders.load import load_paths

    paths = generate_city(tmp_path / "city", enterprises=500, today=TODAY)
    report = load_paths(store, list(paths.values()), progress=False, today=TODAY)
    assert report.ok
    for file in report.files:
        assert file.read == file.loaded, (file.path, file.problems[:3])


def test_entry_ids_number_per_year(city: City) -> None:
    entries = city[FileKind.list_entries]
    for prefix in ("HB", "HH"):
        ids = entries.entry_id[entries.entry_id.str.startswith(prefix)]
        parts = ids.str.extract(r"H.-(\d{4})-(\d{6})").astype(int)
        assert (parts.groupby(0)[1].min() == 1).all()
        assert (parts.groupby(0)[1].max() == parts.groupby(0)[1].size()).all()
        assert (parts[0] == day(entries.decided_on[ids.index]).dt.year).all()
    assert re.fullmatch(r"HB-\d{4}-000001", entries.entry_id.iloc[0])


def test_tiny_cities_are_still_contract_files(tmp_path: Path) -> None:
    for size in (1, 7):
        city = read_city(generate_city(tmp_path / str(size), enterprises=size, today=TODAY))
        assert len(city[FileKind.enterprises]) == size
        legal = city[FileKind.roles][city[FileKind.roles].role == Role.legal_representative]
        assert set(legal.enterprise_uscc[legal.end == ""]) == set(city[FileKind.enterprises].uscc)
        assert list(city[FileKind.list_entries].columns) == COLUMNS[FileKind.list_entries]


def test_rejects_a_today_before_the_lists_existed(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="after 2017-01-01"):
        generate_city(tmp_path, enterprises=10, today=dt.date(2016, 5, 1))
