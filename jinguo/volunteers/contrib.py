"""What 志愿服务 and 妇女议事会 add to the platform's shared places (see core/registry.py).

Role grants (documented in the README):
- leader: sees teams, volunteers, activities, pairings, councils of her subtree.
- rights_officer: keeps teams, registrations, activities, pairings; reviews registrations and
  confirms hours (approve_volunteer) of the teams she may change; reads councils.
- community_chair: her community's teams, volunteers, activities and council: registers,
  reviews as team leader, keeps meetings, resolutions and their follow-up.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.roles import crud
from jinguo.core import registry

VOLUNTEER_MODELS = ("team", "volunteer", "activity", "participation", "carepairing")
COUNCIL_MODELS = ("council", "meeting", "resolution")

# --- menu ------------------------------------------------------------------------------------

registry.menu_group("volunteers", _("志愿服务与议事会"), order=45)
for order, (label, url_name, icon, permission) in enumerate(
    [
        (_("志愿服务队"), "volunteers:team_list", "ti-users-group", "volunteers.view_team"),
        (_("志愿者"), "volunteers:volunteer_list", "ti-user-heart", "volunteers.view_volunteer"),
        (
            _("服务活动"),
            "volunteers:activity_list",
            "ti-calendar-event",
            "volunteers.view_activity",
        ),
        (
            _("服务时长统计"),
            "volunteers:hours_summary",
            "ti-clock-hour-4",
            "volunteers.view_participation",
        ),
        (_("爱心妈妈"), "volunteers:pairing_list", "ti-heart", "volunteers.view_carepairing"),
        (_("妇女议事会"), "volunteers:council_list", "ti-messages", "volunteers.view_council"),
        (
            _("议定事项落实"),
            "volunteers:resolution_list",
            "ti-list-check",
            "volunteers.view_resolution",
        ),
    ],
    start=1,
):
    registry.menu_item("volunteers", label, url_name, icon, permissions=(permission,), order=order)

# --- 工作台 -------------------------------------------------------------------------------------


def overdue_panel(user) -> dict | None:
    """Resolutions of the women's councils past their deadline and not done, in her scope."""
    from .selectors import overdue_resolutions
    from .views.councils import resolutions_url

    overdue = overdue_resolutions(user)
    rows = list(overdue[:5])
    if not rows:
        return None
    return {
        "rows": rows,
        "count": overdue.count(),
        "overdue_url": resolutions_url(overdue="true"),
    }


def pending_panel(user) -> dict | None:
    """Registrations waiting for her review (teams she leads, or may change)."""
    from .selectors import pending_for

    pending = pending_for(user)
    count = pending.count()
    if not count:
        return None
    return {"count": count, "url": reverse("volunteers:volunteer_list") + "?status=pending"}


registry.home_panel(
    "volunteers.overdue_resolutions",
    "volunteers/panels/overdue.html",
    context=overdue_panel,
    order=45,
    permissions=("volunteers.view_resolution",),
)
registry.home_panel(
    "volunteers.pending",
    "volunteers/panels/pending.html",
    context=pending_panel,
    order=46,
    permissions=("volunteers.approve_volunteer",),
)

# --- the person page ---------------------------------------------------------------------------


def person_section(user, person) -> dict | None:
    """Her registrations with the teams in the viewer's scope, with confirmed hours."""
    from django.db.models import Q, Sum

    from .models import Volunteer

    rows = list(
        Volunteer.objects.restrict(user, "view")
        .filter(person=person)
        .select_related("team")
        .annotate(
            confirmed_hours=Sum(
                "participations__hours",
                filter=Q(participations__attended=True, participations__confirmed_at__isnull=False),
            )
        )
    )
    return {"volunteer_rows": rows} if rows else None


registry.section(
    "people.person",
    "volunteers.person",
    "volunteers/sections/person.html",
    context=person_section,
    order=65,
    permissions=("volunteers.view_volunteer",),
)

# --- roles -------------------------------------------------------------------------------------

registry.role_grants(
    "leader", crud("volunteers", *VOLUNTEER_MODELS, *COUNCIL_MODELS, actions=("view",))
)
registry.role_grants(
    "rights_officer",
    [
        *crud("volunteers", *VOLUNTEER_MODELS),
        *crud("volunteers", *COUNCIL_MODELS, actions=("view",)),
        "volunteers.approve_volunteer",
    ],
)
registry.role_grants(
    "community_chair",
    [
        *crud("volunteers", *VOLUNTEER_MODELS, *COUNCIL_MODELS),
        "volunteers.approve_volunteer",
    ],
)

# --- audit trail -------------------------------------------------------------------------------

registry.audit_labels(
    {
        "volunteer_register": _("登记志愿者"),
        "volunteer_approve": _("通过志愿者登记"),
        "volunteer_reject": _("不通过志愿者登记"),
        "activity_cancel": _("取消志愿服务活动"),
        "activity_signup": _("志愿活动报名"),
        "hours_record": _("登记服务时长"),
        "hours_confirm": _("确认服务时长"),
        "council_member_add": _("登记议事会成员"),
        "resolution_add": _("登记议定事项"),
        "resolution_followup": _("记录议定事项落实情况"),
        "resolution_done": _("议定事项办结"),
        "resolution_update": _("修改议定事项责任人或时限"),
        "resolution_reopen": _("重新打开议定事项"),
        "meeting_update": _("修改议事会会议记录"),
    }
)

# --- statistics --------------------------------------------------------------------------------

registry.stats_source(
    "volunteers.service",
    _("志愿服务人次（已确认时长）"),
    model="volunteers.Participation",
    date_field="held_on",
    dimensions={"activity__team__name": _("服务队"), "org__name": _("单位")},
    filters={"attended": True, "confirmed_at__isnull": False},
    # The confirmed hours are summed beside the count: sum("volunteers.service") in formulas.
    measure="hours",
    measure_label=_("服务时长（小时）"),
)
registry.stats_source(
    "volunteers.active",
    _("在册志愿者（已通过审核）"),
    model="volunteers.Volunteer",
    date_field="registered_on",
    dimensions={"team__name": _("服务队"), "org__name": _("单位")},
    filters={"status": "approved"},
)
registry.stats_source(
    "volunteers.resolution",
    _("妇女议事会议定事项"),
    model="volunteers.Resolution",
    date_field="due_on",
    dimensions={"status": _("状态")},
)
