"""Registry contributions of the screening concern (menu items, panels, sections, jobs, role
grants, audit labels, statistics sources).

Role grants: leaders and rights officers issue campaigns, follow the returns, keep the
public-opinion log and read the anonymised violence statistics; community chairs and grid
workers fill their community's return (a grid worker through the share of the return with her
grid, made when the campaign is issued) and record its disputes.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.roles import crud
from jinguo.core import registry

from ..services import screening_receivers  # noqa: F401  (connects the receivers)
from . import menu_order

MENU = "protection"

registry.menu_item(
    MENU,
    _("矛盾纠纷排查"),
    "protection:screeningcampaign_list",
    "ti-list-search",
    permissions=("protection.view_screeningcampaign",),
    order=menu_order("protection:screeningcampaign_list"),
)
registry.menu_item(
    MENU,
    _("排查上报"),
    "protection:screeningreport_list",
    "ti-clipboard-check",
    permissions=("protection.change_screeningreport",),
    order=menu_order("protection:screeningreport_list"),
)
registry.menu_item(
    MENU,
    _("矛盾纠纷"),
    "protection:disputeentry_list",
    "ti-arrows-split",
    permissions=("protection.view_disputeentry",),
    order=menu_order("protection:disputeentry_list"),
)
registry.menu_item(
    MENU,
    _("舆情台账"),
    "protection:opinionitem_list",
    "ti-speakerphone",
    permissions=("protection.view_opinionitem",),
    order=menu_order("protection:opinionitem_list"),
)
registry.menu_item(
    MENU,
    _("匿名暴力统计"),
    "protection:violence_stats",
    "ti-chart-bar",
    permissions=("protection.view_violence_stats",),
    order=menu_order("protection:violence_stats"),
)


# --- home panels ---------------------------------------------------------------------------

PANEL_ROWS = 5


def pending_reports_panel(user):
    """待上报的排查: her unit's pending returns, the most overdue first."""
    from ..selectors.screening import pending_reports

    reports = pending_reports(user)
    total = reports.count()
    if not total:
        return None
    today = timezone.localdate()
    rows = [
        {
            "report": r,
            "overdue": r.campaign.due_on < today,
            "days": (r.campaign.due_on - today).days,
        }
        for r in reports[:PANEL_ROWS]
    ]
    return {
        "total": total,
        "rows": rows,
        "list_url": reverse("protection:screeningreport_list") + "?state=pending",
    }


def campaigns_panel(user):
    """The issuer's open campaigns with units not yet reported."""
    from django.db.models import Count, Q

    from ..choices import ScreeningReportStatus
    from ..models import ScreeningCampaign

    pending = ScreeningReportStatus.PENDING
    campaigns = (
        ScreeningCampaign.objects.restrict(user, "change")
        .filter(closed_at__isnull=True, org_id=user.home_unit_id)
        .annotate(
            n_reports=Count("reports"),
            n_pending=Count("reports", filter=Q(reports__status=pending)),
        )
        .filter(n_pending__gt=0)
        .order_by("due_on", "pk")
    )
    rows = list(campaigns[:PANEL_ROWS])
    if not rows:
        return None
    return {
        "rows": rows,
        "today": timezone.localdate(),
        "list_url": reverse("protection:screeningcampaign_list") + "?state=open",
    }


def opinions_panel(user):
    """Open major (and large) public-opinion items, major first."""
    from ..selectors.screening import open_major_opinions

    items = open_major_opinions(user)
    total = items.count()
    if not total:
        return None
    return {
        "total": total,
        "rows": list(items.select_related("org")[:PANEL_ROWS]),
        "list_url": reverse("protection:opinionitem_list") + "?status=open",
    }


registry.home_panel(
    "protection.screening_pending",
    "protection/screening/panels/pending_reports.html",
    context=pending_reports_panel,
    permissions=("protection.change_screeningreport",),
    order=30,
)
registry.home_panel(
    "protection.screening_campaigns",
    "protection/screening/panels/campaigns.html",
    context=campaigns_panel,
    permissions=("protection.change_screeningcampaign",),
    order=40,
)
registry.home_panel(
    "protection.opinions",
    "protection/screening/panels/opinions.html",
    context=opinions_panel,
    permissions=("protection.view_opinionitem",),
    order=35,
)


# --- scheduler -----------------------------------------------------------------------------


def _remind(now=None):
    from ..services.screening import remind_due

    return remind_due(now=now)


registry.job(
    "protection.screening_reminders",
    _("矛盾纠纷排查催报"),
    _remind,
    every_minutes=60,
    describe=lambda n: f"reminded {n} units",
)

# --- roles ---------------------------------------------------------------------------------

ISSUE = [
    *crud("protection", "screeningcampaign"),
    "protection.view_screeningreport",
    "protection.view_disputeentry",
    "protection.change_disputeentry",
    "protection.view_violence_stats",
]
FILL = [
    "protection.view_screeningreport",
    "protection.change_screeningreport",
    *crud("protection", "disputeentry", actions=("view", "add", "change", "delete")),
]
registry.role_grants(
    "leader", [*ISSUE, "protection.view_opinionitem", "protection.change_opinionitem"]
)
registry.role_grants("rights_officer", [*ISSUE, *crud("protection", "opinionitem")])
registry.role_grants("community_chair", FILL)
registry.role_grants("grid_worker", FILL)

# --- audit trail ---------------------------------------------------------------------------

registry.audit_labels(
    {
        "screening_issue": _("下发排查"),
        "screening_submit": _("排查上报"),
        "screening_remind": _("排查催报"),
        "screening_close": _("结束排查"),
        "dispute_to_case": _("矛盾纠纷转为个案"),
        "dispute_to_mediation": _("矛盾纠纷转入调解"),
        "opinion_close": _("舆情办结"),
    }
)

# --- statistics ----------------------------------------------------------------------------

# Counts only; the statistics issue's tables must apply the same small-count suppression as
# the anonymised export (selectors.violence_stats.suppress) before showing them.
registry.stats_source(
    "protection.violence_cases",
    _("暴力个案（匿名统计）"),
    model="cases.Case",
    date_field="received_at",
    dimensions={
        "gbv_type": _("暴力类型"),
        "complainant__gender": _("性别"),
        "outcome": _("服务结果"),
        "urgency": _("紧急程度"),
    },
    filters={"gbv_type__gt": ""},
)
registry.stats_source(
    "protection.violence_referrals",
    _("暴力个案转介"),
    model="cases.Referral",
    date_field="sent_at",
    dimensions={"agency__kind": _("机构类型"), "status": _("状态")},
    filters={"case__gbv_type__gt": ""},
)
registry.stats_source(
    "protection.dispute_entries",
    _("排查发现的矛盾纠纷"),
    model="protection.DisputeEntry",
    date_field="found_on",
    dimensions={"kind": _("纠纷类型"), "risk": _("激化风险"), "status": _("状态")},
)
registry.stats_source(
    "protection.screening_reports",
    _("排查上报"),
    model="protection.ScreeningReport",
    date_field="submitted_at",
    dimensions={"status": _("上报状态"), "is_late": _("逾期上报")},
)
registry.stats_source(
    "protection.opinions",
    _("舆情"),
    model="protection.OpinionItem",
    date_field="occurred_on",
    dimensions={"source": _("来源"), "level": _("等级"), "status": _("状态")},
)


def load_defaults(using: str = "default") -> None:
    """Create this concern's shipped defaults when missing; never overwrite. (Screening ships
    none: campaigns and the opinion log start empty.)"""
