"""Driver records → the port's records. Every part projects its nodes the same way, so one mapper each:

* a subject: ``s {.*}`` (``pk``, ``subject_type``, ``code``, ``name`` and the enterprise fields);
* an entry: ``le {.*, subject_code: s.code, subject_name: s.name}`` where ``(le)-[:CONCERNS]->(s)``;
* a role edge: ``{pk: r.pk, role: r.role, start: r.start, end: r.end, ratio: r.ratio,
  holder_type: h.subject_type, holder_code: h.code, holder_name: h.name, enterprise_uscc: e.code,
  enterprise_name: e.name}`` for ``(h)-[r]->(e)``;
* a measure: ``m {.*}`` (``business_items`` a list of strings).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.ids import SubjectType
from graph.model import EntryStatus, ListKind, Measure, Role, Target
from graph.store.neo4j.base import must_date, to_date
from graph.store.port import EntryRecord, RoleRecord, SubjectRecord


def subject_record(row: Mapping[str, Any]) -> SubjectRecord:
    return SubjectRecord(
        pk=int(row["pk"]),
        subject_type=SubjectType(row["subject_type"]),
        code=row["code"],
        name=row["name"],
        enterprise_kind=row.get("enterprise_kind"),
        enterprise_status=row.get("enterprise_status"),
        region_code=row.get("region_code"),
        established=to_date(row.get("established")),
    )


def entry_record(row: Mapping[str, Any]) -> EntryRecord:
    return EntryRecord(
        pk=int(row["pk"]),
        entry_id=row["entry_id"],
        subject_type=SubjectType(row["subject_type"]),
        subject_code=row["subject_code"],
        subject_name=row["subject_name"],
        kind=ListKind(row["kind"]),
        list_type=row["list_type"],
        department=row["department"],
        basis=row["basis"],
        act_date=to_date(row.get("act_date")),
        decided_on=to_date(row.get("decided_on")),
        valid_from=must_date(row["valid_from"]),
        valid_to=to_date(row.get("valid_to")),
        status=EntryStatus(row["status"]),
        ended_on=to_date(row.get("ended_on")),
    )


def role_record(row: Mapping[str, Any]) -> RoleRecord:
    ratio = row.get("ratio")
    return RoleRecord(
        pk=int(row["pk"]),
        holder_type=SubjectType(row["holder_type"]),
        holder_code=row["holder_code"],
        holder_name=row["holder_name"],
        enterprise_uscc=row["enterprise_uscc"],
        enterprise_name=row["enterprise_name"],
        role=Role(row["role"]),
        start=to_date(row.get("start")),
        end=to_date(row.get("end")),
        ratio=None if ratio is None else float(ratio),
    )


def measure(row: Mapping[str, Any] | None) -> Measure | None:
    if row is None or row.get("measure_id") is None:
        return None
    return Measure(
        measure_id=row["measure_id"],
        kind=ListKind(row["kind"]),
        list_type=row["list_type"],
        target=Target(row["target"]),
        content=row["content"],
        initiating_department=row["initiating_department"],
        implementing_department=row["implementing_department"],
        legal_basis=row["legal_basis"],
        business_items=tuple(row.get("business_items") or ()),
        sharing_method=row.get("sharing_method"),
    )
