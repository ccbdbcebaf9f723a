"""Registry contributions of the shelter concern: shelters and stays, the emergency checklist
(应急干预) and mandatory reports (强制报告) — menu items, home panels, sections of the person
and case pages, the unattended-urgent-case job, role grants, audit labels, statistics.

Roles (documented in the README):
- rights_officer (维权干部): shelters (view, add, change: creating them and naming their staff),
  stays (view, add, change), emergency actions (view, add), mandatory reports (view, add,
  change) and ``view_reporter``: she handles reports, so she sees who reported.
- leader (妇联领导): reads shelters, stays, emergency actions and reports; not the reporter's
  identity (she does not handle reports) and never a shelter's address unless she is its staff.
- hotline_operator (12338接线员): records emergency actions on the urgent cases she registers,
  registers mandatory reports received by phone.
- community_chair (社区妇联主席): registers the reports her committee makes or receives and
  reads shelters' free beds; she sees the reports she registered (a share), not others'.
- sysadmin (系统管理员): edits the emergency checklists (federation-wide policy, like the
  deadline policies); leaders and officers read them.
- Nobody gets an address through a role: a shelter's staff (its ``staff`` list) see it, and
  those a staff member shares a stay with (see selectors.shelter.locatable_shelter_ids).
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.roles import crud
from jinguo.core import registry

from ..selectors import shelter_panels as panels
from . import menu_order

# --- menu ------------------------------------------------------------------------------------

for label, url_name, icon, permissions in [
    (_("庇护场所"), "protection:shelter_list", "ti-home-shield", ("protection.view_shelter",)),
    (
        _("庇护入住"),
        "protection:shelterstay_list",
        "ti-bed",
        ("protection.view_shelterstay",),
    ),
    (
        _("强制报告"),
        "protection:mandatoryreport_list",
        "ti-report",
        ("protection.view_mandatoryreport", "protection.add_mandatoryreport"),
    ),
]:
    registry.menu_item(
        "protection", label, url_name, icon, permissions=permissions, order=menu_order(url_name)
    )

# --- 工作台 and other pages -------------------------------------------------------------------

registry.home_panel(
    "protection.emergency",
    "protection/shelter/panels/emergency.html",
    context=panels.emergency_panel,
    order=9,
)
registry.home_panel(
    "protection.reports_pending",
    "protection/shelter/panels/pending_reports.html",
    context=panels.pending_reports_panel,
    order=16,
)
registry.home_panel(
    "protection.overdue_stays",
    "protection/shelter/panels/overdue_stays.html",
    context=panels.overdue_stays_panel,
    order=17,
)
registry.section(
    "people.person",
    "protection.person_stays",
    "protection/shelter/sections/stays.html",
    context=panels.person_stays,
    order=62,
)
registry.section(
    "cases.case",
    "protection.emergency",
    "protection/shelter/sections/emergency.html",
    context=panels.case_emergency,
    order=1,
)
registry.section(
    "cases.case",
    "protection.case_stays",
    "protection/shelter/sections/stays.html",
    context=panels.case_stays,
    order=45,
)

# --- scheduler -------------------------------------------------------------------------------


def _sweep(now=None):
    from ..services.emergency import sweep_unattended

    return sweep_unattended(now)


registry.job(
    "protection.unattended_urgent",
    _("紧急涉暴个案应急处置超时提醒"),
    _sweep,
    every_minutes=10,
    describe=lambda n: f"{n} 件紧急个案超时无人处置，已提醒单位负责人",
)

# --- roles -----------------------------------------------------------------------------------

registry.role_grants(
    "rights_officer",
    [
        *crud("protection", "shelter", "shelterstay", "mandatoryreport"),
        *crud("protection", "emergencyaction", actions=("view", "add")),
        "protection.view_reporter",
        "protection.view_checklisttemplate",
    ],
)
registry.role_grants(
    "leader",
    [
        *crud(
            "protection",
            "shelter",
            "shelterstay",
            "emergencyaction",
            "mandatoryreport",
            "checklisttemplate",
            actions=("view",),
        )
    ],
)
registry.role_grants("sysadmin", crud("protection", "checklisttemplate"))
registry.menu_item(
    "admin",
    _("应急处置清单"),
    "protection:checklisttemplate_list",
    "ti-checklist",
    permissions=("protection.change_checklisttemplate",),
    order=71,
)
registry.role_grants(
    "hotline_operator",
    [
        "protection.view_emergencyaction",
        "protection.add_emergencyaction",
        "protection.add_mandatoryreport",
        "protection.view_mandatoryreport",
    ],
)
registry.role_grants(
    "community_chair",
    [
        "protection.view_shelter",
        "protection.add_mandatoryreport",
        "protection.view_mandatoryreport",
    ],
)

# --- audit trail -------------------------------------------------------------------------------

registry.audit_labels(
    {
        "leave": _("登记离开庇护"),
        "dismiss": _("不予立案"),
        "emergency_alert": _("应急处置超时提醒"),
        "checklist_create": _("新建应急处置清单"),
        "checklist_update": _("修改应急处置清单"),
        "checklist_step_add": _("添加处置事项"),
        "checklist_step_update": _("修改处置事项"),
        "checklist_step_remove": _("删除处置事项"),
        "checklist_step_move": _("调整处置事项顺序"),
    }
)

# --- statistics ------------------------------------------------------------------------------

registry.stats_source(
    "protection.shelterstay",
    _("庇护入住"),
    model="protection.ShelterStay",
    date_field="admitted_at",
    dimensions={"destination": _("去向"), "over_capacity": _("超员入住")},
)
registry.stats_source(
    "protection.mandatoryreport",
    _("强制报告"),
    model="protection.MandatoryReport",
    date_field="reported_at",
    dimensions={"reporter_kind": _("报告单位类型"), "status": _("处理状态")},
)

# --- shipped defaults ------------------------------------------------------------------------

DEFAULT_CHECKLIST = (
    _("紧急涉暴个案应急处置"),
    2,
    [
        (_("确认当事人当前是否安全，必要时协助报警（110）"), True),
        (_("伤情需要时协助就医，提醒保留病历和照片"), True),
        (_("需要时安排临时庇护或其他安全住处"), True),
        (_("查明家中是否有未成年人，确保其安全和照护"), True),
        (_("当事人为未成年人或无行为能力人时，联系监护人或民政部门"), False),
        (_("提醒并协助固定证据（报警回执、伤情、聊天记录等）"), True),
        (_("告知可申请人身安全保护令，需要时转介法律援助"), False),
    ],
)


def load_defaults(using: str = "default") -> None:
    """Ship one checklist for every urgent violence case when there is none at all; a
    federation edits it, adds its own per violence type, or deactivates it (never deleted
    back into existence while any checklist exists)."""
    from ..models import ChecklistStep, ChecklistTemplate

    with transaction.atomic(using=using):
        if ChecklistTemplate.objects.using(using).exists():
            return
        name, hours, steps = DEFAULT_CHECKLIST
        template = ChecklistTemplate.objects.using(using).create(
            name=str(name), act_within_hours=hours, gbv_types=[]
        )
        ChecklistStep.objects.using(using).bulk_create(
            ChecklistStep(template=template, order=n, label=str(label), required=required)
            for n, (label, required) in enumerate(steps, start=1)
        )
