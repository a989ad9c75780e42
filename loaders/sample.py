"""A synthetic, Changzhou-like city written as the six import files of the data contract.

``generate_city(out_dir, enterprises=N, seed=S, today=D)`` writes ``enterprises.csv``, ``persons.csv``,
``roles.csv``, ``list_entries.csv``, ``measures.csv`` and ``list_policies.csv`` (UTF-8, header row, ISO
dates, empty = open). The same ``(N, S, D)`` always gives byte-identical files: every random draw comes
from one ``numpy.random.Generator`` seeded with ``S`` (split into one child stream per table, so a change
to how roles are drawn does not reshuffle the enterprises), and nothing reads the clock when ``today``
is given. The files go through the real loaders, so they must be valid data, not just plausible text.

Shape for ``N`` enterprises (≈ figures at the default N = 20,000 in brackets)
--------------------------------------------------------------------------
* **enterprises** — exactly N rows [20,000]. Region (USCC positions 3–8 and ``region_code``): 武进区 30 %,
  新北区 22 %, 溧阳市 14 %, 天宁区 13 %, 钟楼区 12 %, 金坛区 9 %. Kinds by fixed shares: 有限责任公司
  ≈ 74 %, 个体工商户 12 % (USCC ``92``), 分公司 3.5 %, 农民专业合作社 3 % (``93``), 股份有限公司 2.5 %,
  个人独资企业 2 %, 合伙企业 1.5 %, and a few lawful codes that start with a letter: 农村集体经济组织 (``N2``,
  0.4 %) and 其他组织 (``Y1``, 0.3 %). Organisation-code part (positions 9–17): eight digits plus a
  GB 11714 check character for firms established before 2015-10 (the codes they carried into the
  USCC), ``MA`` + six characters plus check for later ones, as in real post-reform codes; unique over the
  city, so the USCCs are unique. ``established`` between 1990-01-01 and ``today``, skewed towards recent
  years (median ≈ 2015). Status: 存续 72 %, 在业 14 %, 注销 9 %, 吊销 5 %.
* **persons** — round(1.2 N) rows [24,000]. Birth dates 1950–2002, centred on 1974; the area code is the
  one in force when the first card was issued, so people born before 1985 mostly carry the historic codes
  of 武进市 (320483), 金坛市 (320482) and 戚墅堰区 (320405) where they came from; the sequence number is
  random (its parity is the sex) and unique per birth date; the check character is ISO 7064 MOD 11-2.
  Names: a common surname (weighted, Jiangnan-flavoured) and one or two given characters.
* **roles** — ≈ 3.5 rows per enterprise [70,395]. Every enterprise has exactly one open legal
  representative; 30 % had one to three earlier ones, each term closed the day before the next one
  starts. About half the enterprises have a principal (often the legal representative), 12 % a
  directly responsible person, 8 % of companies an actual controller. Companies and partnerships have
  one to four shareholders whose ratios sum to at most 1 (a quarter of firms list only part of their
  capital); 7 % of shareholder slots are other enterprises established earlier. Each branch has one
  ``branch_of`` row to a head office established earlier. Holders are drawn half uniformly among adults
  and half by a capped Pareto(1.6) activity weight, so most people hold one or two roles while about
  three thousand per million serve 20 or more firms and the busiest 70–80 ("professional" legal
  representatives) [max 67 firms; 260 people serve ≥ 10]; about 14 % of persons hold no role
  (private people, some of them listed directly). Nobody holds a role before turning twenty (guaranteed from N ≈ 100 up; a city of a handful
  of firms may lack an adult old enough). Every role starts on or after its enterprise was established.
* **list_entries** — black entries for 3 % of enterprises (a fifth of them listed twice) across seven
  list types with their identifying departments, basis numbers, act dates 20–540 days before the
  decision and per-type punishment periods (some open, many already expired by ``today``); black
  entries 失信被执行人 / 拖欠农民工工资 for 1 % of persons; red entries (纳税信用A级纳税人, 守合同重信用企业,
  海关高级认证企业) for 2.5 % of enterprises, never for a subject with a black entry. [963 black, of which
  240 on persons; 500 red]. Ids ``HB-<year>-<nnnnnn>`` (black) and ``HH-<year>-<nnnnnn>`` (red), numbered per year of
  decision.
* **measures** — a fixed list of 64 measures from the national memoranda (independent of N): every black
  list type has measures for the subject and for its legal representative, including 政府采购 for the
  legal representative, so a derived person's ``check?business_item=public_procurement`` answers.
* **list_policies** — one row per list type used (10).

Cost: linear in N, vectorised with numpy; no per-row Python except the C ``csv`` writer, fed 200,000
rows at a time so memory stays flat. Measured on two cores: 0.5 s at 20,000 enterprises; about 40 s and
1.7 GiB peak RSS at 1,000,000 (≈ 3.5 M roles, 376 MB of CSV).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
from numpy.typing import NDArray
from stdnum.cn import ric, uscc
from tqdm import tqdm

from graph.ids import USCC_ALPHABET
from graph.model import ListKind, Role, RoleTime, Target
from graph.store.port import CONTRACT_COLUMNS, FileKind

__all__ = ["DEFAULT_ENTERPRISES", "DEFAULT_SEED", "DEFAULT_TODAY", "generate_city"]

IntArray = NDArray[np.int64]
StrArray = NDArray[np.str_]
BoolArray = NDArray[np.bool_]
FloatArray = NDArray[np.float64]

DEFAULT_ENTERPRISES: Final = 20_000
#: The date of 常政发〔2018〕131号; any integer works.
DEFAULT_SEED: Final = 20181225
#: A fixed "today" for reproducible demos and tests; ``generate_city(today=None)`` uses the clock.
DEFAULT_TODAY: Final = dt.date(2026, 11, 25)

_EPOCH: Final = dt.date(1970, 1, 1)
#: Marks an open end (or a missing ratio) in the integer arrays; written as an empty field.
_OPEN: Final = np.iinfo(np.int64).min
_CHUNK_ROWS: Final = 200_000


def _day(value: dt.date) -> int:
    return (value - _EPOCH).days


# ---------------------------------------------------------------------------------------------------
# Vocabularies
# ---------------------------------------------------------------------------------------------------

#: (division code, name, share of enterprises)
_REGIONS: Final = (
    ("320402", "天宁区", 0.13),
    ("320404", "钟楼区", 0.12),
    ("320411", "新北区", 0.22),
    ("320412", "武进区", 0.30),
    ("320413", "金坛区", 0.09),
    ("320481", "溧阳市", 0.14),
)
#: (court name, court code in case numbers) per region, same order as _REGIONS.
_DISTRICT_COURTS: Final = (
    ("常州市天宁区人民法院", "苏0402"),
    ("常州市钟楼区人民法院", "苏0404"),
    ("常州市新北区人民法院", "苏0411"),
    ("常州市武进区人民法院", "苏0412"),
    ("常州市金坛区人民法院", "苏0413"),
    ("溧阳市人民法院", "苏0481"),
)
_INTERMEDIATE_COURT: Final = ("常州市中级人民法院", "苏04")


@dataclass(frozen=True, slots=True)
class _EnterpriseType:
    prefix: str  # USCC positions 1–2: registration authority and entity type
    kind: str
    share: float
    is_company: bool  # can have shareholders, actual controllers, branches, enterprise holdings


# Order matters: the first entry absorbs rounding so the counts add up to N.
_ENTERPRISE_TYPES: Final = (
    _EnterpriseType("91", "有限责任公司", 0.741, True),
    _EnterpriseType("92", "个体工商户", 0.12, False),
    _EnterpriseType("91", "分公司", 0.035, False),
    _EnterpriseType("93", "农民专业合作社", 0.03, False),
    _EnterpriseType("91", "股份有限公司", 0.025, True),
    _EnterpriseType("91", "个人独资企业", 0.02, False),
    _EnterpriseType("91", "合伙企业", 0.015, True),
    _EnterpriseType("N2", "农村集体经济组织", 0.004, False),
    _EnterpriseType("Y1", "其他组织", 0.003, False),
)
(
    _T_LLC,
    _T_INDIVIDUAL,
    _T_BRANCH,
    _T_COOP,
    _T_JOINT_STOCK,
    _T_SOLE,
    _T_PARTNERSHIP,
    _T_COLLECTIVE,
    _T_OTHER,
) = range(len(_ENTERPRISE_TYPES))

_STATUSES: Final = (("存续", 0.72), ("在业", 0.14), ("注销", 0.09), ("吊销", 0.05))

_TRADE_NAME_CHARS: Final = (
    "华盛鑫恒泰达宏源丰瑞博嘉隆兴创信诚通联科锦裕金天龙凯新明远鼎益润安康和顺福昌永佳同德祥富海宇辰"
    "晨星光耀聚展腾飞越卓众合力正弘亿万方圆东南西北中汇邦豪杰俊英伟雅美宝荣旺祺禾田山川江湖洲帆航"
    "诺尚品优精工捷迅锐奥特迪维亚欧赛森林峰岭云霖泽浩沁清晶玉翔鹏骏驰晟昊昱曜灿熙乐韵嘉誉"
)
_INDUSTRIES: Final = (
    "科技",
    "机械制造",
    "电子",
    "纺织",
    "化工",
    "建设工程",
    "贸易",
    "新材料",
    "精密机械",
    "光伏科技",
    "电气",
    "汽车零部件",
    "物流",
    "餐饮管理",
    "建材",
    "环保科技",
    "医疗器械",
    "信息技术",
    "智能装备",
    "服饰",
    "食品",
    "农业发展",
    "房地产开发",
    "装饰工程",
    "劳务",
    "商贸",
    "文化传媒",
    "生物科技",
    "五金",
    "塑业",
    "模具",
    "电机",
    "轨道交通设备",
    "石墨烯科技",
    "纺织机械",
    "物业管理",
    "人力资源",
    "软件",
)
_SOLE_TRADES: Final = ("机械厂", "五金厂", "服装厂", "印刷厂", "塑料制品厂", "家具厂", "纸箱厂", "电器厂")
_PARTNERSHIP_TRADES: Final = (
    "投资合伙企业（有限合伙）",
    "企业管理咨询合伙企业（有限合伙）",
    "股权投资合伙企业（有限合伙）",
    "创业投资合伙企业（有限合伙）",
)
_SHOPS: Final = (
    "便利店",
    "五金店",
    "小吃店",
    "理发店",
    "汽车修理部",
    "服装店",
    "水果店",
    "烟酒商行",
    "建材经营部",
    "餐馆",
    "日用品商店",
    "电动车维修部",
    "面馆",
    "副食品店",
    "家电维修部",
)
_COOP_TRADES: Final = (
    "水稻种植",
    "茶叶",
    "水产养殖",
    "农机",
    "果蔬",
    "苗木",
    "青虾养殖",
    "草莓种植",
    "家禽养殖",
    "花卉",
)
_OTHER_ORGS: Final = ("商会", "行业协会", "农民用水户协会", "个体劳动者协会")
_VILLAGE_SUFFIX: Final = "村股份经济合作社"

#: Common surnames, weighted roughly as in southern Jiangsu.
_SURNAMES: Final = (
    ("陈", 6.0),
    ("王", 5.8),
    ("张", 5.0),
    ("周", 4.2),
    ("徐", 4.0),
    ("吴", 3.8),
    ("朱", 3.0),
    ("李", 3.5),
    ("刘", 2.6),
    ("沈", 2.2),
    ("蒋", 2.0),
    ("钱", 1.8),
    ("杨", 2.0),
    ("孙", 1.8),
    ("黄", 1.7),
    ("顾", 1.5),
    ("许", 1.4),
    ("史", 1.2),
    ("汤", 1.1),
    ("胡", 1.2),
    ("邵", 1.0),
    ("潘", 1.0),
    ("丁", 1.0),
    ("芮", 0.6),
    ("曹", 1.0),
    ("姚", 0.9),
    ("殷", 0.6),
    ("恽", 0.3),
    ("庄", 0.8),
    ("费", 0.5),
    ("盛", 0.7),
    ("赵", 1.2),
    ("马", 0.9),
    ("高", 0.9),
    ("何", 0.8),
    ("郭", 0.7),
    ("林", 0.7),
    ("罗", 0.6),
    ("谢", 0.6),
    ("唐", 0.7),
    ("韩", 0.5),
    ("冯", 0.6),
    ("董", 0.6),
    ("薛", 0.5),
    ("任", 0.5),
    ("袁", 0.6),
    ("梅", 0.4),
    ("严", 0.6),
    ("华", 0.5),
    ("储", 0.4),
    ("戴", 0.6),
    ("贺", 0.4),
    ("毛", 0.4),
    ("金", 0.5),
    ("秦", 0.4),
    ("尤", 0.3),
    ("欧阳", 0.1),
    ("诸葛", 0.02),
)
_GIVEN_CHARS: Final = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌婷雪梅琳晨浩宇轩欣怡子涵"
    "俊杰佳琪鑫磊建华国平卫东海燕春梅亚萍晓东小红丹丹凯丽晓燕永刚振宇思远雨桐梓萱一鸣家豪立新"
    "荣根林生金宝福兴伯仁良才德贤君"
)

#: Area codes by the era in which a first card was issued (see DESIGN.md: the code in force at first
#: issue stays on the card). (code, weight) per era: born < 1985, 1985–1997, ≥ 1998.
_AREA_CODES_BY_ERA: Final = (
    (
        ("320402", 14),
        ("320404", 13),
        ("320405", 5),
        ("320411", 12),
        ("320483", 25),
        ("320482", 9),
        ("320481", 13),
        ("320412", 4),
        ("320400", 5),
    ),
    (
        ("320402", 14),
        ("320404", 13),
        ("320405", 4),
        ("320411", 16),
        ("320412", 27),
        ("320482", 9),
        ("320481", 13),
        ("320400", 4),
    ),
    (("320402", 14), ("320404", 13), ("320411", 20), ("320412", 30), ("320413", 9), ("320481", 14)),
)
_ERA_BOUNDS: Final = (_day(dt.date(1985, 1, 1)), _day(dt.date(1998, 1, 1)))
_BIRTH_FIRST: Final = _day(dt.date(1950, 1, 1))
_BIRTH_LAST: Final = _day(dt.date(2002, 12, 31))
_BIRTH_CENTRE: Final = _day(dt.date(1974, 6, 1))
_ADULT_DAYS: Final = 20 * 365 + 5  # nobody holds a role before turning twenty
_FIRST_ESTABLISHED: Final = _day(dt.date(1990, 1, 1))
#: New-style organisation codes (``MA…``) were issued from the USCC reform on 2015-10-01.
_MA_CODES_FROM: Final = _day(dt.date(2015, 10, 1))
_LISTINGS_FROM: Final = _day(dt.date(2016, 1, 1))
_RED_LISTINGS_FROM: Final = _day(dt.date(2017, 1, 1))


# ---------------------------------------------------------------------------------------------------
# List types, departments, basis numbers and periods
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _ListType:
    name: str
    kind: ListKind
    share: float  # of entries of its kind
    department: str
    basis_prefix: str  # "{prefix}〔{year}〕{n}号"; courts build （year）苏04执n号 instead
    #: (period in days or None for open-ended, weight); valid_to = valid_from + period - 1
    periods: tuple[tuple[int | None, float], ...]
    roles: tuple[Role, ...]
    role_time: RoleTime
    derived_counts_for_red: bool = True
    #: Days after valid_from before credit repair may be approved (None: no minimum).
    repair_min_days: int | None = None
    #: Publicity period of preliminary lists in days (None: the default).
    publicity_days: int | None = None
    #: Black entries may take effect without publicity, on a prior notification of the subject.
    black_skip_publicity: bool = False


_Y = 365
_COURT_LIST = "失信被执行人"
_DEFAULT_ROLES: Final = (Role.legal_representative, Role.principal, Role.directly_responsible)

_BLACK_TYPES: Final = (
    # The Supreme People's Court consumption restrictions reach whoever is legal representative now.
    _ListType(
        _COURT_LIST,
        ListKind.black,
        0.40,
        _INTERMEDIATE_COURT[0],
        "",
        ((2 * _Y, 0.6), (3 * _Y, 0.2), (None, 0.2)),
        (Role.legal_representative, Role.principal, Role.actual_controller),
        RoleTime.current,
        # Courts list judgment debtors by decision, after notifying them; there is no publicity period.
        black_skip_publicity=True,
    ),
    # Tax listings name the people responsible when the violation happened.
    _ListType(
        "重大税收违法失信主体",
        ListKind.black,
        0.15,
        "国家税务总局常州市税务局",
        "常税稽罚",
        ((3 * _Y, 0.9), (None, 0.1)),
        _DEFAULT_ROLES,
        RoleTime.act,
    ),
    _ListType(
        "安全生产领域失信生产经营单位",
        ListKind.black,
        0.10,
        "常州市应急管理局",
        "常应急罚",
        ((3 * _Y, 0.7), (1 * _Y, 0.3)),
        _DEFAULT_ROLES,
        RoleTime.both,
    ),
    _ListType(
        "食品药品生产经营严重失信者",
        ListKind.black,
        0.08,
        "常州市市场监督管理局",
        "常市监罚",
        ((3 * _Y, 0.6), (5 * _Y, 0.2), (None, 0.2)),
        _DEFAULT_ROLES,
        RoleTime.both,
    ),
    _ListType(
        "拖欠农民工工资失信联合惩戒对象",
        ListKind.black,
        0.12,
        "常州市人力资源和社会保障局",
        "常人社监罚",
        ((3 * _Y, 1.0),),
        _DEFAULT_ROLES,
        RoleTime.both,
    ),
    _ListType(
        "环境保护领域失信生产经营单位",
        ListKind.black,
        0.10,
        "常州市生态环境局",
        "常环罚",
        ((3 * _Y, 0.5), (2 * _Y, 0.3), (None, 0.2)),
        _DEFAULT_ROLES,
        RoleTime.both,
    ),
    _ListType(
        "统计领域严重失信企业",
        ListKind.black,
        0.05,
        "常州市统计局",
        "常统执罚",
        ((1 * _Y, 0.5), (3 * _Y, 0.5)),
        _DEFAULT_ROLES,
        RoleTime.both,
    ),
)
_PERSON_BLACK_TYPES: Final = ((0, 0.9), (4, 0.1))  # indices into _BLACK_TYPES: court, unpaid wages

_RED_TYPES: Final = (
    _ListType(
        "纳税信用A级纳税人",
        ListKind.red,
        0.60,
        "国家税务总局常州市税务局",
        "常税公告",
        ((1 * _Y, 1.0),),
        (Role.legal_representative,),
        RoleTime.both,
    ),
    _ListType(
        "守合同重信用企业",
        ListKind.red,
        0.30,
        "常州市市场监督管理局",
        "常市监信",
        ((2 * _Y, 1.0),),
        (Role.legal_representative,),
        RoleTime.both,
    ),
    # AEO status has no fixed term, and a customs credit rating looks at the firm alone.
    _ListType(
        "海关高级认证企业",
        ListKind.red,
        0.10,
        "南京海关",
        "南关认证",
        ((None, 1.0),),
        (Role.legal_representative,),
        RoleTime.both,
        derived_counts_for_red=False,
    ),
)


# ---------------------------------------------------------------------------------------------------
# Measures (R4) — a fixed list drawn from the national memoranda
# ---------------------------------------------------------------------------------------------------

_BASIS_COURT = "《关于对失信被执行人实施联合惩戒的合作备忘录》（发改财金〔2016〕141号）"
_BASIS_SPC_CONSUMPTION = "《最高人民法院关于限制被执行人高消费及有关消费的若干规定》（法释〔2015〕17号）"
_BASIS_SPC_LIST = "《最高人民法院关于公布失信被执行人名单信息的若干规定》（法释〔2017〕7号）"
_BASIS_TAX = "《关于对重大税收违法案件当事人实施联合惩戒措施的合作备忘录》（发改财金〔2014〕3062号）"
_BASIS_TAX_RULE = "《重大税收违法失信主体信息公布管理办法》（国家税务总局令第54号）"
_BASIS_SAFETY = (
    "《关于对安全生产领域失信生产经营单位及其有关人员开展联合惩戒的合作备忘录》（发改财金〔2016〕1001号）"
)
_BASIS_FOOD = "《关于对食品药品生产经营严重失信者开展联合惩戒的合作备忘录》（发改财金〔2016〕1814号）"
_BASIS_WAGES = (
    "《关于对严重拖欠农民工工资用人单位及其有关人员开展联合惩戒的合作备忘录》（发改财金〔2017〕2058号）"
)
_BASIS_ENV = (
    "《关于对环境保护领域失信生产经营单位及其有关人员开展联合惩戒的合作备忘录》（发改财金〔2016〕1580号）"
)
_BASIS_STATS = "《关于对统计领域严重失信企业及其有关人员开展联合惩戒的合作备忘录》（发改财金〔2018〕1862号）"
_BASIS_TAX_A = "《关于对纳税信用A级纳税人实施联合激励措施的合作备忘录》（发改财金〔2016〕1467号）"
_BASIS_CUSTOMS = "《关于对海关高级认证企业实施联合激励的合作备忘录》（发改财金〔2016〕2190号）"
_BASIS_CITY = "《市政府关于建立完善守信联合激励和失信联合惩戒制度的实施意见》（常政发〔2018〕131号）"

_PUSH = "联合奖惩系统接口推送"
_PLATFORM = "全国信用信息共享平台数据交换"
_BATCH = "信用常州平台定期批量交换"
_CONSOLE = "一网通办事项嵌入自动弹出"

_DRC = "常州市发展和改革委员会"
_FINANCE = "常州市财政局"
_TRADING = "常州市公共资源交易中心"
_LAND = "常州市自然资源和规划局"
_MARKET = "常州市市场监督管理局"
_GOV_SERVICE = "常州市政务服务管理办公室"
_CAAC = "中国民用航空局"
_RAIL = "中国国家铁路集团有限公司"
_EXIT = "常州市公安局出入境管理支队"
_CSRC = "中国证券监督管理委员会江苏监管局"
_PBOC = "中国人民银行常州市分行"
_SASAC = "常州市人民政府国有资产监督管理委员会"
_HR = "常州市人力资源和社会保障局"
_CIVIL = "中共常州市委组织部"
_CUSTOMS = "常州海关"

#: (list type, target, content, initiating, implementing, legal basis, business items, sharing method)
_MEASURES: Final[tuple[tuple[str, Target, str, str, str, str, str, str], ...]] = (
    # 失信被执行人 — the firm, and (SPC rules) its legal representative, principal and actual controller
    (
        _COURT_LIST,
        Target.subject,
        "限制参与政府采购活动",
        _INTERMEDIATE_COURT[0],
        _FINANCE,
        _BASIS_COURT,
        "public_procurement",
        _PUSH,
    ),
    (
        _COURT_LIST,
        Target.subject,
        "限制参与公共资源交易活动（工程建设项目招投标等）",
        _INTERMEDIATE_COURT[0],
        _TRADING,
        _BASIS_COURT,
        "public_resource_trading",
        _PUSH,
    ),
    (
        _COURT_LIST,
        Target.subject,
        "限制获取财政补助资金和政策支持",
        _INTERMEDIATE_COURT[0],
        _FINANCE,
        _BASIS_COURT,
        "fiscal_funds",
        _PLATFORM,
    ),
    (
        _COURT_LIST,
        Target.subject,
        "从严审核行政许可审批项目",
        _INTERMEDIATE_COURT[0],
        _GOV_SERVICE,
        _BASIS_COURT,
        "administrative_approval;administrative_licensing",
        _CONSOLE,
    ),
    (
        _COURT_LIST,
        Target.subject,
        "限制发行企业债券和公司债券",
        _INTERMEDIATE_COURT[0],
        _DRC,
        _BASIS_COURT,
        "financing;securities_listing",
        _PLATFORM,
    ),
    (
        _COURT_LIST,
        Target.subject,
        "限制购买不动产及取得政府供应土地",
        _INTERMEDIATE_COURT[0],
        _LAND,
        _BASIS_COURT,
        "real_estate_purchase",
        _PUSH,
    ),
    (
        _COURT_LIST,
        Target.subject,
        "限制高消费及非生活和工作必需的消费行为",
        _INTERMEDIATE_COURT[0],
        _INTERMEDIATE_COURT[0],
        _BASIS_SPC_CONSUMPTION,
        "high_consumption",
        _PLATFORM,
    ),
    (
        _COURT_LIST,
        Target.subject,
        "限制乘坐飞机",
        _INTERMEDIATE_COURT[0],
        _CAAC,
        _BASIS_SPC_CONSUMPTION,
        "air_travel;high_consumption",
        _PLATFORM,
    ),
    (
        _COURT_LIST,
        Target.subject,
        "限制出境",
        _INTERMEDIATE_COURT[0],
        _EXIT,
        _BASIS_SPC_LIST,
        "exit_country",
        _PLATFORM,
    ),
    (
        _COURT_LIST,
        Target.legal_representative,
        "限制乘坐飞机",
        _INTERMEDIATE_COURT[0],
        _CAAC,
        _BASIS_SPC_CONSUMPTION,
        "air_travel;high_consumption",
        _PLATFORM,
    ),
    (
        _COURT_LIST,
        Target.legal_representative,
        "限制乘坐高等级列车和席次",
        _INTERMEDIATE_COURT[0],
        _RAIL,
        _BASIS_SPC_CONSUMPTION,
        "high_speed_rail;high_consumption",
        _PLATFORM,
    ),
    (
        _COURT_LIST,
        Target.legal_representative,
        "限制高消费及非生活和工作必需的消费行为",
        _INTERMEDIATE_COURT[0],
        _INTERMEDIATE_COURT[0],
        _BASIS_SPC_CONSUMPTION,
        "high_consumption",
        _PLATFORM,
    ),
    (
        _COURT_LIST,
        Target.legal_representative,
        "限制担任法定代表人、董事、监事、高级管理人员",
        _INTERMEDIATE_COURT[0],
        _MARKET,
        _BASIS_COURT,
        "company_registration",
        _PUSH,
    ),
    (
        _COURT_LIST,
        Target.legal_representative,
        "限制以个人名义或作为其他企业法定代表人参与政府采购活动",
        _INTERMEDIATE_COURT[0],
        _FINANCE,
        _BASIS_COURT,
        "public_procurement",
        _PUSH,
    ),
    (
        _COURT_LIST,
        Target.legal_representative,
        "限制出境",
        _INTERMEDIATE_COURT[0],
        _EXIT,
        _BASIS_COURT,
        "exit_country",
        _PLATFORM,
    ),
    (
        _COURT_LIST,
        Target.principal,
        "限制乘坐飞机",
        _INTERMEDIATE_COURT[0],
        _CAAC,
        _BASIS_SPC_CONSUMPTION,
        "air_travel;high_consumption",
        _PLATFORM,
    ),
    (
        _COURT_LIST,
        Target.principal,
        "限制乘坐高等级列车和席次",
        _INTERMEDIATE_COURT[0],
        _RAIL,
        _BASIS_SPC_CONSUMPTION,
        "high_speed_rail;high_consumption",
        _PLATFORM,
    ),
    (
        _COURT_LIST,
        Target.actual_controller,
        "限制高消费及非生活和工作必需的消费行为",
        _INTERMEDIATE_COURT[0],
        _INTERMEDIATE_COURT[0],
        _BASIS_SPC_CONSUMPTION,
        "high_consumption;air_travel;high_speed_rail",
        _PLATFORM,
    ),
    (
        _COURT_LIST,
        Target.actual_controller,
        "限制担任国有企业法定代表人、董事、监事、高级管理人员",
        _INTERMEDIATE_COURT[0],
        _SASAC,
        _BASIS_COURT,
        "company_registration",
        _PUSH,
    ),
    # 重大税收违法失信主体
    (
        "重大税收违法失信主体",
        Target.subject,
        "纳税信用级别直接判为D级，增值税专用发票领用实行交（验）旧供新",
        "国家税务总局常州市税务局",
        "国家税务总局常州市税务局",
        _BASIS_TAX_RULE,
        "tax_services",
        _BATCH,
    ),
    (
        "重大税收违法失信主体",
        Target.subject,
        "限制参与政府采购活动",
        "国家税务总局常州市税务局",
        _FINANCE,
        _BASIS_TAX,
        "public_procurement",
        _PUSH,
    ),
    (
        "重大税收违法失信主体",
        Target.subject,
        "限制取得政府供应土地",
        "国家税务总局常州市税务局",
        _LAND,
        _BASIS_TAX,
        "real_estate_purchase",
        _PUSH,
    ),
    (
        "重大税收违法失信主体",
        Target.subject,
        "限制获取财政补助资金",
        "国家税务总局常州市税务局",
        _FINANCE,
        _BASIS_TAX,
        "fiscal_funds",
        _PLATFORM,
    ),
    (
        "重大税收违法失信主体",
        Target.subject,
        "限制公开发行股票及在全国中小企业股份转让系统挂牌",
        "国家税务总局常州市税务局",
        _CSRC,
        _BASIS_TAX,
        "securities_listing;financing",
        _PLATFORM,
    ),
    (
        "重大税收违法失信主体",
        Target.legal_representative,
        "阻止出境（欠缴税款未结清）",
        "国家税务总局常州市税务局",
        _EXIT,
        _BASIS_TAX,
        "exit_country",
        _PLATFORM,
    ),
    (
        "重大税收违法失信主体",
        Target.legal_representative,
        "限制担任法定代表人、董事、监事、高级管理人员",
        "国家税务总局常州市税务局",
        _MARKET,
        _BASIS_TAX,
        "company_registration",
        _PUSH,
    ),
    (
        "重大税收违法失信主体",
        Target.legal_representative,
        "限制参与政府采购活动",
        "国家税务总局常州市税务局",
        _FINANCE,
        _BASIS_TAX,
        "public_procurement",
        _PUSH,
    ),
    (
        "重大税收违法失信主体",
        Target.principal,
        "限制担任法定代表人、董事、监事、高级管理人员",
        "国家税务总局常州市税务局",
        _MARKET,
        _BASIS_TAX,
        "company_registration",
        _PUSH,
    ),
    (
        "重大税收违法失信主体",
        Target.directly_responsible,
        "限制担任法定代表人、董事、监事、高级管理人员",
        "国家税务总局常州市税务局",
        _MARKET,
        _BASIS_TAX,
        "company_registration",
        _PUSH,
    ),
    # 安全生产
    (
        "安全生产领域失信生产经营单位",
        Target.subject,
        "纳入重点监管对象，加大执法检查频次",
        "常州市应急管理局",
        "常州市应急管理局",
        _BASIS_SAFETY,
        "",
        _BATCH,
    ),
    (
        "安全生产领域失信生产经营单位",
        Target.subject,
        "从严审核行政许可审批项目",
        "常州市应急管理局",
        _GOV_SERVICE,
        _BASIS_SAFETY,
        "administrative_licensing;administrative_approval",
        _CONSOLE,
    ),
    (
        "安全生产领域失信生产经营单位",
        Target.subject,
        "限制参与公共资源交易活动",
        "常州市应急管理局",
        _TRADING,
        _BASIS_SAFETY,
        "public_resource_trading",
        _PUSH,
    ),
    (
        "安全生产领域失信生产经营单位",
        Target.subject,
        "限制获取财政补助资金",
        "常州市应急管理局",
        _FINANCE,
        _BASIS_SAFETY,
        "fiscal_funds",
        _PLATFORM,
    ),
    (
        "安全生产领域失信生产经营单位",
        Target.legal_representative,
        "限制担任法定代表人、董事、监事、高级管理人员",
        "常州市应急管理局",
        _MARKET,
        _BASIS_SAFETY,
        "company_registration",
        _PUSH,
    ),
    (
        "安全生产领域失信生产经营单位",
        Target.legal_representative,
        "限制参与政府采购活动",
        "常州市应急管理局",
        _FINANCE,
        _BASIS_SAFETY,
        "public_procurement",
        _PUSH,
    ),
    (
        "安全生产领域失信生产经营单位",
        Target.principal,
        "限制参加评先评优",
        "常州市应急管理局",
        _HR,
        _BASIS_SAFETY,
        "honours",
        _BATCH,
    ),
    # 食品药品
    (
        "食品药品生产经营严重失信者",
        Target.subject,
        "从严审核行政许可审批项目",
        _MARKET,
        _GOV_SERVICE,
        _BASIS_FOOD,
        "administrative_licensing",
        _CONSOLE,
    ),
    (
        "食品药品生产经营严重失信者",
        Target.subject,
        "限制参与政府采购活动",
        _MARKET,
        _FINANCE,
        _BASIS_FOOD,
        "public_procurement",
        _PUSH,
    ),
    (
        "食品药品生产经营严重失信者",
        Target.legal_representative,
        "限制担任食品药品生产经营企业法定代表人、高级管理人员",
        _MARKET,
        _MARKET,
        _BASIS_FOOD,
        "company_registration",
        _PUSH,
    ),
    (
        "食品药品生产经营严重失信者",
        Target.legal_representative,
        "限制参与政府采购活动",
        _MARKET,
        _FINANCE,
        _BASIS_FOOD,
        "public_procurement",
        _PUSH,
    ),
    # 拖欠农民工工资
    (
        "拖欠农民工工资失信联合惩戒对象",
        Target.subject,
        "限制参与政府采购活动",
        _HR,
        _FINANCE,
        _BASIS_WAGES,
        "public_procurement",
        _PUSH,
    ),
    (
        "拖欠农民工工资失信联合惩戒对象",
        Target.subject,
        "限制参与工程建设项目招投标",
        _HR,
        _TRADING,
        _BASIS_WAGES,
        "public_resource_trading",
        _PUSH,
    ),
    (
        "拖欠农民工工资失信联合惩戒对象",
        Target.subject,
        "限制获取财政补助资金",
        _HR,
        _FINANCE,
        _BASIS_WAGES,
        "fiscal_funds",
        _PLATFORM,
    ),
    (
        "拖欠农民工工资失信联合惩戒对象",
        Target.legal_representative,
        "限制乘坐飞机",
        _HR,
        _CAAC,
        _BASIS_WAGES,
        "air_travel;high_consumption",
        _PLATFORM,
    ),
    (
        "拖欠农民工工资失信联合惩戒对象",
        Target.legal_representative,
        "限制乘坐高等级列车和席次",
        _HR,
        _RAIL,
        _BASIS_WAGES,
        "high_speed_rail;high_consumption",
        _PLATFORM,
    ),
    (
        "拖欠农民工工资失信联合惩戒对象",
        Target.legal_representative,
        "限制参与政府采购活动",
        _HR,
        _FINANCE,
        _BASIS_WAGES,
        "public_procurement",
        _PUSH,
    ),
    # 环境保护
    (
        "环境保护领域失信生产经营单位",
        Target.subject,
        "限制获取财政补助资金",
        "常州市生态环境局",
        _FINANCE,
        _BASIS_ENV,
        "fiscal_funds",
        _PLATFORM,
    ),
    (
        "环境保护领域失信生产经营单位",
        Target.subject,
        "从严审核行政许可审批项目",
        "常州市生态环境局",
        _GOV_SERVICE,
        _BASIS_ENV,
        "administrative_licensing;project_approval",
        _CONSOLE,
    ),
    (
        "环境保护领域失信生产经营单位",
        Target.subject,
        "限制发行企业债券",
        "常州市生态环境局",
        _DRC,
        _BASIS_ENV,
        "financing",
        _PLATFORM,
    ),
    (
        "环境保护领域失信生产经营单位",
        Target.legal_representative,
        "限制担任国有企业法定代表人、董事、监事",
        "常州市生态环境局",
        _SASAC,
        _BASIS_ENV,
        "company_registration",
        _PUSH,
    ),
    (
        "环境保护领域失信生产经营单位",
        Target.legal_representative,
        "限制参与政府采购活动",
        "常州市生态环境局",
        _FINANCE,
        _BASIS_ENV,
        "public_procurement",
        _PUSH,
    ),
    # 统计
    (
        "统计领域严重失信企业",
        Target.subject,
        "限制参与政府采购活动",
        "常州市统计局",
        _FINANCE,
        _BASIS_STATS,
        "public_procurement",
        _PUSH,
    ),
    (
        "统计领域严重失信企业",
        Target.subject,
        "纳入重点监管对象",
        "常州市统计局",
        "常州市统计局",
        _BASIS_STATS,
        "",
        _BATCH,
    ),
    (
        "统计领域严重失信企业",
        Target.legal_representative,
        "限制招录（聘）为公务员或事业单位工作人员",
        "常州市统计局",
        _CIVIL,
        _BASIS_STATS,
        "civil_service",
        _BATCH,
    ),
    (
        "统计领域严重失信企业",
        Target.legal_representative,
        "限制参与政府采购活动",
        "常州市统计局",
        _FINANCE,
        _BASIS_STATS,
        "public_procurement",
        _PUSH,
    ),
    # Red lists: incentives (§三)
    (
        "纳税信用A级纳税人",
        Target.subject,
        "行政审批开通绿色通道，实行容缺受理",
        "国家税务总局常州市税务局",
        _GOV_SERVICE,
        _BASIS_TAX_A,
        "green_channel;administrative_approval",
        _CONSOLE,
    ),
    (
        "纳税信用A级纳税人",
        Target.subject,
        "优先安排财政性资金项目",
        "国家税务总局常州市税务局",
        _FINANCE,
        _BASIS_TAX_A,
        "fiscal_funds",
        _PUSH,
    ),
    (
        "纳税信用A级纳税人",
        Target.subject,
        "增值税专用发票按需领用",
        "国家税务总局常州市税务局",
        "国家税务总局常州市税务局",
        _BASIS_TAX_A,
        "tax_services",
        _BATCH,
    ),
    (
        "纳税信用A级纳税人",
        Target.subject,
        "“税易贷”等信用贷款优先支持",
        "国家税务总局常州市税务局",
        _PBOC,
        _BASIS_TAX_A,
        "financing",
        _PLATFORM,
    ),
    (
        "守合同重信用企业",
        Target.subject,
        "行政审批开通绿色通道，实行容缺受理",
        _MARKET,
        _GOV_SERVICE,
        _BASIS_CITY,
        "green_channel;administrative_approval",
        _CONSOLE,
    ),
    ("守合同重信用企业", Target.subject, "评优评先中优先考虑", _MARKET, _HR, _BASIS_CITY, "honours", _BATCH),
    (
        "守合同重信用企业",
        Target.subject,
        "公共资源交易综合评估中予以加分",
        _MARKET,
        _TRADING,
        _BASIS_CITY,
        "public_resource_trading",
        _PUSH,
    ),
    (
        "海关高级认证企业",
        Target.subject,
        "适用较低查验率，优先办理通关手续",
        "南京海关",
        _CUSTOMS,
        _BASIS_CUSTOMS,
        "customs",
        _PLATFORM,
    ),
    (
        "海关高级认证企业",
        Target.subject,
        "优先安排财政性资金项目",
        "南京海关",
        _FINANCE,
        _BASIS_CUSTOMS,
        "fiscal_funds",
        _PUSH,
    ),
)


# ---------------------------------------------------------------------------------------------------
# Vectorised identifiers
# ---------------------------------------------------------------------------------------------------

_USCC_ASCII: Final = np.frombuffer(USCC_ALPHABET.encode("ascii"), dtype=np.uint8)
_ORG_WEIGHTS: Final = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)  # GB 11714


def _ascii(text: str, rows: int) -> NDArray[np.uint8]:
    return np.tile(np.frombuffer(text.encode("ascii"), dtype=np.uint8), (rows, 1))


def _ascii_digits(values: IntArray, width: int) -> NDArray[np.uint8]:
    """Zero-padded decimal digits of each value as an (n, width) ASCII array."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((values[:, None] // powers) % 10 + ord("0")).astype(np.uint8)


