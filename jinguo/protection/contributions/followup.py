"""Registry contributions of the followup concern: protective follow-up (家暴回访干预) and
early warning (维权预警) — menu items, home panels, sections of the person and case pages,
scheduler jobs, role grants, audit labels, statistics sources — and the shipped rules.

Role grants (documented in the README):
- rights_officer: plans and visits (view, add, change, end), warnings (view, sign for, act).
- leader: sees plans and visits; signs for, assigns and resolves warnings; ends plans.
- community_chair, grid_worker: the plans and visits of their community (records visits);
  the chair also sees her community's warnings (she does not sign for them).
"""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from jinguo.core import registry

from ..choices import AlertAudience, AlertLevel, AlertResolves, AlertStatus
from ..selectors import alerts as alert_selectors
from ..selectors import followup as followup_selectors
from ..services import followup_receivers  # noqa: F401  (connects the receivers)
from . import menu_order

TOP = 5

# --- menu ------------------------------------------------------------------------------------

registry.menu_item(
    "protection",
    _("维权预警"),
    "protection:alert_list",
    "ti-alert-triangle",
    permissions=("protection.view_alert",),
    order=menu_order("protection:alert_list"),
)
registry.menu_item(
    "protection",
    _("保护性回访"),
    "protection:visit_list",
    "ti-home-heart",
    permissions=("protection.view_protectivevisit",),
    order=menu_order("protection:visit_list"),
)
registry.menu_item(
    "protection",
    _("回访计划"),
    "protection:plan_list",
    "ti-calendar-heart",
    permissions=("protection.view_followupplan",),
    order=menu_order("protection:plan_list"),
)


# --- 工作台 -------------------------------------------------------------------------------------


def _alerts_url(**filters) -> str:
    return reverse("protection:alert_list") + ("?" + urlencode(filters) if filters else "")


def alerts_panel(user) -> dict | None:
    """Unsigned red warnings first (the rows), then the counts, each a link to its list."""
    if not user.has_perm("protection.view_alert"):
        return None
    counts = alert_selectors.panel_counts(user)
    qs = alert_selectors.alert_queryset(user).filter(alert_selectors.OPEN)
    rows = list(alert_selectors.in_work_order(qs)[:TOP])
    mine = qs.filter(assigned_to=user).count()
    return {
        "counts": counts,
        "rows": rows,
        "mine": mine,
        "red_url": _alerts_url(level=AlertLevel.RED, status=AlertStatus.OPEN),
        "open_url": _alerts_url(status=AlertStatus.OPEN),
        "acknowledged_url": _alerts_url(status=AlertStatus.ACKNOWLEDGED),
        "mine_url": _alerts_url(mine="true"),
        "list_url": _alerts_url(),
    }


def visits_panel(user) -> dict | None:
    if not user.has_perm("protection.view_protectivevisit"):
        return None
    counts = followup_selectors.visits_waiting(user)
    if not any(counts.values()):
        return None
    base = reverse("protection:visit_list")
    return {
        "counts": counts,
        "missed_url": base + "?" + urlencode({"state": "missed"}),
        "overdue_url": base + "?" + urlencode({"when": "overdue"}),
        "due_url": base + "?" + urlencode({"when": "week"}),
    }


registry.home_panel(
    "protection.alerts", "protection/followup/panels/alerts.html", context=alerts_panel, order=3
)
registry.home_panel(
    "protection.visits", "protection/followup/panels/visits.html", context=visits_panel, order=16
)


# --- sections of the person and case pages ------------------------------------------------------


def person_alerts(user, person) -> dict | None:
    if not user.has_perm("protection.view_alert"):
        return None
    alerts = alert_selectors.open_alerts_for(user, person=person)
    plans = list(followup_selectors.plan_queryset(user).filter(person=person)[:3])
    if not alerts and not plans:
        return None
    return {"protection_alerts": alerts, "protection_plans": plans}


def case_alerts(user, case) -> dict | None:
    if not user.has_perm("protection.view_alert"):
        return None
    alerts = alert_selectors.open_alerts_for(user, case=case)
    plans = list(followup_selectors.plan_queryset(user).filter(case=case)[:3])
    if not alerts and not plans:
        return None
    return {"protection_alerts": alerts, "protection_plans": plans}


registry.section(
    "people.person",
    "protection.followup_alerts",
    "protection/followup/sections/alerts.html",
    context=person_alerts,
    order=20,
)
registry.section(
    "cases.case",
    "protection.followup_alerts",
    "protection/followup/sections/alerts.html",
    context=case_alerts,
    order=5,
)


# --- scheduler -----------------------------------------------------------------------------------


def _sweep(now=None):
    from ..services.alert_sweep import alerts_sweep

    return alerts_sweep(now)


def _escalate(now=None):
    from ..services.alert_sweep import alerts_escalate

    return alerts_escalate(now)


def _missed(now=None):
    from ..services.followup import visits_mark_missed

    return visits_mark_missed(now)


registry.job("protection.alerts_sweep", _("维权预警巡查"), _sweep, every_minutes=10)
registry.job(
    "protection.alerts_escalate",
    _("红色预警超时上报"),
    _escalate,
    every_minutes=10,
    describe=lambda n: f"上报 {n} 条",
)
registry.job(
    "protection.visits_missed",
    _("保护性回访逾期检查"),
    _missed,
    every_minutes=60,
    describe=lambda n: f"逾期 {n} 次",
)

# --- roles ---------------------------------------------------------------------------------------

