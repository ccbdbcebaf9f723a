"""What the notices app adds to the platform's shared places (see core/registry.py).

Role grants: leaders, rights officers and community chairs issue notices to the units below
them and sign and complete what their own unit receives; grid workers read their grid's inbox.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core import registry

MENU = "notices"

registry.menu_group(MENU, _("通知任务"), order=30)
registry.menu_item(
    MENU,
    _("收到的通知任务"),
    "notices:receipt_list",
    "ti-inbox",
    permissions=("notices.view_receipt",),
    order=10,
)
registry.menu_item(
    MENU,
    _("下发的通知任务"),
    "notices:notice_list",
    "ti-send",
    permissions=("notices.view_notice",),
    order=20,
)

# --- home panel ----------------------------------------------------------------------------

PANEL_ROWS = 6


def inbox_panel(user):
    """待办的通知任务: her unit's receipts to sign or complete, unsigned first, due soonest."""
    from .selectors import waiting

    receipts = waiting(user)
    total = receipts.count()
    if not total:
        return None
    today = timezone.localdate()
    return {
        "total": total,
        "rows": [{"receipt": r, "overdue": r.overdue(today)} for r in receipts[:PANEL_ROWS]],
        "list_url": reverse("notices:receipt_list") + "?state=waiting",
    }


def sent_panel(user):
    """下发未办结: what her unit sent that units have not yet signed or completed, the
    soonest due first."""
    from django.db.models import Count, F, Q

    from .choices import NoticeKind, ReceiptState
    from .models import Notice

    waiting = Q(receipts__state=ReceiptState.PENDING) | Q(
        kind=NoticeKind.TASK, receipts__state=ReceiptState.ACKNOWLEDGED
    )
    notices = (
        Notice.objects.restrict(user, "view")
        .filter(org_id=user.home_unit_id, withdrawn_at__isnull=True)
        .annotate(n_receipts=Count("receipts"), n_waiting=Count("receipts", filter=waiting))
        .filter(n_waiting__gt=0)
        .order_by(F("due_on").asc(nulls_last=True), "-issued_at", "-pk")
    )
    rows = list(notices[:PANEL_ROWS])
    if not rows:
        return None
    return {
        "rows": rows,
        "today": timezone.localdate(),
        "list_url": reverse("notices:notice_list") + "?state=active",
    }


registry.home_panel(
    "notices.sent",
    "notices/panels/sent.html",
    context=sent_panel,
    permissions=("notices.view_notice",),
    order=45,
)
registry.home_panel(
    "notices.inbox",
    "notices/panels/inbox.html",
    context=inbox_panel,
    permissions=("notices.view_receipt",),
    order=12,
)

# --- scheduler -----------------------------------------------------------------------------


def _remind(now=None):
    from .services import remind_due

    return remind_due(now=now)


registry.job(
    "notices.reminders",
    _("通知任务到期提醒"),
    _remind,
    every_minutes=60,
    describe=lambda n: f"reminded {n} receipts",
)

# --- roles ---------------------------------------------------------------------------------

ISSUE = ["notices.view_notice", "notices.add_notice", "notices.change_notice"]
ANSWER = ["notices.view_receipt", "notices.acknowledge_receipt", "notices.complete_receipt"]
registry.role_grants("leader", [*ISSUE, *ANSWER])
registry.role_grants("rights_officer", [*ISSUE, *ANSWER])
registry.role_grants("community_chair", [*ISSUE, *ANSWER])
registry.role_grants("grid_worker", ["notices.view_receipt"])

# --- audit trail ---------------------------------------------------------------------------

registry.audit_labels(
    {
        "notice_issue": _("下发通知任务"),
        "notice_remind": _("提醒办理通知任务"),
        "notice_withdraw": _("撤回通知任务"),
        "receipt_acknowledge": _("签收通知任务"),
        "receipt_complete": _("报告任务完成"),
    }
)

# --- statistics ----------------------------------------------------------------------------

registry.stats_source(
    "notices.receipts",
    _("通知任务回执"),
    model="notices.Receipt",
    date_field="created_at",
    dimensions={"kind": _("类型"), "state": _("办理状态"), "is_late": _("逾期完成")},
)

# --- target assessment ---------------------------------------------------------------------

registry.menu_item(
    MENU,
    _("目标考核"),
    "notices:assessment_board",
    "ti-target",
    permissions=("notices.view_indicator",),
    order=30,
)
registry.menu_item(
    MENU,
    _("考核得分"),
    "notices:assessment_list",
    "ti-chart-dots",
    permissions=("notices.view_assessment",),
    order=40,
)
SET = [
    "notices.view_indicator",
    "notices.add_indicator",
    "notices.change_indicator",
    "notices.view_assessment",
    "notices.change_assessment",
    "notices.adjust_assessment",
]
registry.role_grants("leader", SET)
registry.role_grants("rights_officer", SET)
registry.role_grants("community_chair", ["notices.view_assessment", "notices.change_assessment"])
registry.audit_labels(
    {
        "assessment_compute": _("计算考核得分"),
        "assessment_enter": _("填报考核实际值"),
        "assessment_adjust": _("调整考核得分"),
    }
)