def _rows_to_str(codes: NDArray[np.uint8]) -> StrArray:
    width = codes.shape[1]
    return np.ascontiguousarray(codes).view(f"S{width}").ravel().astype(f"U{width}")


def _organisation_codes(rng: np.random.Generator, new_style: BoolArray) -> NDArray[np.uint8]:
    """Unique 9-character organisation codes (GB 11714): 8 characters and a check character.

    Old codes are eight digits; codes issued after the USCC reform start with ``MA``. Uniqueness comes
    from sampling the numeric part without replacement, so the USCCs built on them are unique too.
    """
    n = len(new_style)
    body = np.empty((n, 8), dtype=np.uint8)
    n_new = int(new_style.sum())
    old_numbers = rng.choice(10**8, size=n - n_new, replace=False).astype(np.int64)
    body[~new_style] = _ascii_digits(old_numbers, 8)
    new_numbers = rng.choice(31**6, size=n_new, replace=False).astype(np.int64)
    places = 31 ** np.arange(5, -1, -1, dtype=np.int64)
    new_body = np.empty((n_new, 8), dtype=np.uint8)
    new_body[:, :2] = np.frombuffer(b"MA", dtype=np.uint8)
    new_body[:, 2:] = _USCC_ASCII[(new_numbers[:, None] // places) % 31]
    body[new_style] = new_body
    # GB 11714 values: digits as themselves, letters A=10 … Z=35 by their place in the Latin alphabet.
    values = np.where(body >= ord("A"), body.astype(np.int64) - 55, body.astype(np.int64) - 48)
    check = 11 - (values @ _ORG_WEIGHTS) % 11
    check_ascii = np.where(check == 10, ord("X"), np.where(check == 11, ord("0"), check + ord("0")))
    return np.concatenate([body, check_ascii.astype(np.uint8)[:, None]], axis=1)


def _with_uscc_check(first17: NDArray[np.uint8]) -> StrArray:
    # The check characters come from python-stdnum, one call per code (about 2 s per million): the
    # project keeps a single implementation of each check algorithm, the library's.
    bodies = _rows_to_str(first17).tolist()
    return np.asarray([body + uscc.calc_check_digit(body) for body in bodies], dtype="U18")


def _with_id_check(first17: NDArray[np.uint8]) -> StrArray:
    # stdnum's ric.calc_check_digit expects the number with a placeholder check character.
    bodies = _rows_to_str(first17).tolist()
    return np.asarray([body + ric.calc_check_digit(body + "0") for body in bodies], dtype="U18")


def _iso_dates(days: IntArray) -> StrArray:
    """ISO dates; ``_OPEN`` becomes an empty field."""
    is_open = days == _OPEN
    text = np.where(is_open, 0, days).astype("datetime64[D]").astype("U10")
    return np.where(is_open, "", text)


# ---------------------------------------------------------------------------------------------------
# Small sampling helpers
# ---------------------------------------------------------------------------------------------------


def _weights(pairs: Sequence[tuple[object, float]]) -> FloatArray:
    w = np.array([weight for _, weight in pairs], dtype=np.float64)
    normalised: FloatArray = w / w.sum()
    return normalised


def _pick(rng: np.random.Generator, options: Sequence[str], size: int) -> StrArray:
    return np.asarray(options)[rng.integers(0, len(options), size)]


def _concat(*parts: StrArray | str) -> StrArray:
    out = np.asarray(parts[0])
    for part in parts[1:]:
        out = np.strings.add(out, part)
    return out


def _zfill(values: IntArray, width: int) -> StrArray:
    """Zero-padded decimal text (``np.strings.zfill`` fails on an empty array, a tiny city's entries)."""
    if len(values) == 0:
        return np.empty(0, dtype=f"U{width}")
    return np.strings.zfill(values.astype(f"U{width}"), width)


def _fixed_counts(shares: Sequence[float], n: int) -> IntArray:
    """Exact counts per category: floor of each share, at least one of each rare category once n ≥ 100
    (so small cities still show every kind), and the first category takes up the difference."""
    counts: IntArray = np.floor(np.asarray(shares) * n).astype(np.int64)
    if n >= 100:
        counts = np.maximum(counts, 1)
    counts[0] += n - counts.sum()
    return counts


def _day_between(rng: np.random.Generator, low: IntArray, high: IntArray) -> IntArray:
    """A uniform day in [low, high] per row (high ≥ low)."""
    return low + np.floor(rng.random(len(low)) * (high - low + 1)).astype(np.int64)


def _earlier_pick(rng: np.random.Generator, sorted_days: IntArray, limit: IntArray) -> IntArray:
    """For each limit, a uniform position among ``sorted_days`` ≤ limit; -1 where there is none."""
    available = np.searchsorted(sorted_days, limit, side="right")
    position = np.floor(rng.random(len(limit)) * available).astype(np.int64)
    return np.where(available > 0, position, -1)


# ---------------------------------------------------------------------------------------------------
# Enterprises
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Enterprises:
    uscc: StrArray
    name: StrArray
    type_index: IntArray
    status: StrArray
    region_index: IntArray
    established: IntArray
    branch_head: IntArray  # head office index for branches, -1 otherwise

    @property
    def size(self) -> int:
        return len(self.uscc)


def _make_enterprises(rng: np.random.Generator, n: int, today: int) -> _Enterprises:
    type_index = rng.permutation(
        np.repeat(np.arange(len(_ENTERPRISE_TYPES)), _fixed_counts([t.share for t in _ENTERPRISE_TYPES], n))
    )
    region_index = rng.choice(len(_REGIONS), size=n, p=_weights([(c, s) for c, _, s in _REGIONS]))
    # Registrations grew fast after 2010: u**0.55 puts the median near 2014.
    span = max(today - _FIRST_ESTABLISHED, 1)
    established = _FIRST_ESTABLISHED + np.floor(rng.random(n) ** 0.55 * span).astype(np.int64)
    established = np.minimum(established, today)
    status = np.asarray([s for s, _ in _STATUSES])[rng.choice(len(_STATUSES), size=n, p=_weights(_STATUSES))]

    # Branches: the head office is a company established at least 30 days earlier; a branch older than
    # every company (possible only in tiny cities) becomes an ordinary company.
    is_company = np.asarray([t.is_company for t in _ENTERPRISE_TYPES])[type_index]
    companies = np.flatnonzero(is_company)
    companies = companies[np.argsort(established[companies], kind="stable")]
    branch_head = np.full(n, -1, dtype=np.int64)
    branches = np.flatnonzero(type_index == _T_BRANCH)
    picked = _earlier_pick(rng, established[companies], established[branches] - 30)
    orphaned = branches[picked < 0]
    type_index[orphaned] = _T_LLC
    branches, picked = branches[picked >= 0], picked[picked >= 0]
    branch_head[branches] = companies[picked]

    prefixes = np.asarray([t.prefix for t in _ENTERPRISE_TYPES])[type_index]
    codes = np.empty((n, 17), dtype=np.uint8)
    codes[:, :2] = np.frombuffer("".join(prefixes.tolist()).encode("ascii"), dtype=np.uint8).reshape(n, 2)
    region_codes = np.asarray([c for c, _, _ in _REGIONS])
    codes[:, 2:8] = np.frombuffer(
        "".join(region_codes[region_index].tolist()).encode("ascii"), dtype=np.uint8
    ).reshape(n, 6)
    codes[:, 8:] = _organisation_codes(rng, established >= _MA_CODES_FROM)
    uscc = _with_uscc_check(codes)

    name = _enterprise_names(rng, type_index, region_index, branch_head)
    return _Enterprises(uscc, name, type_index, status, region_index, established, branch_head)


def _enterprise_names(
    rng: np.random.Generator, type_index: IntArray, region_index: IntArray, branch_head: IntArray
) -> StrArray:
    n = len(type_index)
    chars = np.asarray(list(_TRADE_NAME_CHARS))
    trade_name = _concat(chars[rng.integers(0, len(chars), n)], chars[rng.integers(0, len(chars), n)])
    district = np.asarray([name for _, name, _ in _REGIONS])[region_index]
    district_short = np.strings.slice(district, 0, 2)
    city_district = np.where(district == "溧阳市", district, np.strings.add("常州市", district))
    place = np.asarray(["常州", "常州市", "江苏"])[rng.choice(3, size=n, p=[0.62, 0.3, 0.08])]
    place = np.where(rng.random(n) < 0.15, district_short, place)
    names = np.empty(n, dtype="U48")

    def fill(type_code: int, value: Callable[[BoolArray], StrArray]) -> None:
        mask = type_index == type_code
        names[mask] = value(mask)

    def industry(mask: BoolArray) -> StrArray:
        return _pick(rng, _INDUSTRIES, int(mask.sum()))

    fill(_T_LLC, lambda m: _concat(place[m], trade_name[m], industry(m), "有限公司"))
    fill(_T_JOINT_STOCK, lambda m: _concat(place[m], trade_name[m], industry(m), "股份有限公司"))
    fill(_T_SOLE, lambda m: _concat(city_district[m], trade_name[m], _pick(rng, _SOLE_TRADES, int(m.sum()))))
    fill(
        _T_PARTNERSHIP,
        lambda m: _concat(place[m], trade_name[m], _pick(rng, _PARTNERSHIP_TRADES, int(m.sum()))),
    )
    fill(_T_INDIVIDUAL, lambda m: _concat(city_district[m], trade_name[m], _pick(rng, _SHOPS, int(m.sum()))))
    fill(
        _T_COOP,
        lambda m: _concat(
            np.where(district[m] == "溧阳市", "溧阳市", city_district[m]),
            trade_name[m],
            _pick(rng, _COOP_TRADES, int(m.sum())),
            "专业合作社",
        ),
    )
    fill(_T_COLLECTIVE, lambda m: _concat(city_district[m], trade_name[m], _VILLAGE_SUFFIX))
    fill(_T_OTHER, lambda m: _concat(city_district[m], trade_name[m], _pick(rng, _OTHER_ORGS, int(m.sum()))))
    # Branch names build on the head office's name, which is filled above (heads are companies).
    branches = np.flatnonzero(branch_head >= 0)
    names[branches] = _concat(names[branch_head[branches]], district_short[branches], "分公司")
    return names


# ---------------------------------------------------------------------------------------------------
# Persons
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Persons:
    """Sorted by birth date, oldest first, so "adults on day d" is a prefix (see ``_draw_holders``)."""

    id_number: StrArray
    name: StrArray
    birth: IntArray
    activity: FloatArray  # relative weight of being drawn as a role holder

    @property
    def size(self) -> int:
        return len(self.id_number)


def _make_persons(rng: np.random.Generator, n: int) -> _Persons:
    # Normal around 1974, redrawn uniformly where it falls outside 1950–2002 (clipping would pile
    # thousands of people onto 1 January 1950 and exhaust its 999 sequence numbers).
    birth = np.round(rng.normal(_BIRTH_CENTRE, 11 * 365.25, n)).astype(np.int64)
    outside = (birth < _BIRTH_FIRST) | (birth > _BIRTH_LAST)
    birth[outside] = rng.integers(_BIRTH_FIRST, _BIRTH_LAST + 1, int(outside.sum()))
    birth = np.sort(birth)
    # Sequence 001–999, unique per birth date (so the ids are unique whatever the area code);
    # collisions are redrawn, a handful of rounds even at a million people.
    sequence = rng.integers(1, 1000, n)
    while True:
        key = birth * 1000 + sequence
        order = np.argsort(key, kind="stable")
        duplicate = np.zeros(n, dtype=bool)
        duplicate[order[1:]] = key[order[1:]] == key[order[:-1]]
        if not duplicate.any():
            break
        sequence[duplicate] = rng.integers(1, 1000, int(duplicate.sum()))

    era = np.searchsorted(np.asarray(_ERA_BOUNDS), birth, side="right")
    area = np.empty(n, dtype="U6")
    for index, options in enumerate(_AREA_CODES_BY_ERA):
        mask = era == index
        area[mask] = np.asarray([c for c, _ in options])[
            rng.choice(len(options), size=int(mask.sum()), p=_weights(options))
        ]
    birth_text = np.strings.replace(birth.astype("datetime64[D]").astype("U10"), "-", "")
    first17 = _concat(area, birth_text, _zfill(sequence, 3))
    id_number = _with_id_check(np.frombuffer(first17.astype("S17").tobytes(), dtype=np.uint8).reshape(n, 17))

    surnames = np.asarray([s for s, _ in _SURNAMES])[
        rng.choice(len(_SURNAMES), size=n, p=_weights(_SURNAMES))
    ]
    given = np.asarray(list(_GIVEN_CHARS))
    second = np.where(rng.random(n) < 0.72, given[rng.integers(0, len(given), n)], "")
    name = _concat(surnames, given[rng.integers(0, len(given), n)], second)

    # Activity: capped Pareto(1.6) — most people hold a role or two, a few hundred per million are
    # "professional" legal representatives with dozens; the cap keeps the top near 60–70 firms at any N.
    activity = np.minimum(1.0 + rng.pareto(1.6, n), 120.0)
    return _Persons(id_number, name, birth, activity)


# ---------------------------------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------------------------------

_ROLE_ORDER: Final = (
    Role.legal_representative,
    Role.principal,
    Role.directly_responsible,
    Role.actual_controller,
    Role.shareholder,
    Role.branch_of,
)
_R_LR, _R_PRINCIPAL, _R_DIRECT, _R_CONTROLLER, _R_SHAREHOLDER, _R_BRANCH = range(len(_ROLE_ORDER))


@dataclass(slots=True)
class _Roles:
    """Role rows as integer columns; the holder is a person index or (holder_is_person False) an
    enterprise index."""

    holder: IntArray
    holder_is_person: BoolArray
    enterprise: IntArray
    role: IntArray
    start: IntArray
    end: IntArray
    ratio_bp: IntArray  # basis points (1/10,000); _OPEN when not a shareholder

    @property
    def size(self) -> int:
        return len(self.holder)


def _role_block(
    holder: IntArray,
    enterprise: IntArray,
    role: int,
    start: IntArray,
    end: IntArray | None = None,
    ratio_bp: IntArray | None = None,
    holder_is_person: bool = True,
) -> _Roles:
    n = len(holder)
    return _Roles(
        holder=holder.astype(np.int64),
        holder_is_person=np.full(n, holder_is_person),
        enterprise=enterprise.astype(np.int64),
        role=np.full(n, role, dtype=np.int64),
        start=start.astype(np.int64),
        end=np.full(n, _OPEN, dtype=np.int64) if end is None else end.astype(np.int64),
        ratio_bp=np.full(n, _OPEN, dtype=np.int64) if ratio_bp is None else ratio_bp.astype(np.int64),
    )


def _stack(blocks: Sequence[_Roles]) -> _Roles:
    return _Roles(*(np.concatenate([getattr(b, f) for b in blocks]) for f in _Roles.__slots__))


def _draw_holders(rng: np.random.Generator, persons: _Persons, start: IntArray) -> IntArray:
    """A person for each role starting on ``start``: half by activity weight, half uniformly, always
    someone already twenty on that day (persons are sorted by birth, so adults form a prefix)."""
    n = len(start)
    adults = np.maximum(np.searchsorted(persons.birth + _ADULT_DAYS, start, side="right"), 1)
    uniform = np.floor(rng.random(n) * adults).astype(np.int64)
    weighted = rng.choice(persons.size, size=n, p=persons.activity / persons.activity.sum())
    use_weighted = (rng.random(n) < 0.5) & (weighted < adults)
    return np.where(use_weighted, weighted, uniform)


def _make_roles(rng: np.random.Generator, firms: _Enterprises, persons: _Persons, today: int) -> _Roles:
    n = firms.size
    everyone = np.arange(n)
    blocks: list[_Roles] = []

    # Legal representatives: 30 % had 1–3 earlier ones. Change days are sorted draws over the firm's
    # life, pushed apart by +j so every term lasts at least a day; each term ends the day before the
    # next starts, and the last is open.
    span = today - firms.established
    earlier = rng.choice(4, size=n, p=[0.70, 0.20, 0.07, 0.03])
    earlier = np.where(span >= 60 * (earlier + 1), earlier, 0)
    draws = np.sort(np.where(np.arange(3) < earlier[:, None], rng.random((n, 3)), np.inf), axis=1)
    room = np.maximum(span - earlier, 1)[:, None]
    changes = (
        firms.established[:, None]
        + np.floor(np.where(np.isinf(draws), 0, draws) * room).astype(np.int64)
        + np.arange(1, 4)
    )
    terms = earlier + 1
    firm_of_term = np.repeat(everyone, terms)
    term_number = np.arange(len(firm_of_term)) - np.repeat(np.cumsum(terms) - terms, terms)
    term_start = np.where(
        term_number == 0,
        firms.established[firm_of_term],
        changes[firm_of_term, np.maximum(term_number - 1, 0)],
    )
    is_last = term_number == terms[firm_of_term] - 1
    term_end = np.where(is_last, _OPEN, np.roll(term_start, -1) - 1)
    lr = _draw_holders(rng, persons, term_start)
    # A "change" to the same person is noise; one redraw removes nearly all such repeats.
    repeat = np.zeros(len(lr), dtype=bool)
    repeat[1:] = (lr[1:] == lr[:-1]) & (term_number[1:] > 0)
    lr[repeat] = _draw_holders(rng, persons, term_start[repeat])
    blocks.append(_role_block(lr, firm_of_term, _R_LR, term_start, term_end))
    current_lr = lr[is_last]
    current_lr_start = term_start[is_last]

    # Principal (主要负责人): half the firms, 9 in 10 branches; often the legal representative himself.
    is_branch = firms.branch_head >= 0
    has_principal = np.where(is_branch, rng.random(n) < 0.9, rng.random(n) < 0.45)
    idx = everyone[has_principal]
    same = rng.random(len(idx)) < 0.5
    start = np.where(same, current_lr_start[idx], firms.established[idx])
    principal = np.where(same, current_lr[idx], _draw_holders(rng, persons, start))
    blocks.append(_role_block(principal, idx, _R_PRINCIPAL, start))

    # Directly responsible persons are named per case, so their terms are scattered and a quarter
    # have already ended.
    idx = everyone[rng.random(n) < 0.12]
    start = _day_between(rng, firms.established[idx], np.full(len(idx), today))
    ended = (rng.random(len(idx)) < 0.25) & (start < today)
    end = np.where(ended, _day_between(rng, start, np.full(len(idx), today - 1)), _OPEN)
    blocks.append(_role_block(_draw_holders(rng, persons, start), idx, _R_DIRECT, start, end))

    is_company = np.asarray([t.is_company for t in _ENTERPRISE_TYPES])[firms.type_index]
    idx = everyone[is_company & (rng.random(n) < 0.08)]
    blocks.append(
        _role_block(
            _draw_holders(rng, persons, firms.established[idx]), idx, _R_CONTROLLER, firms.established[idx]
        )
    )

    blocks.extend(_shareholders(rng, firms, persons, is_company, current_lr))

    branches = everyone[is_branch]
    blocks.append(
        _role_block(
            branches,
            firms.branch_head[branches],
            _R_BRANCH,
            firms.established[branches],
            holder_is_person=False,
        )
    )

    roles = _stack(blocks)
    # A person listed twice as shareholder of one firm (or any repeated key) would be a duplicate row.
    key = np.stack(
        [roles.holder, roles.holder_is_person.astype(np.int64), roles.enterprise, roles.role, roles.start],
        axis=1,
    )
    _, first = np.unique(key, axis=0, return_index=True)
    keep = np.sort(first)
    return _Roles(*(getattr(roles, f)[keep] for f in _Roles.__slots__))


def _shareholders(
    rng: np.random.Generator,
    firms: _Enterprises,
    persons: _Persons,
    is_company: BoolArray,
    current_lr: IntArray,
) -> list[_Roles]:
    """1–4 shareholders per company; ratios from a Dirichlet draw, floored to basis points so each
    firm's ratios sum to at most 1; a quarter of firms list only part of their capital."""
    held = np.flatnonzero(is_company)
    count = rng.choice(np.arange(1, 5), size=len(held), p=[0.45, 0.35, 0.15, 0.05])
    firm = np.repeat(held, count)
    slot = np.arange(len(firm)) - np.repeat(np.cumsum(count) - count, count)
    share = rng.gamma(1.0, size=len(firm))
    total = np.bincount(np.repeat(np.arange(len(held)), count), weights=share)
    coverage = np.where(rng.random(len(held)) < 0.25, rng.uniform(0.5, 1.0, len(held)), 1.0)
    fraction = share / np.repeat(total, count) * np.repeat(coverage, count)
    # floor(f * (10000 - k)) + 1 keeps every ratio positive and the firm's sum ≤ 10000.
    ratio_bp = np.floor(fraction * (10_000 - np.repeat(count, count))).astype(np.int64) + 1
    start = firms.established[firm]

    # 7 % of slots are other enterprises (holding companies), founded before the firm they invest in.
    by_enterprise = rng.random(len(firm)) < 0.07
    investors = np.flatnonzero(is_company)
    investors = investors[np.argsort(firms.established[investors], kind="stable")]
    picked = _earlier_pick(rng, firms.established[investors], start[by_enterprise] - 1)
    by_enterprise[np.flatnonzero(by_enterprise)[picked < 0]] = False
    investor = investors[picked[picked >= 0]]

    person_slots = ~by_enterprise
    holder = _draw_holders(rng, persons, start[person_slots])
    # The founder is often the legal representative (when he was an adult at the founding).
    founder = (slot[person_slots] == 0) & (rng.random(int(person_slots.sum())) < 0.5)
    lr = current_lr[firm[person_slots]]
    founder &= persons.birth[lr] + _ADULT_DAYS <= start[person_slots]
    holder = np.where(founder, lr, holder)
    return [
        _role_block(
            holder, firm[person_slots], _R_SHAREHOLDER, start[person_slots], ratio_bp=ratio_bp[person_slots]
        ),
        _role_block(
            investor,
            firm[by_enterprise],
            _R_SHAREHOLDER,
            start[by_enterprise],
            ratio_bp=ratio_bp[by_enterprise],
            holder_is_person=False,
        ),
    ]


# ---------------------------------------------------------------------------------------------------
# List entries
# ---------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Entries:
    subject: StrArray
    kind: IntArray  # 0 black, 1 red
    type_name: StrArray
    department: StrArray
    basis: StrArray
    act_date: IntArray
    decided_on: IntArray
    valid_to: IntArray


def _periods(rng: np.random.Generator, list_types: Sequence[_ListType], type_index: IntArray) -> IntArray:
    """Punishment/incentive period in days per entry; ``_OPEN`` for an open-ended listing."""
    out = np.empty(len(type_index), dtype=np.int64)
    for index, list_type in enumerate(list_types):
        mask = type_index == index
        days = np.asarray([_OPEN if d is None else d for d, _ in list_type.periods], dtype=np.int64)
        out[mask] = days[rng.choice(len(days), size=int(mask.sum()), p=_weights(list_type.periods))]
    return out


def _basis(
    rng: np.random.Generator,
    list_types: Sequence[_ListType],
    type_index: IntArray,
    year: IntArray,
    court_code: StrArray,
) -> StrArray:
    """Document numbers: court cases （2023）苏0412执123号, agency decisions 常税稽罚〔2023〕45号."""
    n = len(type_index)
    prefix = np.asarray([t.basis_prefix for t in list_types])[type_index]
    years = year.astype("U4")
    number = rng.integers(1, 3000, n).astype("U4")
    court = _concat("（", years, "）", court_code, "执", number, "号")
    agency = _concat(prefix, "〔", years, "〕", np.strings.slice(number, 0, 3), "号")
    return np.where(prefix == "", court, agency)


def _black_entries(
    rng: np.random.Generator,
    subject: StrArray,
    region_index: IntArray,
    earliest: IntArray,
    type_index: IntArray,
    today: int,
) -> _Entries:
    n = len(subject)
    # Listings began with the national system; decisions skew recent (more lists, more listings).
    low = np.maximum(earliest, _LISTINGS_FROM)
    decided_on = low + np.floor(rng.random(n) ** 0.7 * (today - low)).astype(np.int64)
    act_date = np.maximum(decided_on - rng.integers(20, 541, n), earliest - 60)
    act_date = np.minimum(act_date, decided_on - 1)
    period = _periods(rng, _BLACK_TYPES, type_index)
    valid_to = np.where(period == _OPEN, _OPEN, decided_on + period - 1)

    # Court listings: a third by the intermediate court, the rest by the subject's district court.
    department = np.asarray([t.department for t in _BLACK_TYPES])[type_index]
    by_district = (type_index == 0) & (rng.random(n) < 0.67)
    courts = np.asarray([c for c, _ in _DISTRICT_COURTS])
    court_codes = np.asarray([code for _, code in _DISTRICT_COURTS])
    department = np.where(by_district, courts[region_index], department)
    court_code = np.where(by_district, court_codes[region_index], _INTERMEDIATE_COURT[1])
    act_year = act_date.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    basis = _basis(rng, _BLACK_TYPES, type_index, act_year, court_code)
    type_name = np.asarray([t.name for t in _BLACK_TYPES])[type_index]
    return _Entries(
        subject, np.zeros(n, dtype=np.int64), type_name, department, basis, act_date, decided_on, valid_to
    )


def _make_entries(rng: np.random.Generator, firms: _Enterprises, persons: _Persons, today: int) -> _Entries:
    # Black-listed firms: 3 %, among those at least 90 days old by the end of the window.
    old_enough = np.flatnonzero(np.maximum(firms.established + 90, _LISTINGS_FROM) < today)
    n_black = min(round(0.03 * firms.size), len(old_enough))
    listed = rng.choice(old_enough, size=n_black, replace=False)
    twice = listed[rng.random(n_black) < 0.2]
    subjects = np.concatenate([listed, twice])
    type_index = rng.choice(
        len(_BLACK_TYPES), size=len(subjects), p=_weights([(t, t.share) for t in _BLACK_TYPES])
    )
    firm_black = _black_entries(
        rng,
        firms.uscc[subjects],
        firms.region_index[subjects],
        firms.established[subjects] + 90,
        type_index,
        today,
    )

    # Natural persons: 1 %, adults by the start of listings (their act dates are adult acts).
    adults = np.flatnonzero(persons.birth + _ADULT_DAYS <= _LISTINGS_FROM)
    n_people = min(round(0.01 * persons.size), len(adults))
    people = rng.choice(adults, size=n_people, replace=False)
    person_types = np.asarray([i for i, _ in _PERSON_BLACK_TYPES])[
        rng.choice(len(_PERSON_BLACK_TYPES), size=n_people, p=_weights(_PERSON_BLACK_TYPES))
    ]
    person_black = _black_entries(
        rng,
        persons.id_number[people],
        rng.integers(0, len(_REGIONS), n_people),
        np.full(n_people, _LISTINGS_FROM),
        person_types,
        today,
    )

    # Red: 2.5 % of the firms that were never black (R2 cross-comparison keeps black subjects off red
    # lists), old enough to have two full years on record, and still trading.
    never_black = np.ones(firms.size, dtype=bool)
    never_black[listed] = False
    low = np.maximum(firms.established + 2 * _Y, _RED_LISTINGS_FROM)
    trading = np.isin(firms.status, ["存续", "在业"])
    candidates = np.flatnonzero(never_black & trading & (low < today))
    n_red = min(round(0.025 * firms.size), len(candidates))
    red = rng.choice(candidates, size=n_red, replace=False)
    red_type = rng.choice(len(_RED_TYPES), size=n_red, p=_weights([(t, t.share) for t in _RED_TYPES]))
    decided_on = _day_between(rng, low[red], np.full(n_red, today))
    decided_year = decided_on.astype("datetime64[D]").astype("datetime64[Y]")
    # The act date of a red listing is the end of the year it rewards.
    act_date = decided_year.astype("datetime64[D]").astype(np.int64) - 1
    period = _periods(rng, _RED_TYPES, red_type)
    red_entries = _Entries(
        firms.uscc[red],
        np.ones(n_red, dtype=np.int64),
        np.asarray([t.name for t in _RED_TYPES])[red_type],
        np.asarray([t.department for t in _RED_TYPES])[red_type],
        _basis(rng, _RED_TYPES, red_type, decided_year.astype(np.int64) + 1970, np.full(n_red, "")),
        act_date,
        decided_on,
        np.where(period == _OPEN, _OPEN, decided_on + period - 1),
    )
    return _Entries(
        *(
            np.concatenate([getattr(e, f) for e in (firm_black, person_black, red_entries)])
            for f in _Entries.__slots__
        )
    )


def _entry_ids(entries: _Entries) -> tuple[IntArray, StrArray]:
    """Order (black first, then by decision day) and ids HB-/HH-<year>-<nnnnnn> numbered per kind and year."""
    order = np.lexsort((entries.subject, entries.decided_on, entries.kind))
    year = entries.decided_on[order].astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    group = entries.kind[order] * 10_000 + year
    new_group = np.ones(len(group), dtype=bool)
    new_group[1:] = group[1:] != group[:-1]
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(len(group)), 0))
    number = np.arange(len(group)) - group_start + 1
    prefix = np.where(entries.kind[order] == 0, "HB-", "HH-")
    return order, _concat(prefix, year.astype("U4"), "-", _zfill(number, 6))


