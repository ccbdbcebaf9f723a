"""The shipped indicators and report forms, created after migrate when missing (never
overwritten: a federation edits its own)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jinguo.orgs.choices import UnitKind

# code, name, formula, description
INDICATORS = [
    ("appeals_total", _("来信来访总量"), 'count("cases.case")', _("报告期内受理登记的诉求数")),
    ("appeals_12338", _("12338热线"), 'count("cases.case", channel="hotline_12338")', ""),
    ("appeals_walk_in", _("来访"), 'count("cases.case", channel="walk_in")', ""),
    ("appeals_letter", _("来信/维权信箱"), 'count("cases.case", channel="letter")', ""),
    ("appeals_portal", _("网上平台"), 'count("cases.case", channel="portal")', ""),
    ("appeals_grid", _("网格上报"), 'count("cases.case", channel="grid")', ""),
    (
        "appeals_channel_other",
        _("其他渠道"),
        'ind("appeals_total") - ind("appeals_12338") - ind("appeals_walk_in") - '
        'ind("appeals_letter") - ind("appeals_portal") - ind("appeals_grid")',
        _("总量减去已列出的渠道"),
    ),
    ("appeals_family", _("婚姻家庭权益"), 'count("cases.case", category="family")', ""),
    ("appeals_personal", _("人身和人格权益"), 'count("cases.case", category="personal")', ""),
    ("appeals_labour", _("劳动和社会保障权益"), 'count("cases.case", category="labour")', ""),
    ("appeals_property", _("财产权益"), 'count("cases.case", category="property")', ""),
    (
        "appeals_category_other",
        _("其他类别"),
        'ind("appeals_total") - ind("appeals_family") - ind("appeals_personal") - '
        'ind("appeals_labour") - ind("appeals_property")',
        _("总量减去已列出的类别"),
    ),
    (
        "appeals_handled",
        _("已办结"),
        'count("cases.case", status=["resolved", "closed"])',
        _("报告期内登记、已办结或结案的诉求"),
    ),
    (
        "appeals_on_time",
        _("未超期"),
        'count("cases.case", due_state=["none", "ok", "soon"])',
        _("报告期内登记、办理期限未超过的诉求"),
    ),
    (
        "appeals_on_time_rate",
        _("按时办理率（%）"),
        'pct(ind("appeals_on_time"), ind("appeals_total"))',
        _("未超期诉求占总量的百分比"),
    ),
    ("referrals", _("转介"), 'count("cases.referral")', _("报告期内发出的转介")),
    ("mediations", _("调解次数"), 'count("cases.mediation")', ""),
    (
        "mediations_agreed",
        _("调解达成协议"),
        'count("cases.mediation", outcome=["agreed", "partial"])',
        _("达成或部分达成协议的调解"),
    ),
    ("dv_cases", _("家暴个案"), 'count("protection.violence_cases")', _("涉及暴力类型的个案")),
    ("dv_police_warnings", _("告诫书"), 'count("protection.policewarning")', ""),
    ("dv_orders", _("保护令申请"), 'count("protection.protectionorder")', ""),
    (
        "dv_orders_granted",
        _("保护令签发"),
        'count("protection.protectionorder", status=["granted", "partly"])',
        "",
    ),
    ("dv_shelter_stays", _("庇护入住"), 'count("protection.shelterstay")', ""),
    ("dv_visits_due", _("应回访"), 'count("protection.visit")', _("到期的保护性回访")),
    ("dv_visits_done", _("已回访"), 'count("protection.visit", state="done")', ""),
    (
        "dv_high_risk",
        _("高风险评估"),
        'count("protection.riskassessment", level="high")',
        _("评定为高风险的风险评估"),
    ),
]

APPEALS_COLUMNS = [
    ("total", _("来信来访总量"), "computed", 'ind("appeals_total")'),
    ("ch_12338", _("按来源渠道 / 12338热线"), "computed", 'ind("appeals_12338")'),
    ("ch_walk_in", _("按来源渠道 / 来访"), "computed", 'ind("appeals_walk_in")'),
    ("ch_letter", _("按来源渠道 / 来信"), "computed", 'ind("appeals_letter")'),
    ("ch_portal", _("按来源渠道 / 网上平台"), "computed", 'ind("appeals_portal")'),
    ("ch_grid", _("按来源渠道 / 网格上报"), "computed", 'ind("appeals_grid")'),
    ("ch_other", _("按来源渠道 / 其他"), "computed", 'ind("appeals_channel_other")'),
    ("cat_family", _("按类别 / 婚姻家庭"), "computed", 'ind("appeals_family")'),
    ("cat_personal", _("按类别 / 人身人格"), "computed", 'ind("appeals_personal")'),
    ("cat_labour", _("按类别 / 劳动社保"), "computed", 'ind("appeals_labour")'),
    ("cat_property", _("按类别 / 财产"), "computed", 'ind("appeals_property")'),
    ("cat_other", _("按类别 / 其他"), "computed", 'ind("appeals_category_other")'),
    ("handled", _("办理情况 / 已办结"), "computed", 'ind("appeals_handled")'),
    ("on_time", _("办理情况 / 未超期"), "computed", 'ind("appeals_on_time")'),
    ("referrals", _("办理情况 / 转介"), "computed", 'ind("referrals")'),
    ("mediations", _("调解 / 次数"), "computed", 'ind("mediations")'),
    ("mediations_agreed", _("调解 / 达成协议"), "computed", 'ind("mediations_agreed")'),
    ("events", _("普法宣传 / 活动场次"), "number", ""),
    ("participants", _("普法宣传 / 参加人次"), "number", ""),
    ("note", _("备注"), "text", ""),
]

DV_COLUMNS = [
    ("cases", _("家暴个案"), "computed", 'ind("dv_cases")'),
    ("warnings", _("告诫书"), "computed", 'ind("dv_police_warnings")'),
    ("orders", _("人身安全保护令 / 申请"), "computed", 'ind("dv_orders")'),
    ("orders_granted", _("人身安全保护令 / 签发"), "computed", 'ind("dv_orders_granted")'),
    ("shelter", _("庇护入住"), "computed", 'ind("dv_shelter_stays")'),
    ("visits_due", _("保护性回访 / 应回访"), "computed", 'ind("dv_visits_due")'),
    ("visits_done", _("保护性回访 / 已回访"), "computed", 'ind("dv_visits_done")'),
    ("high_risk", _("高风险评估"), "computed", 'ind("dv_high_risk")'),
    ("events", _("反家暴宣传 / 活动场次"), "number", ""),
    ("note", _("备注"), "text", ""),
]

FOCUS_TAGS = [
    ("left_behind_woman", _("留守妇女")),
    ("left_behind_child", _("留守儿童")),
    ("child_in_difficulty", _("困境儿童")),
    ("single_mother", _("单亲母亲")),
    ("poor_mother", _("贫困母亲")),
    ("dv_victim", _("家庭暴力受害人")),
]

FILERS = [UnitKind.COMMUNITY, UnitKind.TOWNSHIP, UnitKind.COUNTY]


def _focus_form() -> dict:
    rows = [(code, label) for code, label in FOCUS_TAGS] + [("total", _("合计"))]
    columns = [
        ("new", _("新增关注人数")),
        ("helped", _("帮扶情况 / 帮扶人次")),
        ("funds", _("帮扶情况 / 帮扶资金（元）")),
    ]
    cells = []
    for code, _label in FOCUS_TAGS:
        cells.append((code, "new", "computed", f'count("stats.person_tags", tag_type="{code}")'))
        cells.append((code, "helped", "number", ""))
        cells.append((code, "funds", "number", ""))
    cells.append(
        ("total", "new", "computed", 'count("stats.person_tags")'),
    )
    cells.append(("total", "helped", "number", ""))
    cells.append(("total", "funds", "number", ""))
    rules = [
        (f"total.{col}", " + ".join(f"{code}.{col}" for code, _label in FOCUS_TAGS))
        for col in ("helped", "funds")
    ]
    return {
        "code": "focus_people_quarterly",
        "name": _("重点关注人员季报"),
        "period_kind": "quarter",
        "description": _(
            "按关注类型统计本季度新增的重点关注人员和帮扶情况；合计行须等于各类之和。"
        ),
        "rows": rows,
        "columns": columns,
        "cells": cells,
        "rules": rules,
        "deadline_days": 10,
    }


def _single_row(code, name, description, columns, rules, deadline_days=5) -> dict:
    return {
        "code": code,
        "name": name,
        "period_kind": "month",
        "description": description,
        "rows": [("main", _("本期"))],
        "columns": [(c, h) for c, h, _k, _f in columns],
        "cells": [("main", c, k, f) for c, _h, k, f in columns],
        "rules": rules,
        "deadline_days": deadline_days,
        "required": {"events"},
    }


def forms() -> list[dict]:
    return [
        _single_row(
            "rights_monthly",
            _("维权工作月报"),
            _("来信来访按渠道和类别统计、办理、转介和调解情况自动生成；普法宣传活动手工填报。"),
            APPEALS_COLUMNS,
            [
                (
                    "main.total",
                    "main.ch_12338 + main.ch_walk_in + main.ch_letter + main.ch_portal"
                    " + main.ch_grid + main.ch_other",
                ),
                (
                    "main.total",
                    "main.cat_family + main.cat_personal + main.cat_labour + main.cat_property"
                    " + main.cat_other",
                ),
            ],
        ),
        _focus_form(),
        _single_row(
            "dv_monthly",
            _("反家暴工作月报"),
            _("家暴个案、告诫书、保护令、庇护、保护性回访和高风险评估自动生成；宣传活动手工填报。"),
            DV_COLUMNS,
            [],
        ),
    ]


def ensure_defaults(using: str = "default") -> None:
    from .models import Indicator, ReportCell, ReportColumn, ReportForm, ReportRow, ReportRule

    with transaction.atomic(using=using):
        for sort, (code, name, formula, description) in enumerate(INDICATORS, 1):
            Indicator.objects.using(using).get_or_create(
                code=code,
                defaults={
                    "name": str(name),
                    "formula": formula,
                    "description": str(description),
                    "is_builtin": True,
                    "sort": sort,
                },
            )
        for sort, spec in enumerate(forms(), 1):
            if ReportForm.objects.using(using).filter(code=spec["code"]).exists():
                continue
            form = ReportForm.objects.using(using).create(
                code=spec["code"],
                name=str(spec["name"]),
                period_kind=spec["period_kind"],
                description=str(spec["description"]),
                unit_kinds=[str(k) for k in FILERS],
                deadline_days=spec["deadline_days"],
                is_builtin=True,
                sort=sort * 10,
            )
            rows = {
                code: ReportRow.objects.using(using).create(
                    form=form, code=code, label=str(label), sort=i
                )
                for i, (code, label) in enumerate(spec["rows"], 1)
            }
            columns = {
                code: ReportColumn.objects.using(using).create(
                    form=form, code=code, header=str(header), sort=i
                )
                for i, (code, header) in enumerate(spec["columns"], 1)
            }
            required = spec.get("required", set())
            for row, column, kind, formula in spec["cells"]:
                ReportCell.objects.using(using).create(
                    form=form,
                    row=rows[row],
                    column=columns[column],
                    kind=kind,
                    formula=formula,
                    required=column in required,
                    min_value=0 if kind == "number" else None,
                )
            for total, parts in spec["rules"]:
                ReportRule.objects.using(using).create(
                    form=form, total=total, parts=parts, message=""
                )
