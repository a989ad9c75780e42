"""The reads that explore the graph (investigators' workbench, analytics) of the Neo4j store (see
:mod:`graph.store.neo4j`): search, subjects and role edges by key with paging and as-of, degrees, list-status
badges, listed subjects and restrictions by business item, as Cypher in ``queries/cypher/explore_*.cypher``.

Every method is read-only. Keys are sent as lists (``UNWIND $pks``); methods answering per subject send
them in slices of the batch size, all in one read transaction. The badges and restrictions use exactly the
conditions of the check (``graph_check_direct``, ``graph_check_derived``), so they agree with
:meth:`~graph.store.neo4j.graph_part.GraphPart.check_rows`.

Where Neo4j and the embedded store can differ: a search text with ASCII letters compares names with Cypher's
``toLower``, which also folds other letters (full-width Latin, Greek) that SQLite's ``lower`` leaves as they
are; names are ordered by Cypher's ``size`` and string order, which may differ from SQLite's ``length`` and
byte order for characters outside the Basic Multilingual Plane.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from typing import Any

import neo4j

from graph.ids import SubjectType
from graph.model import HolderBasis, ListKind, Role
from graph.store.neo4j.base import Neo4jBase, Transaction, batches, must_date, run, to_date
from graph.store.neo4j.records import entry_record, measure, role_record, subject_record
from graph.store.port import CheckRow, DerivedRecordRow, EntryRecord, RoleEdge, StatusFlag, SubjectRecord


def _keys(pks: Collection[int]) -> list[int]:
    """The distinct keys, ascending (a stable parameter for the same set)."""
    return sorted({int(pk) for pk in pks})


_ASCII_LETTERS = re.compile(r"[A-Za-z]+")


def _anchor(text: str) -> str:
    """The longest part of ``text`` without ASCII letters (the first if several; ``text`` itself when it has
    none): a name containing ``text`` with letters compared case-insensitively contains it as typed."""
    return max(_ASCII_LETTERS.split(text), key=len)


def _role_names(roles: Collection[Role] | None) -> list[str] | None:
    return None if roles is None else sorted({Role(role).value for role in roles})


def _role_edge(row: Mapping[str, Any]) -> RoleEdge:
    ratio = row.get("ratio")
    return RoleEdge(
        pk=int(row["pk"]),
        holder_pk=int(row["holder_pk"]),
        enterprise_pk=int(row["enterprise_pk"]),
        role=Role(row["role"]),
        start=to_date(row.get("start")),
        end=to_date(row.get("end")),
        ratio=None if ratio is None else float(ratio),
    )


class ExplorePart(Neo4jBase):
    """Port methods of this part, as Cypher in ``queries/cypher/explore_*.cypher``."""

    def search_subjects(self, text: str, *, limit: int) -> list[SubjectRecord]:
        wanted = text.strip()
        if not wanted or limit <= 0:
            return []
        # Codes are stored compacted and upper-case (graph.ids.compact): upper-casing the text compares
        # their letters case-insensitively and keeps the code index usable. Names are compared
        # case-insensitively only when the text has ASCII letters (as the embedded store's lower()).
        anchor = _anchor(wanted)
        records = self._query(
            "explore_search_subjects",
            code=wanted.upper(),
            text=wanted,
            anchor=anchor,
            fold=anchor != wanted,
            limit=limit,
        )
        return [subject_record(record["subject"]) for record in records]

    def subjects_by_pk(self, pks: Collection[int]) -> dict[int, SubjectRecord]:
        keys = _keys(pks)
        if not keys:
            return {}

        def work(tx: Transaction) -> dict[int, SubjectRecord]:
            found: dict[int, SubjectRecord] = {}
            for chunk in batches(keys, self._batch_size):
                for record in run(tx, "explore_subjects_by_pk", pks=list(chunk)):
                    subject = subject_record(record["subject"])
                    found[subject.pk] = subject
            return found

        return self._read("按编号查询主体", work)

    def role_edges(
        self,
        subject_pks: Collection[int],
        *,
        at: dt.date | None = None,
        roles: Collection[Role] | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[RoleEdge]:
        keys = _keys(subject_pks)
        names = _role_names(roles)
        if not keys or names == [] or (limit is not None and limit <= 0):
            return []
        # One query over every key: the paging is over the whole set. A negative offset skips nothing (as
        # the embedded store's OFFSET).
        records = self._query(
            "explore_role_edges", pks=keys, at=at, roles=names, offset=max(offset, 0), limit=limit
        )
        return [_role_edge(record["edge"]) for record in records]

    def role_degrees(
        self,
        subject_pks: Collection[int],
        *,
        at: dt.date | None = None,
        roles: Collection[Role] | None = None,
    ) -> dict[int, int]:
        keys = _keys(subject_pks)
        names = _role_names(roles)
        if not keys or names == []:
            return {}

        def work(tx: Transaction) -> dict[int, int]:
            degrees: dict[int, int] = {}
            for chunk in batches(keys, self._batch_size):
                for record in run(tx, "explore_role_degrees", pks=list(chunk), at=at, roles=names):
                    degrees[int(record["pk"])] = int(record["degree"])
            return degrees

        return self._read("统计任职关系数", work)

    def status_flags(self, subject_pks: Collection[int], at: dt.date) -> dict[int, frozenset[StatusFlag]]:
        keys = _keys(subject_pks)
        if not keys:
            return {}

        def work(tx: Transaction) -> dict[int, frozenset[StatusFlag]]:
            flags: dict[int, frozenset[StatusFlag]] = {}
            for chunk in batches(keys, self._batch_size):
                for record in run(tx, "explore_status_flags", pks=list(chunk), at=at):
                    found = {StatusFlag(flag) for flag in record["flags"]}
                    if record["suspended"]:
                        found.add(StatusFlag.suspended)
                    flags[int(record["pk"])] = frozenset(found)
            return flags

        return self._read("查询名单状态标记", work)

    def listed_subjects(
        self, kind: ListKind, at: dt.date, *, subject_type: SubjectType | None = None
    ) -> list[int]:
        records = self._query(
            "explore_listed_subjects",
            kind=ListKind(kind).value,
            at=at,
            subject_type=None if subject_type is None else SubjectType(subject_type).value,
        )
        return [int(record["pk"]) for record in records]

    def restricted_by_item(self, business_item: str, at: dt.date) -> list[tuple[int, CheckRow]]:
        def work(tx: Transaction) -> tuple[list[neo4j.Record], list[neo4j.Record]]:
            # One read transaction: direct and derived rows see the same state.
            return (
                run(tx, "explore_restricted_direct", item=business_item, at=at),
                run(tx, "explore_restricted_derived", item=business_item, at=at),
            )

        direct, derived = self._read("查询限制业务事项的名单和措施", work)
        keyed: list[tuple[tuple[int, int, int, str], int, CheckRow]] = []
        entries: dict[int, EntryRecord] = {}
        for record in direct:
            found = entry_record(record["entry"])
            entry = entries.setdefault(found.pk, found)
            row = CheckRow(
                entry=entry,
                measure=measure(record["measure"]),
                derived=None,
                suspended=bool(record["suspended"]),
            )
            subject_pk = int(record["subject_pk"])
            keyed.append(((subject_pk, entry.pk, -1, _measure_id(row)), subject_pk, row))
        paths: dict[tuple[int, int], DerivedRecordRow] = {}
        for record in derived:
            key = (int(record["entry"]["pk"]), int(record["role"]["pk"]))
            path = paths.get(key)
            if path is None:
                path = paths.setdefault(
                    key,
                    DerivedRecordRow(
                        entry=entries.setdefault(key[0], entry_record(record["entry"])),
                        role=role_record(record["role"]),
                        holder_basis=HolderBasis(record["holder_basis"]),
                        valid_from=must_date(record["valid_from"]),
                        valid_to=to_date(record["valid_to"]),
                    ),
                )
            row = CheckRow(
                entry=path.entry,
                measure=measure(record["measure"]),
                derived=path,
                suspended=bool(record["suspended"]),
            )
            subject_pk = int(record["subject_pk"])
            keyed.append(((subject_pk, path.entry.pk, path.role.pk, _measure_id(row)), subject_pk, row))
        # Direct rows (role key -1) before derived ones of the same subject and entry; role keys start at 1.
        keyed.sort(key=lambda item: item[0])
        return [(subject_pk, row) for _, subject_pk, row in keyed]


def _measure_id(row: CheckRow) -> str:
    return "" if row.measure is None else row.measure.measure_id
