"""What 队伍建设 (cadres) adds to the platform's shared places (see core/registry.py).

Role grants (documented in the README):
- leader: sees rosters, elections, contact points, pairings and trainings of her subtree;
  approves the elections of the units below hers.
- rights_officer: keeps the roster, elections, contact points, pairings, trainings.
- community_chair: her community's roster, contact points and visits, pairings, trainings.
- grid_worker: records visits to her own contact points.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jinguo.accounts.roles import crud
from jinguo.core import registry

MODELS = (
    "position",
    "election",
    "contactpoint",
    "contactvisit",
    "pairing",
    "training",
    "qualification",
)

# --- menu ------------------------------------------------------------------------------------

registry.menu_group("cadres", _("队伍建设"), order=40)
for order, (label, url_name, icon, permission) in enumerate(
    [
        (_("任职名册"), "cadres:position_list", "ti-users", "cadres.view_position"),
        (_("换届选举"), "cadres:election_list", "ti-checkbox", "cadres.view_election"),
        (_("联系点"), "cadres:point_list", "ti-map-pin", "cadres.view_contactpoint"),
        (_("一名妇女一户家庭"), "cadres:pairing_list", "ti-heart-handshake", "cadres.view_pairing"),
        (_("培训"), "cadres:training_list", "ti-school", "cadres.view_training"),
        (_("待复训人员"), "cadres:retraining_due", "ti-calendar-due", "cadres.view_training"),
        (_("资格证书"), "cadres:qualification_list", "ti-certificate", "cadres.view_qualification"),
    ],
    start=1,
):
    registry.menu_item("cadres", label, url_name, icon, permissions=(permission,), order=order)

# The configuration pages sit in the system administrator's menu, as cases' categories do.
registry.menu_item(
    "admin",
    _("职务类型"),
    "cadres:positiontype_list",
    "ti-id-badge",
    permissions=("cadres.change_positiontype",),
    order=70,
)
registry.menu_item(
    "admin",
    _("复训规则"),
    "cadres:retrainingrule_list",
    "ti-repeat",
    permissions=("cadres.change_retrainingrule",),
    order=71,
)

# --- 工作台 -------------------------------------------------------------------------------------


def points_panel(user) -> dict | None:
    """Her own overdue contact points; for a leader (who sees the unit's points) the count of
    overdue ones in her subtree."""
    from .selectors import overdue_points

    mine = list(overdue_points(user, mine_only=True)[:5])
    scope_count = None
    if user.has_perm("cadres.view_contactpoint"):
        scope_count = overdue_points(user).count()
    if not mine and not scope_count:
        return None
    return {
        "mine": mine,
        "scope_count": scope_count,
        "overdue_url": reverse("cadres:point_list") + "?overdue=true",
    }


registry.home_panel("cadres.points", "cadres/panels/points.html", context=points_panel, order=30)

# --- the person page ---------------------------------------------------------------------------


def person_section(user, person) -> dict | None:
    from .models import Attendance, Qualification
    from .selectors import person_positions

    positions = person_positions(user, person) if user.has_perm("cadres.view_position") else []
    trainings = []
    qualifications = []
    if user.has_perm("cadres.view_training"):
        trainings = list(
            Attendance.objects.restrict(user, "view")
            .filter(person=person)
            .select_related("training")
            .order_by("-training__ends_on")[:10]
        )
    if user.has_perm("cadres.view_qualification"):
        qualifications = list(Qualification.objects.restrict(user, "view").filter(person=person))
    if not positions and not trainings and not qualifications:
        return None
    return {
        "cadre_positions": positions,
        "cadre_trainings": trainings,
        "cadre_qualifications": qualifications,
    }


registry.section(
    "people.person", "cadres.positions", "cadres/sections/person.html", context=person_section,
    order=60,
)  # fmt: skip

# --- scheduler ---------------------------------------------------------------------------------


def _turnover(now=None):
    from .services.positions import elections_apply_due

    return elections_apply_due(now)


registry.job(
    "cadres.roster_turnover",
    _("换届名册更新"),
    _turnover,
    every_minutes=60,
    describe=lambda n: f"更新 {n} 个单位",
)

# --- roles -------------------------------------------------------------------------------------

ALL = crud("cadres", *MODELS, "attendance", "pairingcontact")
registry.role_grants(
    "leader",
    [*crud("cadres", *MODELS, "attendance", actions=("view",)), "cadres.approve_election"],
)
registry.role_grants("rights_officer", [*ALL, "cadres.approve_election"])
registry.role_grants(
    "community_chair",
    [
        *crud("cadres", "position", "election", "contactpoint", "attendance", actions=("view",)),
        *crud("cadres", "contactvisit", "pairing", "pairingcontact"),
        "cadres.view_training",
        "cadres.view_qualification",
    ],
)
registry.role_grants("grid_worker", ["cadres.add_contactvisit"])
# Position types and retraining rules are federation-wide policy: the system administrator
# keeps them, as she keeps the appeal categories; leaders read the result on the roster.
registry.role_grants(
    "sysadmin", crud("cadres", "positiontype", "retrainingrule", actions=("view", "add", "change"))
)

# --- audit trail -------------------------------------------------------------------------------

registry.audit_labels(
    {
        "candidate_add": _("登记候选人"),
        "candidate_remove": _("删除候选人"),
        "election_report": _("换届结果报上级"),
        "election_approve": _("批准换届结果"),
        "election_reject": _("不批准换届结果"),
        "roster_turnover": _("换届名册更新"),
        "contact_visit": _("记录联系点走访"),
        "pairing_contact": _("记录结对联系"),
        "attendance_add": _("登记参训学员"),
    }
)

# --- statistics --------------------------------------------------------------------------------

registry.stats_source(
    "cadres.position",
    _("任职（执委等）"),
    model="cadres.Position",
    date_field="started_on",
    dimensions={
        "position_type__name": _("职务"),
        "employment": _("专兼职"),
        "person__gender": _("性别"),
        "person__education": _("文化程度"),
    },
)
registry.stats_source(
    "cadres.contact_visit",
    _("联系点走访"),
    model="cadres.ContactVisit",
    date_field="visited_on",
    dimensions={"way": _("方式")},
)
registry.stats_source(
    "cadres.training",
    _("培训"),
    model="cadres.Training",
    date_field="starts_on",
    dimensions={"kind": _("培训类别")},
)