# ---------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------

_ChunkColumns = Callable[[slice], Sequence[StrArray | Sequence[str]]]


def _write_csv(path: Path, header: Sequence[str], rows: int, columns: _ChunkColumns) -> Path:
    """Write ``rows`` rows, building the text of ``_CHUNK_ROWS`` rows at a time so memory stays flat."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for begin in range(0, rows, _CHUNK_ROWS):
            chunk = [
                c.tolist() if isinstance(c, np.ndarray) else c
                for c in columns(slice(begin, min(begin + _CHUNK_ROWS, rows)))
            ]
            writer.writerows(zip(*chunk, strict=True))
    return path


def _ratio_text(ratio_bp: IntArray) -> StrArray:
    whole = (ratio_bp // 10_000).astype("U1")
    fraction = _zfill(ratio_bp % 10_000, 4)
    return np.where(ratio_bp == _OPEN, "", _concat(whole, ".", fraction))


def generate_city(
    out_dir: Path,
    *,
    enterprises: int = DEFAULT_ENTERPRISES,
    seed: int = DEFAULT_SEED,
    today: dt.date | None = None,
    progress: bool = False,
) -> dict[str, Path]:
    """Write a synthetic Changzhou-like city as the six contract CSV files and return their paths.

    Parameters
    ----------
    out_dir
        Created if missing; existing files of the same names are overwritten.
    enterprises
        Number of enterprises N (≥ 1); persons ≈ 1.2 N, roles ≈ 3.5 N, list entries ≈ 0.07 N.
    seed
        Seeds the only source of randomness: the same ``(enterprises, seed, today)`` gives byte-identical files.
    today
        The city's "now" (after 2017-01-01): no date in the files lies after it. ``None`` reads the clock.
    progress
        Show a progress bar on stderr.

    Returns
    -------
    dict
        ``{FileKind value: path}`` for ``list_policies``, ``measures``, ``enterprises``, ``persons``,
        ``roles``, ``list_entries``.

    Examples
    --------
    >>> paths = generate_city(Path("/tmp/city"), enterprises=1000, today=DEFAULT_TODAY)  # doctest: +SKIP
    >>> sorted(paths)  # doctest: +SKIP
    ['enterprises', 'list_entries', 'list_policies', 'measures', 'persons', 'roles']

    Notes
    -----
    Time and memory are linear in N: about 40 s and 1.7 GiB peak for a million enterprises on two cores.
    """
    if enterprises < 1:
        raise ValueError(f"enterprises must be at least 1, got {enterprises}")
    today_day = _day(today or dt.date.today())
    # The city's listings start with the national system in 2016 and red lists in 2017.
    if today_day <= _RED_LISTINGS_FROM:
        raise ValueError(f"today must be after {_EPOCH + dt.timedelta(days=_RED_LISTINGS_FROM)}, got {today}")
    out_dir.mkdir(parents=True, exist_ok=True)
    firm_rng, person_rng, role_rng, entry_rng = np.random.default_rng(seed).spawn(4)
    paths: dict[str, Path] = {}

    with tqdm(total=6, desc="sample city", unit="file", disable=not progress) as bar:
        paths[FileKind.list_policies] = _write_policies(out_dir / "list_policies.csv")
        bar.update()
        paths[FileKind.measures] = _write_measures(out_dir / "measures.csv")
        bar.update()

        firms = _make_enterprises(firm_rng, enterprises, today_day)
        type_kind = np.asarray([t.kind for t in _ENTERPRISE_TYPES])
        region_code = np.asarray([c for c, _, _ in _REGIONS])
        established_text = _iso_dates(firms.established)
        paths[FileKind.enterprises] = _write_csv(
            out_dir / "enterprises.csv",
            CONTRACT_COLUMNS[FileKind.enterprises],
            firms.size,
            lambda s: [
                firms.uscc[s],
                firms.name[s],
                type_kind[firms.type_index[s]],
                firms.status[s],
                region_code[firms.region_index[s]],
                established_text[s],
            ],
        )
        bar.update()

        persons = _make_persons(person_rng, max(round(1.2 * enterprises), 1))
        paths[FileKind.persons] = _write_csv(
            out_dir / "persons.csv",
            CONTRACT_COLUMNS[FileKind.persons],
            persons.size,
            lambda s: [persons.id_number[s], persons.name[s]],
        )
        bar.update()

        roles = _make_roles(role_rng, firms, persons, today_day)
        role_names = np.asarray([r.value for r in _ROLE_ORDER])

        def role_columns(s: slice) -> list[StrArray]:
            # Holder indices point into persons or into enterprises; index 0 stands in for the other table.
            is_person, index = roles.holder_is_person[s], roles.holder[s]
            holder = np.where(
                is_person,
                persons.id_number[np.where(is_person, index, 0)],
                firms.uscc[np.where(is_person, 0, index)],
            )
            return [
                holder,
                firms.uscc[roles.enterprise[s]],
                role_names[roles.role[s]],
                _iso_dates(roles.start[s]),
                _iso_dates(roles.end[s]),
                _ratio_text(roles.ratio_bp[s]),
            ]

        paths[FileKind.roles] = _write_csv(
            out_dir / "roles.csv",
            CONTRACT_COLUMNS[FileKind.roles],
            roles.size,
            role_columns,
        )
        bar.update()

        entries = _make_entries(entry_rng, firms, persons, today_day)
        order, entry_id = _entry_ids(entries)
        kind_names = np.asarray([ListKind.black.value, ListKind.red.value])
        paths[FileKind.list_entries] = _write_csv(
            out_dir / "list_entries.csv",
            CONTRACT_COLUMNS[FileKind.list_entries],
            len(order),
            lambda s: [
                entry_id[s],
                entries.subject[order[s]],
                kind_names[entries.kind[order[s]]],
                entries.type_name[order[s]],
                entries.department[order[s]],
                entries.basis[order[s]],
                _iso_dates(entries.act_date[order[s]]),
                _iso_dates(entries.decided_on[order[s]]),
                _iso_dates(entries.decided_on[order[s]]),
                _iso_dates(entries.valid_to[order[s]]),
            ],
        )
        bar.update()
    return paths


def _write_measures(path: Path) -> Path:
    kinds = {t.name: t.kind for t in (*_BLACK_TYPES, *_RED_TYPES)}
    rows = [
        [
            f"M{number:03d}",
            kinds[list_type].value,
            list_type,
            target.value,
            content,
            initiating,
            implementing,
            basis,
            items,
            sharing,
        ]
        for number, (
            list_type,
            target,
            content,
            initiating,
            implementing,
            basis,
            items,
            sharing,
        ) in enumerate(_MEASURES, start=1)
    ]
    header = CONTRACT_COLUMNS[FileKind.measures]
    return _write_csv(path, header, len(rows), lambda s: list(map(list, zip(*rows[s], strict=True))))


def _write_policies(path: Path) -> Path:
    rows = [
        [
            t.name,
            ";".join(r.value for r in t.roles),
            t.role_time.value,
            "true" if t.derived_counts_for_red else "false",
            "" if t.repair_min_days is None else str(t.repair_min_days),
            "" if t.publicity_days is None else str(t.publicity_days),
            "true" if t.black_skip_publicity else "false",
        ]
        for t in (*_BLACK_TYPES, *_RED_TYPES)
    ]
    return _write_csv(
        path,
        CONTRACT_COLUMNS[FileKind.list_policies],
        len(rows),
        lambda s: list(map(list, zip(*rows[s], strict=True))),
    )
