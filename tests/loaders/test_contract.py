"""The contract table and its documentation stay in step."""

from __future__ import annotations

from pathlib import Path

from graph.store.port import FileKind
from loaders.contract import CONTRACTS, IGNORED_HEADERS, VALUE_ALIASES, header_key, kind_from_stem

DOC = Path(__file__).resolve().parents[2] / "docs" / "import-formats.md"


def test_every_column_and_alias_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for kind, contract in CONTRACTS.items():
        assert f"### {kind.value}" in text
        for column in contract.columns:
            assert f"`{column.name}`" in text, column.name
            for alias in column.aliases:
                assert alias in text, (kind, alias)
    for headers in IGNORED_HEADERS.values():
        for header in headers:
            assert header in text, header


def test_every_chinese_value_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for column in ("kind", "role", "target", "role_time", "derived_counts_for_red"):
        for value in VALUE_ALIASES[column]:
            assert value in text.lower(), (column, value)


def test_aliases_are_unambiguous_within_a_file() -> None:
    for contract in CONTRACTS.values():
        seen: dict[str, str] = {}
        for column in contract.columns:
            for header in (column.name, *column.aliases):
                assert seen.setdefault(header_key(header), column.name) == column.name, header


def test_header_key_ignores_case_and_full_width_spaces() -> None:
    assert header_key("\u3000 USCC ") == "uscc"
    assert header_key("统一社会信用代码*") == "统一社会信用代码"
    assert header_key("*企业名称") == "企业名称"
    assert header_key("＊ 企业名称") == "企业名称"


def test_stems() -> None:
    assert kind_from_stem("名单政策") is FileKind.list_policies
    assert kind_from_stem("名单") is FileKind.list_entries
    assert kind_from_stem("list_policies") is FileKind.list_policies
    assert kind_from_stem("PERSONS") is FileKind.persons
    assert kind_from_stem("misc") is None
