"""Registry contributions of the orders concern: menu items, the work panels of the 工作台, the
sections of the person and case pages, the two scheduler jobs, role grants and audit labels.

Roles (documented in the README):
- rights_officer works warnings, orders, breaches, injury records and evidence bundles;
- leader reads all of them in her subtree (and prints evidence bundles);
- community_chair and grid_worker read the warnings shared with their committee and record
  its visits — they hold no core.view_sensitive, so they reach exactly what was shared;
- hotline_operator registers injury records seen at intake.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.roles import crud
from jinguo.cases.selectors import is_violence_case
from jinguo.core import registry
from jinguo.core.scoping import may

from ..choices import VisitState
from ..selectors.orders import (
    case_records,
    expiring_orders_for,
    overdue_decisions,
    person_records,
    visits_waiting,
)
from ..services.orders.protection_orders import describe_sweep, orders_sweep
from ..services.orders.warnings import visits_sweep
from . import menu_order

TOP = 5

# --- menu -------------------------------------------------------------------------------------

for label, url_name, icon, permissions in [
    (_("人身安全保护令"), "protection:protectionorder_list", "ti-shield-lock",
     ("protection.view_protectionorder",)),
    (_("告诫书"), "protection:policewarning_list", "ti-file-alert",
     ("protection.view_policewarning",)),
    (_("告诫书回访"), "protection:warningvisit_list", "ti-walk",
     ("protection.view_warningvisit",)),
    (_("违反保护令"), "protection:orderbreach_list", "ti-shield-x",
     ("protection.view_orderbreach",)),
    (_("伤情记录"), "protection:injuryrecord_list", "ti-first-aid-kit",
     ("protection.view_injuryrecord",)),
    (_("证据材料包"), "protection:evidencebundle_list", "ti-file-certificate",
     ("protection.view_evidencebundle",)),
]:  # fmt: skip
    registry.menu_item(
        "protection", label, url_name, icon, permissions=permissions, order=menu_order(url_name)
    )


# --- 工作台 -------------------------------------------------------------------------------------


def _list_url(name, **query) -> str:
    return reverse(f"protection:{name}_list") + ("?" + urlencode(query) if query else "")


def overdue_panel(user) -> dict | None:
    """保护令裁定超期: orders whose decision is past due, most overdue first."""
    orders = overdue_decisions(user)
    count = orders.count()
    if not count:
        return None
    now = timezone.now()
    rows = [
        {"order": o, "hours": int((now - o.decision_due_at).total_seconds() // 3600)}
        for o in orders[:TOP]
    ]
    return {"rows": rows, "count": count, "url": _list_url("protectionorder", phase="overdue")}


def expiring_panel(user) -> dict | None:
    """保护令即将到期: in force, ending within 14 days, the person still at medium/high risk."""
    today = timezone.localdate()
    orders = expiring_orders_for(user, today)
    count = orders.count()
    if not count:
        return None
    rows = [{"order": o, "days": (o.effective_until - today).days} for o in orders[:TOP]]
    return {"rows": rows, "count": count, "url": _list_url("protectionorder", phase="expiring")}


def visits_panel(user) -> dict | None:
    """The committee's warning visits: missed first, then due within a week."""
    visits = visits_waiting(user)
    count = visits.count()
    if not count:
        return None
    missed = visits.filter(state=VisitState.MISSED).count()
    rows = list(visits[:TOP])
    rows.sort(key=lambda v: (v.state != VisitState.MISSED, v.due_on))
    return {"rows": rows, "count": count, "missed": missed, "url": _list_url("warningvisit")}


registry.home_panel(
    "protection.orders_overdue",
    "protection/orders/panels/overdue.html",
    context=overdue_panel,
    order=9,
    permissions=("protection.view_protectionorder",),
)
registry.home_panel(
    "protection.orders_expiring",
    "protection/orders/panels/expiring.html",
    context=expiring_panel,
    order=16,
    permissions=("protection.view_protectionorder",),
)
registry.home_panel(
    "protection.warning_visits",
    "protection/orders/panels/visits.html",
    context=visits_panel,
    order=17,
    permissions=("protection.change_warningvisit",),
)


# --- sections of the person and case pages --------------------------------------------------


