"""Tiny named datasets for tests, written through the real store port.

``make_uscc(n)`` and ``make_id_number(n)`` give distinct valid identifiers (check characters from
python-stdnum), so tests read as stories about firms and people rather than as strings of digits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from stdnum.cn import ric, uscc

from api.access_store import AccessStore, make_grant
from api.principal import Role
from graph.store.port import BATCH_COLUMNS, FileKind, LoadBatch

LIST_TYPE = "失信被执行人"


def make_uscc(n: int, region: str = "320402") -> str:
    body = f"91{region}{n:09d}"
    return body + uscc.calc_check_digit(body)


def make_id_number(n: int, area: str = "320402", birth: str = "19800101") -> str:
    body = f"{area}{birth}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def enterprise(code: str, name: str = "测试企业有限公司", **extra: Any) -> dict[str, Any]:
    row = {
        "uscc": code,
        "name": name,
        "kind": "有限责任公司",
        "status": "存续",
        "region_code": code[2:8],
        "established": "2000-01-01",
    }
    row.update(extra)
    return row


def person(code: str, name: str = "张三") -> dict[str, Any]:
    return {"id_number": code, "name": name}


def role(
    holder: str,
    firm: str,
    name: str,
    start: str | None,
    end: str | None = None,
    *,
    holder_type: str = "person",
    ratio: float | None = None,
) -> dict[str, Any]:
    return {
        "person_id": holder,
        "holder_type": holder_type,
        "enterprise_uscc": firm,
        "role": name,
        "start": start,
        "end": end,
        "ratio": ratio,
    }


def entry(
    entry_id: str,
    subject: str,
    *,
    kind: str = "black",
    list_type: str = LIST_TYPE,
    act_date: str | None = "2022-01-10",
    valid_from: str = "2022-03-01",
    valid_to: str | None = None,
    subject_type: str = "enterprise",
    decided_on: str | None = None,
) -> dict[str, Any]:
    return {
        "entry_id": entry_id,
        "subject_id": subject,
        "subject_type": subject_type,
        "kind": kind,
        "list_type": list_type,
        "department": "常州市中级人民法院",
        "basis": f"（2022）苏04执{entry_id}号",
        "act_date": act_date,
        "decided_on": decided_on or valid_from,
        "valid_from": valid_from,
        "valid_to": valid_to,
    }


def measure(
    measure_id: str,
    target: str,
    *,
    kind: str = "black",
    list_type: str = LIST_TYPE,
    content: str = "限制参与政府采购",
    items: str = "public_procurement",
    department: str = "常州市财政局",
) -> dict[str, Any]:
    return {
        "measure_id": measure_id,
        "kind": kind,
        "list_type": list_type,
        "target": target,
        "content": content,
        "initiating_department": "常州市中级人民法院",
        "implementing_department": department,
        "legal_basis": "《关于对失信被执行人实施联合惩戒的合作备忘录》",
        "business_items": items,
        "sharing_method": "接口推送",
    }


def policy(
    list_type: str = LIST_TYPE,
    roles: str = "legal_representative;principal;directly_responsible",
    role_time: str = "both",
    derived_counts_for_red: bool = True,
    repair_min_days: int | None = None,
    publicity_days: int | None = None,
    black_skip_publicity: bool = False,
) -> dict[str, Any]:
    return {
        "list_type": list_type,
        "roles": roles,
        "role_time": role_time,
        "derived_counts_for_red": derived_counts_for_red,
        "repair_min_days": repair_min_days,
        "publicity_days": publicity_days,
        "black_skip_publicity": black_skip_publicity,
    }


def batch(**rows: Iterable[Mapping[str, Any]]) -> LoadBatch:
    """``batch(enterprises=[...], roles=[...])``: keyword names are :class:`FileKind` values."""
    frames: dict[FileKind, pd.DataFrame] = {}
    for name, items in rows.items():
        kind = FileKind(name)
        frames[kind] = pd.DataFrame(list(items), columns=list(BATCH_COLUMNS[kind])).astype(object)
    return LoadBatch(frames)


# --- credentials -------------------------------------------------------------------------------------------


def issue_headers(
    app: FastAPI,
    role: Role | str,
    *,
    department: str | None = None,
    business_items: Iterable[str] | None = None,
    list_types: Iterable[str] | None = None,
) -> dict[str, str]:
    """``Authorization`` headers carrying a real API key, issued for a fresh principal on the access store
    of ``app`` (a started app: inside ``with TestClient(app)``)."""
    access: AccessStore | None = app.state.access
    assert access is not None, "the app is not started: issue credentials inside `with TestClient(app)`"
    grant = make_grant(role, department=department, business_items=business_items, list_types=list_types)
    _, key = access.issue_key(f"test {grant.role.value}", grant)
    return {"Authorization": f"Bearer {key}"}


def admin_client(client: TestClient) -> TestClient:
    """``client`` with a credit_admin credential on every request — for tests about something else than
    access (the access tests ask for :func:`auth_headers` of the role they test)."""
    client.headers.update(issue_headers(client.app, Role.CREDIT_ADMIN))  # type: ignore[arg-type]
    return client


AuthHeaders = Callable[..., dict[str, str]]


@pytest.fixture
def auth_headers(client: TestClient) -> AuthHeaders:
    """``auth_headers(role, **narrowing)``: headers with a real credential for ``role`` on the app of the
    module's ``client`` fixture, e.g. ``auth_headers(Role.BUSINESS_SYSTEM, business_items=["public_procurement"])``."""

    def issue(role: Role | str, **narrowing: Any) -> dict[str, str]:
        return issue_headers(client.app, role, **narrowing)  # type: ignore[arg-type]

    return issue
