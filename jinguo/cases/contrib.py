"""What the cases app adds to the platform's shared places (see core/registry.py)."""

from django.utils.translation import gettext_lazy as _

from jinguo.accounts.roles import crud
from jinguo.core import registry

from . import panels
from .deadlines import describe_sweep, sweep
from .services.inbox import check_backlog

# --- menu ----------------------------------------------------------------------------------

registry.menu_group("cases", _("维权服务"), order=20)


def dispatches(user) -> bool:
    # Whoever accepts and dispatches cases registers calls and appeals in full; a grid worker
    # (add_case only) reports from the street on the short grid form at the same address.
    return user.has_perm("cases.dispatch_case")


registry.menu_item(
    "cases",
    _("12338来电登记"),
    "cases:hotline",
    "ti-phone-call",
    permissions=("cases.add_case",),
    visible=dispatches,
)
registry.menu_item(
    "cases",
    _("登记诉求"),
    "cases:intake",
    "ti-file-plus",
    permissions=("cases.add_case",),
    visible=dispatches,
)
registry.menu_item(
    "cases",
    _("网格上报"),
    "cases:intake",
    "ti-speakerphone",
    permissions=("cases.add_case",),
    visible=lambda user: not dispatches(user),
)
for label, url_name, icon, permissions in [
    (_("个案工作台"), "cases:case_list", "ti-briefcase", ("cases.view_case",)),
    (_("延期审批"), "cases:extension_list", "ti-clock-plus", ("cases.approve_case",)),
    (
        _("转介事项"),
        "cases:referral_list",
        "ti-arrows-exchange",
        ("cases.view_referral", "cases.respond_referral"),
    ),
    (_("调解记录"), "cases:mediation_list", "ti-scale", ("cases.view_mediation",)),
    (_("合作机构"), "cases:agency_list", "ti-building-bank", ("cases.view_agency",)),
]:
    registry.menu_item("cases", label, url_name, icon, permissions=permissions)
registry.menu_item(
    "admin",
    _("诉求类别"),
    "cases:category_list",
    "ti-category",
    permissions=("cases.change_category",),
    order=50,
)
registry.menu_item(
    "admin",
    _("办理期限规则"),
    "cases:policy_list",
    "ti-hourglass",
    permissions=("cases.change_deadlinepolicy",),
    order=60,
)

# --- 工作台 and other pages -------------------------------------------------------------------

# Work first (low orders), the figures after it.
registry.home_panel(
    "cases.agency", "cases/panels/agency.html", context=panels.agency_panel, order=5
)
registry.home_panel(
    "cases.hotline", "cases/panels/hotline.html", context=panels.hotline_panel, order=8
)
registry.home_panel(
    "cases.leader", "cases/panels/leader.html", context=panels.leader_panel, order=12
)
registry.home_panel("cases.work", "cases/panels/work.html", context=panels.work_panel, order=15)
registry.home_panel(
    "cases.summary", "cases/panels/figures.html", context=panels.figures_panel, order=700
)
registry.section(
    "people.person",
    "cases.person_cases",
    "cases/sections/person_cases.html",
    context=panels.person_cases,
    permissions=("cases.view_case",),
    order=50,
)
for order, (key, function) in enumerate(
    [
        ("cases.referrals", panels.case_referrals),
        ("cases.mediations", panels.case_mediations),
        ("cases.attachments", panels.case_attachments),
    ]
):
    registry.section(
        "cases.case",
        key,
        f"cases/sections/case_{key.split('.')[1]}.html",
        context=function,
        order=10 * (order + 1),
    )

# --- scheduler -----------------------------------------------------------------------------

registry.job("cases.deadlines", _("办理期限检查"), sweep, every_minutes=10, describe=describe_sweep)
registry.job("cases.intake_backlog", _("接入队列积压检查"), check_backlog, every_minutes=10)

# --- roles ---------------------------------------------------------------------------------


CONFIG_VIEW = ["cases.view_category", "cases.view_deadlinepolicy", "cases.view_agency"]
CASES_VIEW = [
    "cases.view_case",
    "cases.view_referral",
    "cases.view_mediation",
    "cases.view_attachment",
    *CONFIG_VIEW,
]
CASES_WORK = [
    *crud("cases", "case", "referral", "mediation"),
    "cases.view_attachment",
    "cases.add_attachment",
    "cases.dispatch_case",
    "cases.close_case",
    "cases.print_case",
    *CONFIG_VIEW,
]
registry.role_grants("sysadmin", crud("cases", "category", "deadlinepolicy", "agency"))
registry.role_grants(
    "leader", [*CASES_VIEW, "cases.dispatch_case", "cases.approve_case", "cases.print_case"]
)
registry.role_grants("rights_officer", [*CASES_WORK, "cases.add_agency", "cases.change_agency"])
registry.role_grants(
    "hotline_operator",
    [
        "cases.view_case",
        "cases.add_case",
        "cases.change_case",
        "cases.dispatch_case",
        "cases.close_case",
        *CONFIG_VIEW,
    ],
)
registry.role_grants("community_chair", CASES_WORK)
registry.role_grants("grid_worker", ["cases.view_case", "cases.add_case", "cases.view_category"])
registry.role_grants("partner", ["cases.respond_referral"])

# --- audit trail ---------------------------------------------------------------------------

registry.audit_labels(
    {
        "refer": _("转介"),
        "extension_request": _("申请延期"),
        "sweep": _("期限巡查"),
        "urge": _("督促办理"),
        "reject": _("退回（未通过校验）"),
    }
)

# --- statistics ----------------------------------------------------------------------------

registry.stats_source(
    "cases.case",
    _("维权个案"),
    model="cases.Case",
    date_field="received_at",
    dimensions={
        "status": _("状态"),
        "channel": _("来源渠道"),
        "category": _("类别"),
        "urgency": _("紧急程度"),
        "due_state": _("期限状态"),
        "outcome": _("办理结果"),
        "satisfaction": _("满意度"),
    },
)
registry.stats_source(
    "cases.referral",
    _("转介"),
    model="cases.Referral",
    date_field="sent_at",
    dimensions={"status": _("状态"), "agency__kind": _("机构类型")},
)
registry.stats_source(
    "cases.mediation",
    _("调解"),
    model="cases.Mediation",
    date_field="held_at",
    dimensions={"mode": _("方式"), "outcome": _("结果")},
)
