"""What the portal adds to the platform's shared places (see core/registry.py).

Who does what (role grants):
- rights_officer: publishes public replies on the portal appeals of cases she may change.
- leader: edits the knowledge pages and the consultation schedule, publishes replies.
- community_chair: edits nothing here; her federation's leader or officer publishes.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.roles import crud
from jinguo.cases.models import Case
from jinguo.core import registry

CONTENT = [*crud("portal", "knowledgepage", "consultationslot")]
REPLY = ["portal.add_publicreply", "portal.view_publicreply"]

registry.menu_group("portal", _("公众服务平台"), order=60)
registry.menu_item(
    "portal",
    _("维权知识"),
    "portal:page_list",
    "ti-book",
    permissions=("portal.view_knowledgepage",),
    order=10,
)
registry.menu_item(
    "portal",
    _("法律咨询安排"),
    "portal:slot_list",
    "ti-calendar-event",
    permissions=("portal.view_consultationslot",),
    order=20,
)


def case_section(user, case) -> dict | None:
    """网上求助 on the case page: the replies published to her and a form for a new one."""
    from .forms import ReplyForm
    from .models import PortalAppeal

    if case.channel != "portal":
        return None
    appeal = PortalAppeal.objects.filter(case=case).first()
    if appeal is None:
        return None
    from jinguo.core.scoping import may

    return {
        "portal_appeal": appeal,
        "portal_replies": list(appeal.replies.select_related("published_by")),
        "portal_can_reply": user.has_perm("portal.add_publicreply") and may(user, "change", case),
        "portal_reply_form": ReplyForm(user=user),
    }


registry.section(
    "cases.case",
    "portal.replies",
    "portal/sections/case_replies.html",
    context=case_section,
    permissions=("portal.view_publicreply",),
    order=8,
)

PANEL_ROWS = 8


def awaiting_panel(user) -> dict | None:
    """网上求助待回复: open portal appeals in her scope that nobody has answered publicly yet,
    oldest first (she is waiting and can see nothing until someone replies)."""
    from jinguo.cases.choices import OPEN_STATUSES
    from jinguo.cases.models import Case

    qs = (
        Case.objects.restrict(user, "view")
        .filter(channel="portal", status__in=OPEN_STATUSES, portal__isnull=False)
        .filter(portal__replies__isnull=True)
        .order_by("received_at", "id")
    )
    rows = list(qs[:PANEL_ROWS])
    if not rows:
        return None
    return {"rows": rows, "total": qs.count()}


registry.home_panel(
    "portal.awaiting",
    "portal/panels/awaiting.html",
    context=awaiting_panel,
    permissions=("portal.add_publicreply",),
    order=22,
)

registry.role_grants("rights_officer", [*REPLY, "portal.view_knowledgepage"])
registry.role_grants("leader", [*REPLY, *CONTENT])
registry.role_grants("hotline_operator", REPLY)
registry.audit_labels(
    {"publish_reply": _("发布网上公开回复"), "portal_lock": _("网上查询码因密码错误锁定")}
)


@receiver(post_save, sender=Case, dispatch_uid="portal.link_queued_appeal")
def link_queued_appeal(sender, instance, created=False, raw=False, **kwargs):
    """A queued portal appeal gets its case the moment the intake worker files it, in the same
    transaction: her code shows the case's status from then on, and the case page its
    portal section."""
    if created and not raw and (instance.client_reference or "").startswith("portal-"):
        from .services.appeals import link_case

        link_case(instance)


def _check_refused(now=None):
    from .services.appeals import check_refused

    return check_refused(now=now)


registry.job("portal.queue_refused", _("网上求助登记检查"), _check_refused, every_minutes=60)
