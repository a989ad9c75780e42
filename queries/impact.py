"""Impact preview: what an entry reaches — persons, measures, departments — computed, never written.

For a black entry of an enterprise, the persons reached are those :func:`graph.propagation.derive` gives
on inputs built here from the entry (treated as effective, whatever its status: a draft or publicised
entry shows what it *would* reach once it takes effect), the enterprise's person-held role edges, and the
store's list policies and measures (:meth:`Store.read_propagation_inputs`). Because the real propagation
function computes it, an effective entry's preview agrees with its stored derived records.

Any entry also reaches its own subject with the measures aimed at the listed subject (target ``subject``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from graph.days import OPEN_END, OPEN_START, from_day, to_day
from graph.errors import NotFound
from graph.frames import ENTRY_COLUMNS, ROLE_COLUMNS, PropagationInputs
from graph.ids import SubjectType
from graph.model import PROPAGATING_STATUSES, HolderBasis, ListKind, Measure, Role, Target
from graph.propagation import derive
from graph.store.port import EntryRecord, RoleEdge, Store, SubjectRecord
from queries.explore import GraphPart, describe_nodes


@dataclass(frozen=True, slots=True)
class ReachedPerson:
    """A person the entry reaches through ``edge`` (a role in ``enterprise``), valid from ``valid_from`` to
    ``valid_to``, with the measures aimed at that role."""

    person: SubjectRecord
    enterprise: SubjectRecord
    edge: RoleEdge
    holder_basis: HolderBasis
    valid_from: dt.date
    valid_to: dt.date | None
    measures: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Impact:
    entry: EntryRecord
    subject: SubjectRecord
    #: The entry does not (or no longer does) reach anyone by its status: this is what it would reach.
    preview: bool
    persons: tuple[ReachedPerson, ...]
    #: Every measure involved: the subject's own, then those reaching persons, by measure id.
    measures: tuple[Measure, ...]
    departments: tuple[str, ...]
    #: The listed subject and the persons reached, with the role edges of the paths (badges of today).
    graph: GraphPart


def _entry_subject(store: Store, entry: EntryRecord) -> SubjectRecord:
    for subject in store.find_subjects(entry.subject_code):
        if subject.subject_type is entry.subject_type:
            return subject
    raise NotFound(f"名单记录 {entry.entry_id} 的主体 {entry.subject_code} 不存在")


def propagation_inputs(
    entry: EntryRecord, enterprise_pk: int, person_edges: list[RoleEdge], base: PropagationInputs
) -> PropagationInputs:
    """The inputs :func:`derive` needs for ``entry`` alone, as if it were effective: the entry row built as
    the store builds it (an entry that ended early stops the day before it ended, when its status is one
    that propagates), the person-held ``person_edges`` of its enterprise, ``base``'s policies and measures.
    Pure."""
    ended = entry.ended_on if entry.status in PROPAGATING_STATUSES else None
    last_day = min(to_day(entry.valid_to, open_as=OPEN_END), to_day(ended, open_as=OPEN_END + 1) - 1)
    entries = pd.DataFrame(
        {
            "entry_pk": np.array([entry.pk], dtype=np.int64),
            "enterprise_pk": np.array([enterprise_pk], dtype=np.int64),
            "list_type": np.array([entry.list_type], dtype=object),
            "act_day": np.array([to_day(entry.act_date, open_as=OPEN_START)], dtype=np.int64),
            "from_day": np.array([to_day(entry.valid_from, open_as=OPEN_START)], dtype=np.int64),
            "to_day": np.array([last_day], dtype=np.int64),
        }
    )[ENTRY_COLUMNS]
    roles = pd.DataFrame(
        {
            "role_pk": np.array([edge.pk for edge in person_edges], dtype=np.int64),
            "person_pk": np.array([edge.holder_pk for edge in person_edges], dtype=np.int64),
            "enterprise_pk": np.array([edge.enterprise_pk for edge in person_edges], dtype=np.int64),
            "role": np.array([edge.role.value for edge in person_edges], dtype=object),
            "start_day": np.array(
                [to_day(edge.start, open_as=OPEN_START) for edge in person_edges], dtype=np.int64
            ),
            "end_day": np.array(
                [to_day(edge.end, open_as=OPEN_END) for edge in person_edges], dtype=np.int64
            ),
        }
    )[ROLE_COLUMNS]
    return PropagationInputs(
        entries=entries, roles=roles, policies=base.policies, measures=base.measures, seq=base.seq
    )


def impact(store: Store, entry_id: str, *, today: dt.date | None = None) -> Impact:
    """What ``entry_id`` reaches (or would reach once effective). Writes nothing.

    Notes: a few reads — the entry, its subject, the enterprise's role edges and their holders, the
    policies and measures — and one :func:`derive` over one entry."""
    entry = store.entry(entry_id)
    if entry is None:
        raise NotFound(f"未找到名单记录 {entry_id}")
    subject = _entry_subject(store, entry)
    own_measures = [
        measure
        for measure in store.measures_for(entry.kind, entry.list_type)
        if measure.target is Target.subject
    ]
    persons: list[ReachedPerson] = []
    person_measures: list[Measure] = []
    if entry.kind is ListKind.black and entry.subject_type is SubjectType.enterprise:
        persons, person_measures = _reached(store, entry, subject)
    measures = {measure.measure_id: measure for measure in own_measures}
    measures.update({measure.measure_id: measure for measure in person_measures})
    ordered = tuple(measures[key] for key in sorted(measures))
    edges = [person.edge for person in persons]
    graph = describe_nodes(
        store,
        [subject.pk, *(edge.holder_pk for edge in edges)],
        edges,
        flags_on=today or dt.date.today(),
        at=None,
        roles=None,
        hops={subject.pk: 0, **{edge.holder_pk: 1 for edge in edges}},
        subjects={subject.pk: subject, **{person.person.pk: person.person for person in persons}},
    )
    return Impact(
        entry=entry,
        subject=subject,
        preview=entry.status not in PROPAGATING_STATUSES,
        persons=tuple(persons),
        measures=ordered,
        departments=tuple(sorted({measure.implementing_department for measure in ordered})),
        graph=graph,
    )


def _reached(
    store: Store, entry: EntryRecord, enterprise: SubjectRecord
) -> tuple[list[ReachedPerson], list[Measure]]:
    edges = [
        edge
        for edge in store.role_edges([enterprise.pk])
        if edge.enterprise_pk == enterprise.pk and edge.role is not Role.branch_of
    ]
    holders = store.subjects_by_pk({edge.holder_pk for edge in edges})
    person_edges = [
        edge
        for edge in edges
        if edge.holder_pk in holders and holders[edge.holder_pk].subject_type is SubjectType.person
    ]
    base = store.read_propagation_inputs([entry.pk])
    derived = derive(propagation_inputs(entry, enterprise.pk, person_edges, base))
    by_target: dict[str, list[Measure]] = {}
    for measure in store.measures_for(ListKind.black, entry.list_type):
        by_target.setdefault(measure.target.value, []).append(measure)
    # derive joins measures by (list type, target); its rows say which role edges a measure reaches.
    targets = {
        int(pk): str(target)
        for pk, target in zip(
            base.measures["measure_pk"].tolist(), base.measures["target"].tolist(), strict=True
        )
    }
    reached_targets: dict[int, set[str]] = {}
    for role_pk, measure_pk in zip(
        derived.measures["role_pk"].tolist(), derived.measures["measure_pk"].tolist(), strict=True
    ):
        reached_targets.setdefault(int(role_pk), set()).add(str(targets[int(measure_pk)]))
    by_edge = {edge.pk: edge for edge in person_edges}
    persons: list[ReachedPerson] = []
    used: dict[str, Measure] = {}
    records = derived.records
    for role_pk, holder_basis, first_day, last_day in zip(
        records["role_pk"].tolist(),
        records["holder_basis"].tolist(),
        records["from_day"].tolist(),
        records["to_day"].tolist(),
        strict=True,
    ):
        edge = by_edge[int(role_pk)]
        measures = [
            measure
            for target in sorted(reached_targets.get(edge.pk, set()))
            for measure in by_target.get(target, [])
        ]
        used.update({measure.measure_id: measure for measure in measures})
        valid_from = from_day(int(first_day))
        persons.append(
            ReachedPerson(
                person=holders[edge.holder_pk],
                enterprise=enterprise,
                edge=edge,
                holder_basis=HolderBasis(str(holder_basis)),
                valid_from=valid_from if valid_from is not None else entry.valid_from,
                valid_to=from_day(int(last_day)),
                measures=tuple(sorted(measure.measure_id for measure in measures)),
            )
        )
    return persons, list(used.values())
