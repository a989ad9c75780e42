"""Peers, side by side (issue 6): the questions credlink answers, asked of Kùzu and of plain networkx over
the same contract files, so that readers see what credlink's design buys.

* **Kùzu** (embedded graph database, the ``bench`` extra): the contract files are shaped with pandas into
  the CSVs Kùzu's ``COPY … FROM`` wants and copied into a database in a temporary directory; the
  person-sanction check is one Cypher query per id; the 2-hop neighbourhood is one Cypher query capped at
  2,000 nodes.
* **networkx**: the role edges and list entries in a ``DiGraph``; the check walks the graph at request
  time (person → firms held → black entries of those firms); propagation (R3) is a Python loop over every
  black entry of a firm and the role edges of its holders.

What "restricted" means here, as in ``queries.check`` with no business item: some black entry applies
on ``at`` and brings a black measure — an own entry with a measure aimed at the subject, or a firm's entry
that reached the person through a role named by the list type's policy (held on the act date, or on
``at``, per the policy's ``role_time``; DESIGN R3) with a measure aimed at that role.

Simplifications, each harmless on files loaded from the contract (the correctness test compares answers
with credlink's on a generated city):

* every entry counts as effective within its validity: the contract files carry no status, objection or
  revocation (those come later through the API);
* the measures list is read once and folded into one row per list type (the roles its measures reach,
  whether one is aimed at the subject): measures from files carry no versions (R11);
* the neighbourhood follows every role edge, past ones included (credlink with no ``at``), but does not
  collapse a busy node to its first 50 edges and returns codes and names only (no badges or degrees).

    .venv/bin/python -m bench.peers --enterprises 100000 --samples 200
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import shutil
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from bench.common import FILE_KINDS, Figure, PeerCity

#: Roles and role time of a list type that has no policy (graph.model.DEFAULT_POLICY).
DEFAULT_ROLES = ("directly_responsible", "legal_representative", "principal")
DEFAULT_ROLE_TIME = "both"
#: Nodes in a neighbourhood view, the centre included (as credlink's graph views).
MAX_NODES = 2000
#: An open end of an interval, in date ordinals.
OPEN_END = dt.date.max.toordinal()


# --- the contract files, read once and shaped for both peers ----------------------------------------------


@dataclass(frozen=True, slots=True)
class ListTypeReach:
    """What a black entry of one list type does (the policy with the measures list folded in)."""

    role_time: str  # act | current | both
    roles: frozenset[str]  # roles the policy names: holders of these get a derived record (R3)
    measured_roles: frozenset[str]  # of those, the roles some black measure is aimed at (R4)
    direct: bool  # some black measure is aimed at the listed subject itself


@dataclass(frozen=True, slots=True)
class Contract:
    """The six contract files as frames: codes as strings, dates as ``datetime64`` (``NaT`` when open)."""

    enterprises: pd.DataFrame  # code, name
    persons: pd.DataFrame  # code, name
    roles: pd.DataFrame  # holder, enterprise, role, start, end
    entries: pd.DataFrame  # entry_id, subject, kind, list_type, act_date, valid_from, valid_to
    reach: dict[str, ListTypeReach]
    rows: int  # data rows read from the files

    @property
    def person_roles(self) -> pd.DataFrame:
        """Role edges held by persons (a firm holding shares in a firm is never reached by R3)."""
        return self.roles[self.roles["holder"].isin(self.persons["code"])]


def read_contract(files: dict[str, Path]) -> Contract:
    """Read the contract CSVs (no validation: the generator's files are valid)."""

    def read(kind: str) -> pd.DataFrame:
        return pd.read_csv(files[kind], dtype=str, keep_default_na=False)

    def dates(column: pd.Series) -> pd.Series:
        return pd.to_datetime(column.where(column != ""), format="%Y-%m-%d")

    enterprises = read("enterprises").rename(columns={"uscc": "code"})[["code", "name"]]
    persons = read("persons").rename(columns={"id_number": "code"})[["code", "name"]]
    raw_roles = read("roles")
    roles = pd.DataFrame(
        {
            "holder": raw_roles["person_id"],
            "enterprise": raw_roles["enterprise_uscc"],
            "role": raw_roles["role"],
            "start": dates(raw_roles["start"]),
            "end": dates(raw_roles["end"]),
        }
    )
    raw_entries = read("list_entries")
    entries = pd.DataFrame(
        {
            "entry_id": raw_entries["entry_id"],
            "subject": raw_entries["subject_id"],
            "kind": raw_entries["kind"],
            "list_type": raw_entries["list_type"],
            "act_date": dates(raw_entries["act_date"]),
            "valid_from": dates(raw_entries["valid_from"]),
            "valid_to": dates(raw_entries["valid_to"]),
        }
    )
    policies = read("list_policies")
    measures = read("measures")
    reach = list_type_reach(policies, measures, set(entries["list_type"]))
    rows = sum(len(frame) for frame in (enterprises, persons, raw_roles, raw_entries, policies, measures))
    return Contract(enterprises, persons, roles, entries, reach, rows)


def list_type_reach(
    policies: pd.DataFrame, measures: pd.DataFrame, list_types: set[str]
) -> dict[str, ListTypeReach]:
    """One :class:`ListTypeReach` per list type named by a policy or an entry (default policy if none)."""
    black = measures[measures["kind"] == "black"]
    targets: dict[str, set[str]] = {}
    for list_type, target in zip(black["list_type"], black["target"], strict=True):
        targets.setdefault(list_type, set()).add(target)
    named: dict[str, tuple[str, frozenset[str]]] = {
        str(list_type): (str(role_time) or DEFAULT_ROLE_TIME, frozenset(filter(None, str(roles).split(";"))))
        for list_type, role_time, roles in zip(
            policies["list_type"], policies["role_time"], policies["roles"], strict=True
        )
    }
    reach: dict[str, ListTypeReach] = {}
    for list_type in sorted(list_types | set(named)):
        role_time, roles = named.get(list_type, (DEFAULT_ROLE_TIME, frozenset(DEFAULT_ROLES)))
        aimed = targets.get(list_type, set())
        reach[list_type] = ListTypeReach(role_time, roles, roles & frozenset(aimed), "subject" in aimed)
    return reach


# --- Kùzu -------------------------------------------------------------------------------------------------

KUZU_SCHEMA = (
    "CREATE NODE TABLE Enterprise(code STRING, name STRING, PRIMARY KEY (code))",
    "CREATE NODE TABLE Person(code STRING, name STRING, PRIMARY KEY (code))",
    "CREATE NODE TABLE ListType(name STRING, role_time STRING, reach STRING[], direct BOOLEAN, "
    "PRIMARY KEY (name))",
    "CREATE NODE TABLE ListEntry(entry_id STRING, kind STRING, act_date DATE, valid_from DATE, "
    "valid_to DATE, PRIMARY KEY (entry_id))",
    "CREATE REL TABLE Holds(FROM Person TO Enterprise, role STRING, start_date DATE, end_date DATE)",
    "CREATE REL TABLE HoldsFirm(FROM Enterprise TO Enterprise, role STRING, start_date DATE, end_date DATE)",
    "CREATE REL TABLE ListsPerson(FROM ListEntry TO Person)",
    "CREATE REL TABLE ListsFirm(FROM ListEntry TO Enterprise)",
    "CREATE REL TABLE OfType(FROM ListEntry TO ListType)",
)

#: Is the person restricted on $at, and by which entries: own black entries with a measure aimed at the
#: subject, and black entries of firms where the person held a role that the list type's policy names and
#: a black measure aims at, on the act date (role_time act/both) or on $at (current/both). One row per
#: reason; restricted when there is any. The join-order hints walk out from the person: without them
#: Kùzu's planner scans every list entry for each query (measured: ~1.5x slower on a 2,000-firm city).
KUZU_CHECK = """
MATCH (p:Person)<-[l:ListsPerson]-(e:ListEntry)-[o:OfType]->(t:ListType)
WHERE p.code = $id AND e.kind = 'black' AND t.direct
  AND e.valid_from <= $at AND (e.valid_to IS NULL OR e.valid_to >= $at)
HINT (((p JOIN l) JOIN e) JOIN o) JOIN t
RETURN e.entry_id AS entry_id, '' AS firm, '' AS role
UNION ALL
MATCH (p:Person)-[h:Holds]->(f:Enterprise)<-[l:ListsFirm]-(e:ListEntry)-[o:OfType]->(t:ListType)
WHERE p.code = $id AND e.kind = 'black' AND list_contains(t.reach, h.role)
  AND e.valid_from <= $at AND (e.valid_to IS NULL OR e.valid_to >= $at)
  AND ((t.role_time <> 'current' AND (h.start_date IS NULL OR h.start_date <= e.act_date)
                                 AND (h.end_date IS NULL OR h.end_date >= e.act_date))
    OR (t.role_time <> 'act' AND (h.start_date IS NULL OR h.start_date <= $at)
                             AND (h.end_date IS NULL OR h.end_date >= $at)))
HINT (((((p JOIN h) JOIN f) JOIN l) JOIN e) JOIN o) JOIN t
RETURN e.entry_id AS entry_id, f.code AS firm, h.role AS role
"""

#: The subjects within two role edges of a centre (past edges included), at most MAX_NODES with it.
KUZU_NEIGHBOURHOOD = """
MATCH (c:{label} {{code: $code}})-[:Holds|HoldsFirm*1..2]-(n)
WHERE n.code <> $code
RETURN DISTINCT n.code AS code, n.name AS name
LIMIT {limit}
"""


def _csv_dates(column: pd.Series) -> pd.Series:
    text: pd.Series = column.dt.strftime("%Y-%m-%d").fillna("")
    return text


def kuzu_files(contract: Contract, into: Path) -> dict[str, Path]:
    """Write the CSVs in the column order of :data:`KUZU_SCHEMA` (roles and entries split by the kind of
    holder and subject, which one Kùzu rel table needs)."""
    persons = set(contract.persons["code"])
    roles = contract.roles
    roles_csv = pd.DataFrame(
        {
            "holder": roles["holder"],
            "enterprise": roles["enterprise"],
            "role": roles["role"],
            "start": _csv_dates(roles["start"]),
            "end": _csv_dates(roles["end"]),
        }
    )
    by_person = roles["holder"].isin(persons)
    entries = contract.entries
    of_person = entries["subject"].isin(persons)
    reach = pd.DataFrame(
        {
            "name": list(contract.reach),
            "role_time": [r.role_time for r in contract.reach.values()],
            "reach": ["[" + ",".join(sorted(r.measured_roles)) + "]" for r in contract.reach.values()],
            "direct": ["true" if r.direct else "false" for r in contract.reach.values()],
        }
    )
    frames: dict[str, pd.DataFrame] = {
        "Enterprise": contract.enterprises,
        "Person": contract.persons,
        "ListType": reach,
        "ListEntry": pd.DataFrame(
            {
                "entry_id": entries["entry_id"],
                "kind": entries["kind"],
                "act_date": _csv_dates(entries["act_date"]),
                "valid_from": _csv_dates(entries["valid_from"]),
                "valid_to": _csv_dates(entries["valid_to"]),
            }
        ),
        "Holds": roles_csv[by_person],
        "HoldsFirm": roles_csv[~by_person],
        "ListsPerson": entries.loc[of_person, ["entry_id", "subject"]],
        "ListsFirm": entries.loc[~of_person, ["entry_id", "subject"]],
        "OfType": entries[["entry_id", "list_type"]],
    }
    paths = {}
    for table, frame in frames.items():
        paths[table] = into / f"{table}.csv"
        frame.to_csv(paths[table], index=False)
    return paths


@dataclass(slots=True)
class KuzuCity:
    """A Kùzu database of one city, open, with its prepared queries."""

    database: Any
    connection: Any
    directory: Path
    prep_seconds: float
    copy_seconds: float
    rows: int

    def close(self) -> None:
        self.connection.close()
        self.database.close()
        shutil.rmtree(self.directory, ignore_errors=True)


def kuzu_load(files: dict[str, Path], *, buffer_pool: int = 2 * 2**30) -> KuzuCity:
    """Load the contract files into a new Kùzu database in a temporary directory.

    Timed in two parts, both counted in the load: ``prep`` reads the contract CSVs with pandas and writes
    the CSVs Kùzu wants; ``copy`` creates the tables and runs one ``COPY … FROM`` per table."""
    import kuzu

    directory = Path(tempfile.mkdtemp(prefix="credlink-kuzu-"))
    started = time.perf_counter()
    contract = read_contract(files)
    shaped = kuzu_files(contract, directory)
    prepared = time.perf_counter()
    database = kuzu.Database(str(directory / "city.kuzu"), buffer_pool_size=buffer_pool)
    connection = kuzu.Connection(database)
    for statement in KUZU_SCHEMA:
        connection.execute(statement)
    for table, path in shaped.items():
        connection.execute(f"COPY {table} FROM '{path}' (header=true)")
    copied = time.perf_counter()
    return KuzuCity(database, connection, directory, prepared - started, copied - prepared, contract.rows)


def kuzu_prepare(city: KuzuCity, query: str) -> Any:
    """A prepared statement: Kùzu 0.11 warns that ``prepare`` is deprecated, but ``execute`` with a string
    plans the query again on every call (several ms), which no service would do."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return city.connection.prepare(query)


def kuzu_check(city: KuzuCity, statement: Any, person_id: str, at: dt.date) -> list[tuple[str, str, str]]:
    """The reasons ``person_id`` is restricted on ``at`` (empty: not restricted), one Cypher query."""
    result = city.connection.execute(statement, {"id": person_id, "at": at})
    return [(str(row[0]), str(row[1]), str(row[2])) for row in result.get_all()]


def kuzu_neighbourhood(city: KuzuCity, statement: Any, code: str) -> list[tuple[str, str]]:
    result = city.connection.execute(statement, {"code": code})
    return [(str(row[0]), str(row[1])) for row in result.get_all()]


def measure_kuzu(city: PeerCity, *, samples: int, repeat: int) -> list[Figure]:
    gc.collect()
    started = time.perf_counter()
    kuzu_city = kuzu_load(city.files)
    seconds = time.perf_counter() - started
    try:
        load = Figure(
            "kuzu load",
            [seconds],
            {
                "rows": kuzu_city.rows,
                "rows_per_s": round(kuzu_city.rows / seconds),
                "prep_s": round(kuzu_city.prep_seconds, 2),
                "copy_s": round(kuzu_city.copy_seconds, 2),
            },
        )
        check_statement = kuzu_prepare(kuzu_city, KUZU_CHECK)
        check = Figure("kuzu check")
        restricted = 0
        for person_id in city.check_ids[:samples]:
            for _ in range(repeat):
                started = time.perf_counter()
                reasons = kuzu_check(kuzu_city, check_statement, person_id, city.at)
                check.samples.append(time.perf_counter() - started)
            restricted += bool(reasons)
        check.notes.update(ids=len(city.check_ids[:samples]), restricted=restricted)
        persons = set(_codes(city.files["persons"], "id_number"))
        statements = {
            label: kuzu_prepare(kuzu_city, KUZU_NEIGHBOURHOOD.format(label=label, limit=MAX_NODES - 1))
            for label in ("Person", "Enterprise")
        }
        view = Figure("kuzu neighbourhood 2 hops")
        sizes = []
        for code in city.neighbourhood_ids[:samples]:
            statement = statements["Person" if code in persons else "Enterprise"]
            for _ in range(repeat):
                started = time.perf_counter()
                nodes = kuzu_neighbourhood(kuzu_city, statement, code)
                view.samples.append(time.perf_counter() - started)
            sizes.append(1 + len(nodes))
        sizes.sort()
        if sizes:
            view.notes.update(nodes_median=sizes[len(sizes) // 2], nodes_max=sizes[-1])
        return [load, check, view]
    finally:
        kuzu_city.close()


def _codes(path: Path, column: str) -> list[str]:
    return pd.read_csv(path, dtype=str, usecols=[column], keep_default_na=False)[column].tolist()


# --- plain networkx ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class NetworkxCity:
    """The city as a ``DiGraph``: holder → enterprise edges carry their role spells
    ``[(role, start, end), …]`` (date ordinals, open ends wide), entry → subject edges link each list
    entry (a node with its kind, list type and dates) to its subject."""

    graph: nx.DiGraph[str]
    reach: dict[str, ListTypeReach]
    rows: int


def _ordinals(column: pd.Series, open_as: int) -> list[int]:
    return [open_as if pd.isna(value) else value.toordinal() for value in column]


def networkx_load(files: dict[str, Path]) -> NetworkxCity:
    """Read the contract files and build the graph (reading counted in)."""
    contract = read_contract(files)
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(contract.enterprises["code"], type="enterprise")
    graph.add_nodes_from(contract.persons["code"], type="person")
    roles = contract.roles
    succ = graph.succ
    for holder, enterprise, role, start, end in zip(
        roles["holder"],
        roles["enterprise"],
        roles["role"],
        _ordinals(roles["start"], 0),
        _ordinals(roles["end"], OPEN_END),
        strict=True,
    ):
        edge = succ[holder].get(enterprise) if holder in succ else None
        if edge is None:
            graph.add_edge(holder, enterprise, spells=[(role, start, end)])
        else:
            edge["spells"].append((role, start, end))
    entries = contract.entries
    for entry_id, subject, kind, list_type, act, valid_from, valid_to in zip(
        entries["entry_id"],
        entries["subject"],
        entries["kind"],
        entries["list_type"],
        _ordinals(entries["act_date"], 0),
        _ordinals(entries["valid_from"], 0),
        _ordinals(entries["valid_to"], OPEN_END),
        strict=True,
    ):
        graph.add_node(
            entry_id,
            type="entry",
            kind=kind,
            list_type=list_type,
            act=act,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        graph.add_edge(entry_id, subject)
    return NetworkxCity(graph, contract.reach, contract.rows)


def networkx_check(city: NetworkxCity, person_id: str, at: dt.date) -> list[tuple[str, str, str]]:
    """The reasons ``person_id`` is restricted on ``at``, walking the graph: own entries, then every firm
    held, the spells of each role and the black entries of that firm."""
    graph, day = city.graph, at.toordinal()
    nodes = graph.nodes
    reasons: list[tuple[str, str, str]] = []
    for entry_id in graph.pred[person_id]:
        entry = nodes[entry_id]
        if (
            entry.get("type") == "entry"
            and entry["kind"] == "black"
            and entry["valid_from"] <= day <= entry["valid_to"]
            and city.reach[entry["list_type"]].direct
        ):
            reasons.append((entry_id, "", ""))
    for firm, held in graph.succ[person_id].items():
        for entry_id in graph.pred[firm]:
            entry = nodes[entry_id]
            if entry.get("type") != "entry" or entry["kind"] != "black":
                continue
            if not entry["valid_from"] <= day <= entry["valid_to"]:
                continue
            reach = city.reach[entry["list_type"]]
            for role, start, end in held["spells"]:
                if role not in reach.measured_roles:
                    continue
                on_act = reach.role_time != "current" and start <= entry["act"] <= end
                on_day = reach.role_time != "act" and start <= day <= end
                if on_act or on_day:
                    reasons.append((entry_id, firm, role))
    return reasons


def networkx_propagate(city: NetworkxCity) -> list[tuple[str, str, str, str, str, int, int]]:
    """R3 as a Python loop: for every black entry of a firm and every spell of a person holding a role the
    policy names, a derived record ``(entry, person, firm, role, holder_basis, from, to)`` as
    ``graph.propagation.derive`` makes it (act-date holders: the entry's validity; current holders: its
    overlap with the role's interval)."""
    graph = city.graph
    nodes = graph.nodes
    records: list[tuple[str, str, str, str, str, int, int]] = []
    for entry_id, entry in nodes.items():
        if entry.get("type") != "entry" or entry["kind"] != "black":
            continue
        (firm,) = graph.succ[entry_id]
        if nodes[firm].get("type") != "enterprise":
            continue
        reach = city.reach[entry["list_type"]]
        act, valid_from, valid_to = entry["act"], entry["valid_from"], entry["valid_to"]
        for holder, held in graph.pred[firm].items():
            if nodes[holder].get("type") != "person":
                continue
            for role, start, end in held["spells"]:
                if role not in reach.roles:
                    continue
                if reach.role_time != "current" and start <= act <= end:
                    records.append((entry_id, holder, firm, role, "act_date", valid_from, valid_to))
                elif reach.role_time != "act" and max(start, valid_from) <= min(end, valid_to):
                    records.append(
                        (entry_id, holder, firm, role, "current", max(start, valid_from), min(end, valid_to))
                    )
    return records


def measure_networkx(city: PeerCity, *, samples: int, repeat: int) -> list[Figure]:
    gc.collect()
    before = _rss()
    started = time.perf_counter()
    nx_city = networkx_load(city.files)
    seconds = time.perf_counter() - started
    # As the server does after start-up: the collector no longer walks millions of graph objects (a full
    # collection of the city's graph takes about a minute).
    gc.collect()
    gc.freeze()
    try:
        load = _networkx_load_figure(nx_city, seconds)
        load.notes["rss_delta_mib"] = round((_rss() - before) / 2**20)
        return [load, *_networkx_questions(nx_city, city, samples, repeat)]
    finally:
        del nx_city
        gc.unfreeze()
        gc.collect()


def _rss() -> int:
    """The resident set size of this process now, in bytes (0 where /proc is missing)."""
    try:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _networkx_load_figure(nx_city: NetworkxCity, seconds: float) -> Figure:
    return Figure(
        "networkx load",
        [seconds],
        {
            "rows": nx_city.rows,
            "rows_per_s": round(nx_city.rows / seconds),
            "nodes": nx_city.graph.number_of_nodes(),
            "edges": nx_city.graph.number_of_edges(),
        },
    )


def _networkx_questions(nx_city: NetworkxCity, city: PeerCity, samples: int, repeat: int) -> list[Figure]:
    check = Figure("networkx check")
    restricted = 0
    for person_id in city.check_ids[:samples]:
        for _ in range(repeat):
            started = time.perf_counter()
            reasons = networkx_check(nx_city, person_id, city.at)
            check.samples.append(time.perf_counter() - started)
        restricted += bool(reasons)
    check.notes.update(ids=len(city.check_ids[:samples]), restricted=restricted)
    propagation = Figure("networkx propagation")
    records: list[Any] = []
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        records = networkx_propagate(nx_city)
        propagation.samples.append(time.perf_counter() - started)
        del records[:]
    # Peak memory in a separate run: tracemalloc slows the loop down.
    tracemalloc.start()
    try:
        records = networkx_propagate(nx_city)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    propagation.notes.update(records=len(records), peak_mib=round(peak / 2**20, 1))
    return [check, propagation]


def measure_peers(city: PeerCity, *, samples: int, repeat: int) -> list[Figure]:
    """Figures of both peers on ``city``: Kùzu's (skipped, with a note, when the ``bench`` extra is not
    installed) and networkx's. ``samples`` ids of ``city.check_ids`` and ``city.neighbourhood_ids`` are
    asked, each ``repeat`` times; loads are timed once."""
    figures: list[Figure] = []
    try:
        import kuzu  # noqa: F401
    except ImportError:
        figures.append(
            Figure("kuzu (skipped)", notes={"skipped": "kuzu not installed: pip install -e '.[bench]'"})
        )
    else:
        figures.extend(measure_kuzu(city, samples=samples, repeat=repeat))
    figures.extend(measure_networkx(city, samples=samples, repeat=repeat))
    return figures


# --- run on its own ---------------------------------------------------------------------------------------


def sample_city(files: dict[str, Path], db: Path, at: dt.date, count: int, seed: int) -> PeerCity:
    """A :class:`PeerCity` of ``files``: persons to check (half of them restricted through a firm in
    credlink's store when there are enough) and codes for neighbourhoods."""
    import sqlite3

    rng = random.Random(seed)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        derived = [
            str(row[0])
            for row in conn.execute(
                "SELECT DISTINCT s.code FROM derived_records AS d JOIN subjects AS s ON s.pk = d.person_pk"
            )
        ]
    persons = _codes(files["persons"], "id_number")
    enterprises = _codes(files["enterprises"], "uscc")
    through_firm = rng.sample(derived, min(len(derived), count // 2))
    check_ids = through_firm + rng.sample(persons, count - len(through_firm))
    rng.shuffle(check_ids)
    neighbourhood_ids = rng.sample(persons, count // 2) + rng.sample(enterprises, count - count // 2)
    rng.shuffle(neighbourhood_ids)
    return PeerCity(dict(files), db, check_ids, neighbourhood_ids, at)


def main(argv: Sequence[str] | None = None) -> int:
    from bench.common import CITY, TODAY, city_store, report

    parser = argparse.ArgumentParser(prog="python -m bench.peers", description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=CITY)
    parser.add_argument("--seed", type=int, default=20181)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=("kuzu", "networkx"), default=None)
    args = parser.parse_args(argv)
    db = city_store(args.enterprises, args.seed)
    folder = db.parent / f"city-{args.enterprises}-seed{args.seed}-files"
    city = sample_city(
        {kind: folder / f"{kind}.csv" for kind in FILE_KINDS}, db, TODAY, args.samples, args.seed
    )
    measures: dict[str | None, Callable[..., list[Figure]]] = {
        None: measure_peers,
        "kuzu": measure_kuzu,
        "networkx": measure_networkx,
    }
    figures = measures[args.only](city, samples=args.samples, repeat=args.repeat)
    report(
        "peers",
        figures,
        {
            "scale": f"{args.enterprises:,} enterprises, seed {args.seed}",
            "repeat": args.repeat,
            "at": str(TODAY),
        },
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
