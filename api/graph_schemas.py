"""Response models of the graph and analytics endpoints (investigators' workbench).

Node ids are ``"<subject_type>:<code>"``, edge ids ``"role:<pk>"``; an edge goes from the holder
(``source``) to the enterprise (``target``). Field names are English, texts for people Chinese. The
``from_*`` constructors turn the query layer's results (:mod:`queries.explore`, :mod:`queries.impact`,
:mod:`queries.analytics`) into these models.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas import ROLE_NAMES, EntryOut, explain_item
from graph.ids import SubjectType
from graph.model import HolderBasis, Measure, Role, Target
from graph.store.port import RoleEdge, StatusFlag, SubjectRecord
from queries.analytics import BlackGroup, GroupResult, MultiBlackPerson, Violation, ViolationsResult
from queries.explore import (
    HARD_MAX_NODES,
    MAX_HOPS,
    GraphNode,
    GraphPart,
    Neighbourhood,
    PathsResult,
    SearchResult,
    WhyResult,
    edge_id,
    held_on,
    node_id,
)
from queries.impact import Impact

_FIRM = {
    "id": "enterprise:91320402MA1XY23451",
    "code": "91320402MA1XY23451",
    "name": "常州市天宁区示例建设工程有限公司",
}
_PERSON = {"id": "person:320402198001010012", "code": "320402198001010012", "name": "王建国"}
_OTHER_FIRM = {"id": "enterprise:91320404MA1XY2346X", "name": "常州市钟楼区示例贸易有限公司"}

_NODE_EXAMPLE: dict[str, Any] = {
    "id": _FIRM["id"],
    "subject_type": "enterprise",
    "code": _FIRM["code"],
    "name": _FIRM["name"],
    "flags": ["black"],
    "hop": 0,
    "degree": 3,
    "more": 0,
    "enterprise_status": "存续",
}
_PERSON_NODE_EXAMPLE: dict[str, Any] = {
    "id": _PERSON["id"],
    "subject_type": "person",
    "code": _PERSON["code"],
    "name": _PERSON["name"],
    "flags": ["derived"],
    "hop": 1,
    "degree": 2,
    "more": 1,
    "enterprise_status": None,
}
_EDGE_EXAMPLE: dict[str, Any] = {
    "id": "role:1024",
    "source": _PERSON["id"],
    "target": _FIRM["id"],
    "role": "legal_representative",
    "role_name": "法定代表人",
    "start": "2019-01-01",
    "end": None,
    "ratio": None,
    "in_force": True,
}


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)}, populate_by_name=True)


def role_name(role: Role) -> str:
    return ROLE_NAMES.get(role, role.value)


class NodeOut(BaseModel):
    """A subject in a graph view."""

    model_config = _examples(_NODE_EXAMPLE)

    id: str = Field(description="节点标识 / node id: <subject_type>:<code>")
    subject_type: SubjectType
    code: str = Field(description="统一社会信用代码或身份证号码 / USCC or resident id number")
    name: str
    flags: list[StatusFlag] = Field(
        description="名单状态标记 / list-status badges on the view's date: black, red, derived, suspended"
    )
    hop: int | None = Field(
        description="距中心（或路径起点）的跳数 / distance from the centre or the path's start; null where the "
        "view has none"
    )
    degree: int = Field(
        description="关联边总数 / role edges of the node (with the view's date and role filters)"
    )
    more: int = Field(
        description="未显示的关联边数 / how many of its edges this response does not show (expand the node to "
        "see them, page by page)"
    )
    enterprise_status: str | None = Field(description="企业登记状态 / registration status (enterprises only)")

    @classmethod
    def from_node(cls, node: GraphNode) -> NodeOut:
        return cls(
            id=node.id,
            subject_type=node.subject.subject_type,
            code=node.subject.code,
            name=node.subject.name,
            flags=sorted(node.flags),
            hop=node.hop,
            degree=node.degree,
            more=node.more,
            enterprise_status=node.subject.enterprise_status,
        )


class EdgeOut(BaseModel):
    """A dated role edge: ``source`` (the holder) held ``role`` in ``target`` (the enterprise)."""

    model_config = _examples(_EDGE_EXAMPLE)

    id: str = Field(description="边标识 / edge id: role:<pk>")
    source: str = Field(description="任职人（或持股企业）节点 / the holder's node id")
    target: str = Field(description="企业节点 / the enterprise's node id")
    role: Role
    role_name: str = Field(description="角色中文名 / role in Chinese")
    start: dt.date | None = Field(description="任职起始日 / first day (null: unknown)")
    end: dt.date | None = Field(description="任职终止日（含） / last day, inclusive (null: still held)")
    ratio: float | None = Field(description="持股比例 / shareholding ratio (shareholders only)")
    in_force: bool = Field(description="在查询日有效 / the role is held on the view's date (or today)")

    @classmethod
    def from_edge(cls, edge: RoleEdge, subjects: Mapping[int, SubjectRecord], day: dt.date) -> EdgeOut:
        return cls(
            id=edge_id(edge),
            source=node_id(subjects[edge.holder_pk]),
            target=node_id(subjects[edge.enterprise_pk]),
            role=edge.role,
            role_name=role_name(edge.role),
            start=edge.start,
            end=edge.end,
            ratio=edge.ratio,
            in_force=held_on(edge, day),
        )


def _graph(part: GraphPart, day: dt.date) -> tuple[list[NodeOut], list[EdgeOut]]:
    subjects = part.subjects()
    return (
        [NodeOut.from_node(node) for node in part.nodes],
        [EdgeOut.from_edge(edge, subjects, day) for edge in part.edges],
    )


# --- search ----------------------------------------------------------------------------------------------


class SearchItemOut(BaseModel):
    model_config = _examples(
        {key: _NODE_EXAMPLE[key] for key in ("id", "subject_type", "code", "name", "flags")}
    )

    id: str
    subject_type: SubjectType
    code: str
    name: str
    flags: list[StatusFlag]
    enterprise_status: str | None = None


class SearchResponse(BaseModel):
    model_config = _examples(
        {
            "query": "示例建设",
            "at": "2024-05-01",
            "items": [
                {
                    "id": _FIRM["id"],
                    "subject_type": "enterprise",
                    "code": _FIRM["code"],
                    "name": _FIRM["name"],
                    "flags": ["black"],
                    "enterprise_status": "存续",
                }
            ],
            "truncated": False,
        }
    )

    query: str = Field(description="检索词 / the search text, stripped")
    at: dt.date = Field(description="标记所依据的日期 / the date of the badges")
    items: list[SearchItemOut] = Field(
        description="完全匹配的代码、代码前缀、名称包含 / exact codes, then code prefixes, then names containing it"
    )
    truncated: bool = Field(description="结果多于 limit 条 / more results than limit")

    @classmethod
    def from_result(cls, result: SearchResult) -> SearchResponse:
        return cls(
            query=result.query,
            at=result.at,
            items=[
                SearchItemOut(
                    id=node_id(subject),
                    subject_type=subject.subject_type,
                    code=subject.code,
                    name=subject.name,
                    flags=sorted(flags),
                    enterprise_status=subject.enterprise_status,
                )
                for subject, flags in result.items
            ],
            truncated=result.truncated,
        )


# --- neighbourhood ---------------------------------------------------------------------------------------


class LimitsOut(BaseModel):
    max_nodes: int = Field(description="本次请求的节点上限 / the node limit of this request")
    page_size: int = Field(description="每个节点显示的边数 / edges shown per node")
    hard_max_nodes: int = Field(description="节点上限的最大值 / the hard cap of max_nodes")
    max_hops: int = Field(description="跳数上限 / the hard cap of hops")


class NeighbourhoodResponse(BaseModel):
    model_config = _examples(
        {
            "center": _FIRM["id"],
            "at": None,
            "hops": 1,
            "nodes": [_NODE_EXAMPLE, _PERSON_NODE_EXAMPLE],
            "edges": [_EDGE_EXAMPLE],
            "truncated": False,
            "message": None,
            "limits": {
                "max_nodes": 300,
                "page_size": 50,
                "hard_max_nodes": HARD_MAX_NODES,
                "max_hops": MAX_HOPS,
            },
        }
    )

    center: str = Field(description="中心节点 / the centre's node id")
    at: dt.date | None = Field(
        description="按该日显示在任关系；空为全部历史关系 / roles in force on this date; null: all"
    )
    hops: int
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    truncated: bool = Field(description="达到节点上限，部分关联未显示 / max_nodes reached")
    message: str | None = Field(description="提示 / a note in Chinese, e.g. why the view is truncated")
    limits: LimitsOut

    @classmethod
    def from_result(cls, result: Neighbourhood) -> NeighbourhoodResponse:
        nodes, edges = _graph(result.graph, result.flags_on)
        return cls(
            center=node_id(result.center),
            at=result.at,
            hops=result.hops,
            nodes=nodes,
            edges=edges,
            truncated=result.truncated,
            message=result.message,
            limits=LimitsOut(
                max_nodes=result.max_nodes,
                page_size=result.page_size,
                hard_max_nodes=HARD_MAX_NODES,
                max_hops=MAX_HOPS,
            ),
        )


# --- paths -----------------------------------------------------------------------------------------------


class GraphPathOut(BaseModel):
    length: int = Field(description="跳数 / number of edges")
    nodes: list[str] = Field(description="路径上的节点，从起点到终点 / node ids from start to end")
    edges: list[str] = Field(description="每一步经过的边 / the edge taken at each step")


class PathsResponse(BaseModel):
    model_config = _examples(
        {
            "from": _FIRM["id"],
            "to": _OTHER_FIRM["id"],
            "max_hops": 6,
            "paths": [
                {
                    "length": 2,
                    "nodes": [_FIRM["id"], _PERSON["id"], _OTHER_FIRM["id"]],
                    "edges": ["role:1024", "role:2048"],
                }
            ],
            "nodes": [_NODE_EXAMPLE, _PERSON_NODE_EXAMPLE],
            "edges": [_EDGE_EXAMPLE],
            "truncated": False,
            "message": None,
        }
    )

    from_: str = Field(alias="from", description="起点 / the start's node id")
    to: str = Field(description="终点 / the end's node id")
    max_hops: int
    paths: list[GraphPathOut] = Field(
        description="全部最短路径（至多 limit 条） / every shortest path, up to limit"
    )
    nodes: list[NodeOut]
    edges: list[EdgeOut] = Field(
        description="路径相邻节点间的所有边 / every edge between consecutive path nodes"
    )
    truncated: bool = Field(description="搜索达到访问上限而停止 / the search hit its cap of visited subjects")
    message: str | None = Field(description="未找到路径等提示 / e.g. 6 跳以内未找到关联路径")

    @classmethod
    def from_result(cls, result: PathsResult) -> PathsResponse:
        nodes, edges = _graph(result.graph, result.flags_on)
        ids = {node.subject.pk: node.id for node in result.graph.nodes}
        return cls.model_validate(
            {
                "from": node_id(result.source),
                "to": node_id(result.target),
                "max_hops": result.max_hops,
                "paths": [
                    GraphPathOut(
                        length=path.length,
                        nodes=[ids[pk] for pk in path.nodes],
                        edges=[f"role:{pk}" for pk in path.edges],
                    )
                    for path in result.paths
                ],
                "nodes": nodes,
                "edges": edges,
                "truncated": result.truncated,
                "message": result.message,
            }
        )


# --- why -------------------------------------------------------------------------------------------------


class ViaOut(BaseModel):
    enterprise: str = Field(description="经由的企业节点 / the firm's node id")
    role: Role
    role_name: str
    start: dt.date | None
    end: dt.date | None
    holder_basis: HolderBasis = Field(
        description="act_date: 失信行为发生时在任 / held on the act date; current: 查询日在任 / holds it on the date"
    )


class MeasureBriefOut(BaseModel):
    measure_id: str
    content: str
    implementing_department: str = Field(description="实施部门 / implementing department")
    legal_basis: str = Field(description="法律依据 / legal basis")

    @classmethod
    def from_measure(cls, measure: Measure) -> MeasureBriefOut:
        return cls(
            measure_id=measure.measure_id,
            content=measure.content,
            implementing_department=measure.implementing_department,
            legal_basis=measure.legal_basis,
        )


class WhyItemOut(BaseModel):
    entry_id: str
    kind: str = Field(description="red | black")
    list_type: str
    department: str = Field(description="认定单位 / identifying department")
    basis: str = Field(description="认定依据 / basis of the listing")
    act_date: dt.date | None
    valid_from: dt.date = Field(description="适用起始日（派生记录为其自身有效期） / first day it applies")
    valid_to: dt.date | None
    via: ViaOut | None = Field(description="null：主体自身的名单记录 / null for the subject's own entry")
    measures: list[MeasureBriefOut]
    suspended: bool = Field(description="异议核实中，暂停执行 / under verification (R5)")
    explanation: str = Field(description="中文说明，与核查接口一致 / the check's explanation")


class HighlightOut(BaseModel):
    nodes: list[str]
    edges: list[str]


class WhyResponse(BaseModel):
    model_config = _examples(
        {
            "subject": _PERSON["id"],
            "at": "2024-05-01",
            "items": [
                {
                    "entry_id": "CZ-B-2023-000123",
                    "kind": "black",
                    "list_type": "失信被执行人",
                    "department": "常州市中级人民法院",
                    "basis": "（2023）苏04执123号",
                    "act_date": "2023-02-14",
                    "valid_from": "2023-03-01",
                    "valid_to": None,
                    "via": {
                        "enterprise": _FIRM["id"],
                        "role": "legal_representative",
                        "role_name": "法定代表人",
                        "start": "2019-01-01",
                        "end": None,
                        "holder_basis": "act_date",
                    },
                    "measures": [
                        {
                            "measure_id": "M-B-SXBZX-07",
                            "content": "限制参与政府采购活动",
                            "implementing_department": "常州市财政局",
                            "legal_basis": "《关于对失信被执行人实施联合惩戒的合作备忘录》",
                        }
                    ],
                    "suspended": False,
                    "explanation": "因 常州市天宁区示例建设工程有限公司（91320402MA1XY23451）被列入失信被执行人名单……",
                }
            ],
            "nodes": [_NODE_EXAMPLE, _PERSON_NODE_EXAMPLE],
            "edges": [_EDGE_EXAMPLE],
            "highlight": {"nodes": [_PERSON["id"], _FIRM["id"]], "edges": ["role:1024"]},
        }
    )

    subject: str
    at: dt.date
    items: list[WhyItemOut]
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    highlight: HighlightOut = Field(description="需高亮的路径 / the paths to highlight")

    @classmethod
    def from_result(cls, result: WhyResult) -> WhyResponse:
        nodes, edges = _graph(result.graph, result.at)
        subjects = result.graph.subjects()
        items = []
        for why_item in result.items:
            item = why_item.item
            entry = item.entry
            via = None
            valid_from, valid_to = entry.valid_from, entry.valid_to
            if item.path is not None:
                valid_from, valid_to = item.path.valid_from, item.path.valid_to
                firm = (
                    node_id(why_item.enterprise)
                    if why_item.enterprise is not None
                    else f"{SubjectType.enterprise.value}:{item.path.role.enterprise_uscc}"
                )
                via = ViaOut(
                    enterprise=firm,
                    role=item.path.role.role,
                    role_name=role_name(item.path.role.role),
                    start=item.path.role.start,
                    end=item.path.role.end,
                    holder_basis=item.path.holder_basis,
                )
            items.append(
                WhyItemOut(
                    entry_id=entry.entry_id,
                    kind=entry.kind.value,
                    list_type=entry.list_type,
                    department=entry.department,
                    basis=entry.basis,
                    act_date=entry.act_date,
                    valid_from=valid_from,
                    valid_to=valid_to,
                    via=via,
                    measures=[MeasureBriefOut.from_measure(measure) for measure in item.measures],
                    suspended=item.suspended,
                    explanation=explain_item(item, result.business_item),
                )
            )
        return cls(
            subject=node_id(result.subject),
            at=result.at,
            items=items,
            nodes=nodes,
            edges=edges,
            highlight=HighlightOut(
                nodes=[node_id(subjects[pk]) for pk in result.highlight_nodes if pk in subjects],
                edges=[f"role:{pk}" for pk in result.highlight_edges],
            ),
        )


# --- impact ----------------------------------------------------------------------------------------------


class ImpactPersonOut(BaseModel):
    id: str
    code: str
    name: str
    enterprise: str = Field(description="经由的企业节点 / the firm's node id")
    role: Role
    role_name: str
    start: dt.date | None = Field(description="任职起始日 / the role's first day")
    end: dt.date | None = Field(description="任职终止日 / the role's last day")
    holder_basis: HolderBasis
    valid_from: dt.date = Field(description="派生记录起始日 / the derived record's first day")
    valid_to: dt.date | None = Field(description="派生记录终止日 / its last day (null: open)")
    measures: list[str] = Field(description="到达该人的措施编号 / measure ids reaching the person")


class ImpactMeasureOut(MeasureBriefOut):
    target: Target = Field(description="措施对象 / subject or the role it is aimed at")

    @classmethod
    def from_measure(cls, measure: Measure) -> ImpactMeasureOut:
        return cls(
            measure_id=measure.measure_id,
            target=measure.target,
            content=measure.content,
            implementing_department=measure.implementing_department,
            legal_basis=measure.legal_basis,
        )


class ImpactResponse(BaseModel):
    model_config = _examples(
        {
            "entry": {"entry_id": "CZ-B-2024-000007", "status": "publicised", "kind": "black"},
            "preview": True,
            "persons": [
                {
                    "id": _PERSON["id"],
                    "code": _PERSON["code"],
                    "name": _PERSON["name"],
                    "enterprise": _FIRM["id"],
                    "role": "legal_representative",
                    "role_name": "法定代表人",
                    "start": "2019-01-01",
                    "end": None,
                    "holder_basis": "act_date",
                    "valid_from": "2024-06-01",
                    "valid_to": None,
                    "measures": ["M-B-SXBZX-07"],
                }
            ],
            "measures": [
                {
                    "measure_id": "M-B-SXBZX-07",
                    "target": "legal_representative",
                    "content": "限制参与政府采购活动",
                    "implementing_department": "常州市财政局",
                    "legal_basis": "《关于对失信被执行人实施联合惩戒的合作备忘录》",
                }
            ],
            "departments": ["常州市财政局"],
            "nodes": [_NODE_EXAMPLE, _PERSON_NODE_EXAMPLE],
            "edges": [_EDGE_EXAMPLE],
        }
    )

    entry: EntryOut
    preview: bool = Field(
        description="true：记录尚未（或不再）生效，此为生效后将到达的范围 / what it would reach once effective"
    )
    persons: list[ImpactPersonOut] = Field(description="将派生到的个人 / persons reached through the firm")
    measures: list[ImpactMeasureOut] = Field(
        description="涉及的措施 / measures: the subject's own and the persons'"
    )
    departments: list[str] = Field(description="涉及的实施部门 / implementing departments")
    nodes: list[NodeOut]
    edges: list[EdgeOut]

    @classmethod
    def from_result(cls, result: Impact, today: dt.date) -> ImpactResponse:
        nodes, edges = _graph(result.graph, today)
        return cls(
            entry=EntryOut.from_record(result.entry),
            preview=result.preview,
            persons=[
                ImpactPersonOut(
                    id=node_id(person.person),
                    code=person.person.code,
                    name=person.person.name,
                    enterprise=node_id(person.enterprise),
                    role=person.edge.role,
                    role_name=role_name(person.edge.role),
                    start=person.edge.start,
                    end=person.edge.end,
                    holder_basis=person.holder_basis,
                    valid_from=person.valid_from,
                    valid_to=person.valid_to,
                    measures=list(person.measures),
                )
                for person in result.persons
            ],
            measures=[ImpactMeasureOut.from_measure(measure) for measure in result.measures],
            departments=list(result.departments),
            nodes=nodes,
            edges=edges,
        )


# --- analytics -------------------------------------------------------------------------------------------


class KeyPersonOut(BaseModel):
    id: str
    name: str
    degree: int = Field(description="圈内关联企业数 / enterprises of the group the person is linked to")
    betweenness: float = Field(description="圈内中介中心性（0–1） / normalised betweenness within the group")


class GroupResponse(BaseModel):
    model_config = _examples(
        {
            "subject": _FIRM["id"],
            "enterprises": [_NODE_EXAMPLE],
            "persons": [_PERSON_NODE_EXAMPLE],
            "edges": [_EDGE_EXAMPLE],
            "key_persons": [{"id": _PERSON["id"], "name": _PERSON["name"], "degree": 2, "betweenness": 0.5}],
            "truncated": False,
            "message": None,
        }
    )

    subject: str
    enterprises: list[NodeOut]
    persons: list[NodeOut]
    edges: list[EdgeOut]
    key_persons: list[KeyPersonOut] = Field(description="关键人员 / ranked by betweenness, then degree")
    truncated: bool
    message: str | None

    @classmethod
    def from_result(cls, result: GroupResult, today: dt.date) -> GroupResponse:
        nodes, edges = _graph(result.graph, result.at or today)
        names = {node.subject.pk: node for node in result.graph.nodes}
        return cls(
            subject=node_id(result.subject),
            enterprises=[node for node in nodes if node.subject_type is SubjectType.enterprise],
            persons=[node for node in nodes if node.subject_type is SubjectType.person],
            edges=edges,
            key_persons=[
                KeyPersonOut(
                    id=names[key.pk].id,
                    name=names[key.pk].subject.name,
                    degree=key.degree,
                    betweenness=round(key.betweenness, 6),
                )
                for key in result.key_persons
            ],
            truncated=result.truncated,
            message=(
                f"关联圈超过 {result.max_nodes} 个主体，仅显示距离最近的部分；可指定日期缩小范围"
                if result.truncated
                else None
            ),
        )


class BlackGroupOut(BaseModel):
    enterprises: list[NodeOut] = Field(description="黑名单企业 / black-listed enterprises of the group")
    persons: list[NodeOut] = Field(description="在两家及以上圈内企业任职的人员 / persons shared by them")


class BlackGroupsResponse(BaseModel):
    model_config = _examples(
        {
            "at": "2024-05-01",
            "groups": [{"enterprises": [_NODE_EXAMPLE], "persons": [_PERSON_NODE_EXAMPLE]}],
        }
    )

    at: dt.date
    groups: list[BlackGroupOut] = Field(description="largest first")

    @classmethod
    def from_groups(cls, at: dt.date, groups: Iterable[BlackGroup]) -> BlackGroupsResponse:
        return cls(
            at=at,
            groups=[
                BlackGroupOut(
                    enterprises=[NodeOut.from_node(node) for node in found.enterprises.nodes],
                    persons=[NodeOut.from_node(node) for node in found.persons.nodes],
                )
                for found in groups
            ],
        )


class FirmLinkOut(BaseModel):
    id: str
    name: str
    role: Role
    role_name: str


class MultiBlackPersonOut(BaseModel):
    id: str
    code: str
    name: str
    firms: list[FirmLinkOut] = Field(description="任职的黑名单企业（每个角色一行） / one row per role held")


class MultiBlackPersonsResponse(BaseModel):
    model_config = _examples(
        {
            "at": "2024-05-01",
            "items": [
                {
                    "id": _PERSON["id"],
                    "code": _PERSON["code"],
                    "name": _PERSON["name"],
                    "firms": [
                        {
                            "id": _FIRM["id"],
                            "name": _FIRM["name"],
                            "role": "legal_representative",
                            "role_name": "法定代表人",
                        },
                        {
                            "id": _OTHER_FIRM["id"],
                            "name": _OTHER_FIRM["name"],
                            "role": "principal",
                            "role_name": "主要负责人",
                        },
                    ],
                }
            ],
        }
    )

    at: dt.date
    items: list[MultiBlackPersonOut]

    @classmethod
    def from_items(cls, at: dt.date, items: Iterable[MultiBlackPerson]) -> MultiBlackPersonsResponse:
        return cls(
            at=at,
            items=[
                MultiBlackPersonOut(
                    id=node_id(item.person),
                    code=item.person.code,
                    name=item.person.name,
                    firms=[
                        FirmLinkOut(
                            id=node_id(firm), name=firm.name, role=edge.role, role_name=role_name(edge.role)
                        )
                        for firm, edge in item.firms
                    ],
                )
                for item in items
            ],
        )


class PersonRefOut(BaseModel):
    id: str
    code: str
    name: str


class EnterpriseRefOut(BaseModel):
    id: str
    name: str


class HeldRoleOut(BaseModel):
    enterprise: EnterpriseRefOut
    role: Role
    role_name: str
    start: dt.date | None
    end: dt.date | None


class RestrictionOut(BaseModel):
    entry_id: str
    via_enterprise: str | None = Field(description="限制经由的企业；null 为本人名单记录 / null: own entry")
    measure_id: str
    content: str
    implementing_department: str
    legal_basis: str
    valid_from: dt.date
    valid_to: dt.date | None


class ViolationOut(BaseModel):
    person: PersonRefOut
    held: HeldRoleOut = Field(description="违规担任的职务 / the role held in another firm")
    restriction: RestrictionOut
    started_during_restriction: bool = Field(
        description="限制期间新任 / the role began during the restriction"
    )
    suspended: bool = Field(description="限制异议核实中，暂停执行 / the restriction is suspended (R5)")
    alert: str = Field(description="预警说明 / the alert in Chinese")


def violation_alert(violation: Violation, person: SubjectRecord, firm: SubjectRecord) -> str:
    row = violation.row
    via = f"经由 {row.derived.role.enterprise_name}" if row.derived is not None else "本人名单记录"
    start = violation.held.start.isoformat() if violation.held.start else "不详"
    text = (
        f"{person.name}（{person.code}）因{row.entry.list_type}（{row.entry.entry_id}，{via}）"
        f"受“{violation.measure.content}”限制（{violation.restriction_from.isoformat()} 起），"
        f"但在 {firm.name}（{firm.code}）担任{role_name(violation.held.role)}（{start} 起）"
    )
    if violation.started_during_restriction:
        text += "，系限制期间新任"
    if row.suspended:
        text += "；该限制异议核实中，暂停执行"
    return text


class ViolationsResponse(BaseModel):
    model_config = _examples(
        {
            "at": "2024-05-01",
            "business_item": "company_registration",
            "items": [
                {
                    "person": _PERSON,
                    "held": {
                        "enterprise": _OTHER_FIRM,
                        "role": "legal_representative",
                        "role_name": "法定代表人",
                        "start": "2024-01-15",
                        "end": None,
                    },
                    "restriction": {
                        "entry_id": "CZ-B-2023-000123",
                        "via_enterprise": _FIRM["id"],
                        "measure_id": "M-B-SXBZX-03",
                        "content": "限制担任法定代表人、董事、监事、高级管理人员",
                        "implementing_department": "常州市市场监督管理局",
                        "legal_basis": "《关于对失信被执行人实施联合惩戒的合作备忘录》",
                        "valid_from": "2023-03-01",
                        "valid_to": None,
                    },
                    "started_during_restriction": True,
                    "suspended": False,
                    "alert": "王建国（320402198001010012）因失信被执行人（CZ-B-2023-000123，经由 常州市天宁区示例建设工程有限公司）"
                    "受“限制担任法定代表人、董事、监事、高级管理人员”限制（2023-03-01 起），但在 常州市钟楼区示例贸易有限公司"
                    "（91320404MA1XY2346X）担任法定代表人（2024-01-15 起），系限制期间新任",
                }
            ],
        }
    )

    at: dt.date
    business_item: str = Field(description="业务事项 / the business item restricted")
    items: list[ViolationOut]

    @classmethod
    def from_result(cls, result: ViolationsResult) -> ViolationsResponse:
        items = []
        for violation in result.violations:
            person = result.subjects[violation.person_pk]
            firm = result.subjects[violation.held.enterprise_pk]
            row = violation.row
            via = (
                f"{SubjectType.enterprise.value}:{row.derived.role.enterprise_uscc}"
                if row.derived is not None
                else None
            )
            items.append(
                ViolationOut(
                    person=PersonRefOut(id=node_id(person), code=person.code, name=person.name),
                    held=HeldRoleOut(
                        enterprise=EnterpriseRefOut(id=node_id(firm), name=firm.name),
                        role=violation.held.role,
                        role_name=role_name(violation.held.role),
                        start=violation.held.start,
                        end=violation.held.end,
                    ),
                    restriction=RestrictionOut(
                        entry_id=row.entry.entry_id,
                        via_enterprise=via,
                        measure_id=violation.measure.measure_id,
                        content=violation.measure.content,
                        implementing_department=violation.measure.implementing_department,
                        legal_basis=violation.measure.legal_basis,
                        valid_from=violation.restriction_from,
                        valid_to=violation.restriction_to,
                    ),
                    started_during_restriction=violation.started_during_restriction,
                    suspended=row.suspended,
                    alert=violation_alert(violation, person, firm),
                )
            )
        return cls(at=result.at, business_item=result.business_item, items=items)
