"""Business items (业务事项) a measure can apply to, with their Chinese names.

A check may name one of these (``business_item=public_procurement``); a measure lists the items it
applies to. The list is open: a measures file may use other codes, which are kept as given.
"""

from __future__ import annotations

BUSINESS_ITEMS: dict[str, str] = {
    "administrative_approval": "行政审批",
    "administrative_licensing": "行政许可",
    "public_procurement": "政府采购",
    "public_resource_trading": "公共资源交易",
    "fiscal_funds": "财政资金与补助",
    "high_consumption": "高消费",
    "air_travel": "乘坐飞机",
    "high_speed_rail": "乘坐高等级列车",
    "exit_country": "出境",
    "real_estate_purchase": "购买不动产",
    "financing": "融资信贷",
    "securities_listing": "股票发行与挂牌",
    "franchise": "特许经营",
    "company_registration": "企业登记（担任法定代表人、董事、监事、高管）",
    "honours": "评优评先",
    "civil_service": "招录公务员与事业单位人员",
    "tax_services": "纳税服务",
    "customs": "通关",
    "project_approval": "项目审批核准",
    "green_channel": "绿色通道与容缺受理",
}