FOLLOWUP_WORK = [
    "protection.view_followupplan",
    "protection.add_followupplan",
    "protection.change_followupplan",
    "protection.view_protectivevisit",
    "protection.change_protectivevisit",
]
ALERT_WORK = ["protection.view_alert", "protection.acknowledge_alert", "protection.view_alertrule"]
registry.role_grants("rights_officer", [*FOLLOWUP_WORK, "protection.end_followupplan", *ALERT_WORK])
registry.role_grants(
    "leader",
    [
        "protection.view_followupplan",
        "protection.view_protectivevisit",
        "protection.end_followupplan",
        *ALERT_WORK,
    ],
)
registry.role_grants("community_chair", [*FOLLOWUP_WORK, "protection.view_alert"])
registry.role_grants(
    "grid_worker", ["protection.view_protectivevisit", "protection.change_protectivevisit"]
)
# The rules are federation-wide policy: the system administrator (city level, two factors)
# edits them as she does the deadline policies. Leaders read them but do not change them: a
# leader exists at every level, and the rules also decide what is escalated above her.
registry.role_grants(
    "sysadmin",
    [
        "protection.view_alertrule",
        "protection.change_alertrule",
        "protection.view_followupschedule",
        "protection.change_followupschedule",
    ],
)
registry.menu_item(
    "admin",
    _("预警规则"),
    "protection:alertrule_list",
    "ti-adjustments-alt",
    permissions=("protection.change_alertrule",),
    order=70,
)
registry.menu_item(
    "admin",
    _("保护性回访安排"),
    "protection:followupschedule_update",
    "ti-calendar-repeat",
    permissions=("protection.change_followupschedule",),
    order=72,
)

# --- audit trail ---------------------------------------------------------------------------------

registry.audit_labels(
    {
        "followup_visit": _("记录保护性回访"),
        "followup_end": _("结束回访计划"),
        "followup_missed": _("回访逾期"),
        "alert_raise": _("发出预警"),
        "alert_auto_resolve": _("预警自动解除"),
        "alert_acknowledge": _("签收预警"),
        "alert_assign": _("指派预警处置人"),
        "alert_action": _("记录预警处置措施"),
        "alert_resolve": _("解除预警"),
        "alert_escalate": _("预警超时上报"),
        "alert_rule_update": _("修改预警规则"),
        "followup_schedule_update": _("修改保护性回访安排"),
    }
)

# --- statistics ----------------------------------------------------------------------------------

registry.stats_source(
    "protection.alert",
    _("维权预警"),
    model="protection.Alert",
    date_field="raised_at",
    dimensions={"level": _("预警级别"), "status": _("状态"), "rule__name": _("规则")},
)
registry.stats_source(
    "protection.visit",
    _("保护性回访"),
    model="protection.ProtectiveVisit",
    date_field="due_on",
    dimensions={"state": _("状态"), "mode": _("回访方式")},
)


# --- shipped rules -------------------------------------------------------------------------------

RED, ORANGE, YELLOW = AlertLevel.RED, AlertLevel.ORANGE, AlertLevel.YELLOW
BOTH, LEADER, WORKER = AlertAudience.BOTH, AlertAudience.LEADER, AlertAudience.WORKER
BY_CONDITION, BY_HAND = AlertResolves.CONDITION, AlertResolves.MANUAL

DEFAULT_RULES = [
    # code, name, level, audience, resolves, params, description
    ("high_risk", "高风险", RED, BOTH, BY_CONDITION, {},
     "最近一次风险评估为高风险；重新评估不再是高风险时自动解除。"),
    ("repeat_victim", "反复受暴", ORANGE, BOTH, BY_CONDITION, {"cases": 2, "months": 12},
     "同一当事人12个月内有2件及以上家暴个案；窗口内不足2件时自动解除。"),
    ("rising_band", "风险上升", ORANGE, WORKER, BY_CONDITION, {},
     "最近一次评估的风险等级高于上一次；再次评估不再上升时自动解除。"),
    ("order_expiring", "保护令即将到期", ORANGE, WORKER, BY_CONDITION, {"days": 14},
     "保护令14天内到期而当事人仍为中、高风险；延长、失效或风险下降后自动解除。"),
    ("order_breach", "违反保护令", RED, BOTH, BY_HAND, {"lookback_days": 90},
     "登记了违反人身安全保护令的情况；须人工处置后解除。"),
    ("visit_missed", "回访逾期或联系不上", ORANGE, LEADER, BY_CONDITION, {"lookback_days": 90},
     "保护性回访逾期，或回访联系不上当事人；此后回访联系上当事人时自动解除。"),
    ("urgent_no_action", "紧急个案无人处置", RED, LEADER, BY_CONDITION,
     {"hours": 2, "lookback_days": 30},
     "紧急家暴个案登记后，在适用的应急处置清单规定的时间内没有应急处置或办理记录；有人处置后自动解除。"),
    ("minor_violence", "涉及未成年人", YELLOW, BOTH, BY_CONDITION, {},
     "家暴个案涉及未成年人；个案结案后自动解除。"),
    ("violence_recurred", "再次发生暴力", RED, BOTH, BY_CONDITION, {"lookback_days": 90},
     "回访发现再次发生家庭暴力；重新进行风险评估后自动解除。"),
    ("warning_visit_missed", "告诫书回访逾期", ORANGE, LEADER, BY_CONDITION,
     {"lookback_days": 90},
     "居（村）委会未在应回访日期登记告诫书回访；补登回访后自动解除。"),
]  # fmt: skip


def load_defaults(using: str = "default") -> None:
    """Create this concern's shipped defaults when missing; never overwrite."""
    from ..models import AlertRule

    for code, name, level, audience, resolves, params, description in DEFAULT_RULES:
        AlertRule.objects.using(using).get_or_create(
            code=code,
            defaults={
                "name": name,
                "level": level,
                "audience": audience,
                "resolves_when": resolves,
                "params": params,
                "description": description,
                "escalate_after_hours": 2 if level == RED else None,
            },
        )