def _actions(user, **query) -> list[dict]:
    found = []
    for perm, name, label in (
        ("protection.add_policewarning", "policewarning_create", _t("登记告诫书")),
        ("protection.add_protectionorder", "protectionorder_create", _t("保护令申请")),
        ("protection.add_injuryrecord", "injuryrecord_create", _t("伤情鉴定")),
    ):
        if user.has_perm(perm):
            found.append(
                {"url": reverse(f"protection:{name}") + "?" + urlencode(query), "label": label}
            )
    return found


def person_section(user, person) -> dict | None:
    records = person_records(user, person)
    actions = _actions(user, person=person.pk)
    if user.has_perm("protection.add_evidencebundle"):
        actions.append(
            {
                "url": reverse("protection:evidencebundle_print", args=[person.pk]),
                "label": _t("打印证据材料"),
            }
        )
    if not any(records.values()) and not actions:
        return None
    return {"orders_section": {**records, "actions": actions}}


def case_section(user, case) -> dict | None:
    records = case_records(user, case)
    violence = is_violence_case(case)
    if not any(records.values()) and not violence:
        return None
    actions = _actions(user, case=case.pk) if violence and may(user, "view", case) else []
    if not any(records.values()) and not actions:
        return None
    return {"orders_section": {**records, "actions": actions}}


SECTION_PERMISSIONS = (
    "protection.view_policewarning",
    "protection.view_protectionorder",
    "protection.view_injuryrecord",
)
registry.section(
    "people.person",
    "protection.orders",
    "protection/orders/sections/records.html",
    context=person_section,
    permissions=SECTION_PERMISSIONS,
    order=60,
)
registry.section(
    "cases.case",
    "protection.case_orders",
    "protection/orders/sections/records.html",
    context=case_section,
    permissions=SECTION_PERMISSIONS,
    order=45,
)

# --- scheduler --------------------------------------------------------------------------------

registry.job("protection.warning_visits", _("告诫书回访逾期检查"), visits_sweep, every_minutes=60)
registry.job(
    "protection.orders",
    _("保护令期满与到期提醒"),
    orders_sweep,
    every_minutes=60,
    describe=describe_sweep,
)

# --- roles ------------------------------------------------------------------------------------

WORKED = ("policewarning", "protectionorder", "orderbreach", "injuryrecord", "evidencebundle")
registry.role_grants(
    "rights_officer",
    [
        *crud("protection", *WORKED),
        "protection.view_warningvisit",
        "protection.change_warningvisit",
    ],
)
registry.role_grants(
    "leader",
    [
        *crud("protection", *WORKED, "warningvisit", actions=("view",)),
        "protection.add_evidencebundle",
    ],
)
VISITS = [
    "protection.view_policewarning",
    "protection.view_warningvisit",
    "protection.change_warningvisit",
]
registry.role_grants("community_chair", VISITS)
registry.role_grants("grid_worker", VISITS)
registry.role_grants(
    "hotline_operator", ["protection.view_injuryrecord", "protection.add_injuryrecord"]
)

# --- audit trail ------------------------------------------------------------------------------

registry.audit_labels(
    {
        "order_apply": _("提交保护令申请"),
        "order_accept": _("法院受理"),
        "order_rule": _("保护令裁定"),
        "order_extend": _("延长保护令"),
        "order_vary": _("变更保护令"),
        "order_revoke": _("撤销保护令"),
        "order_reconsider": _("申请复议"),
        "order_withdraw": _("撤回保护令申请"),
        "order_expire": _("保护令期满"),
    }
)

# --- statistics -------------------------------------------------------------------------------

registry.stats_source(
    "protection.policewarning",
    _("告诫书"),
    model="protection.PoliceWarning",
    date_field="issued_on",
)
registry.stats_source(
    "protection.protectionorder",
    _("人身安全保护令"),
    model="protection.ProtectionOrder",
    date_field="created_at",
    dimensions={"status": _("状态"), "applicant_kind": _("申请人")},
)
registry.stats_source(
    "protection.orderbreach",
    _("违反保护令"),
    model="protection.OrderBreach",
    date_field="occurred_at",
    dimensions={"sanction": _("处罚")},
)


def load_defaults(using: str = "default") -> None:
    """Nothing shipped: the schedule defaults live in the services (see README)."""
