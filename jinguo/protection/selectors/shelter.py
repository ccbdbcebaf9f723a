"""Reads of the shelter concern: shelters with their occupancy, who may see a shelter's
address, stays (open, overdue), the emergency checklist of a case and the mandatory reports.

CONTRACT (other concerns may rely on these):
- shelters_with_occupancy(user, action="view") -> QuerySet[Shelter] annotated ``occupied``
  (open stays plus their accompanying children) and ``free_beds`` (beds - occupied)
- locatable_shelter_ids(user) -> set[int]: shelters whose address and phone ``user`` may see:
  restrict(user, "locate") on Shelter (its staff) or on ShelterStay (a stay there, still open,
  shared with her for "locate")
- shelter_open(user, pk, *, queryset=None, channel=None) -> (Shelter, located: bool)
- overdue_stays(user, now=None) -> QuerySet[ShelterStay]  open past their planned end
- is_emergency_case(case) -> bool; checklist_for(case) -> ChecklistTemplate | None
- unattended_urgent_cases(now=None) -> QuerySet[Case] (unscoped; for the sweep and the early
  warning): urgent violence cases still open, registered longer ago than their checklist's
  hours, with no emergency action recorded
- may_see_reporter(user, report) -> bool
"""

from datetime import timedelta

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jinguo.cases.choices import OPEN_STATUSES, Urgency
from jinguo.cases.models import Case
from jinguo.cases.selectors import VIOLENCE_Q, is_violence_case
from jinguo.core import audit, scoping
from jinguo.core.scoping import may

from ..models import ChecklistTemplate, EmergencyAction, MandatoryReport, Shelter, ShelterStay

# --- shelters and occupancy ------------------------------------------------------------------


def _count(queryset, group: str):
    return Coalesce(
        Subquery(
            queryset.order_by().values(group).annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def occupancy_expression():
    """Beds taken at a shelter: each open stay and each child staying with her."""
    stays = ShelterStay.objects.filter(shelter=OuterRef("pk"), left_at__isnull=True)
    children = ShelterStay.children.through.objects.filter(
        shelterstay__shelter=OuterRef("pk"), shelterstay__left_at__isnull=True
    )
    return _count(stays, "shelter") + _count(children, "shelterstay__shelter")


def with_occupancy(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(occupied=occupancy_expression()).annotate(
        free_beds=F("beds") - F("occupied")
    )


def shelters_with_occupancy(user, action: str = "view") -> QuerySet:
    return with_occupancy(Shelter.objects.restrict(user, action).select_related("org"))


def occupancy_of(shelter: Shelter) -> int:
    return with_occupancy(Shelter.objects.filter(pk=shelter.pk)).values_list("occupied", flat=True)[
        0
    ]


# --- the address -------------------------------------------------------------------------------


def locatable_shelter_ids(user) -> set[int]:
    """Shelters whose address ``user`` may see. Both halves are decided by restrict(): the
    shelter's reserved "locate" reaches its staff only; a stay's "locate" only a share of that
    stay for "locate" (no role grants it), and only while the stay is open."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    # Memoised on the user object (a table asks per row) until shares or staff change.
    memo = getattr(user, "_jinguo_locatable", None)
    if memo is not None and memo[0] == scoping._generation:
        return memo[1]
    staff = set(Shelter.objects.restrict(user, "locate").values_list("pk", flat=True))
    via_stay = set(
        ShelterStay.objects.restrict(user, "locate")
        .filter(left_at__isnull=True)
        .values_list("shelter_id", flat=True)
    )
    found = staff | via_stay
    user._jinguo_locatable = (scoping._generation, found)
    return found


def forget_locatable(user) -> None:
    if user is not None and hasattr(user, "_jinguo_locatable"):
        del user._jinguo_locatable


def may_locate(user, shelter) -> bool:
    return shelter is not None and shelter.pk in locatable_shelter_ids(user)


def shelter_open(user, pk, *, queryset=None, channel: str | None = None):
    """The shelter ``user`` opens (404 outside her scope) and whether its address is shown to
    her; showing the address is logged (every door calls this)."""
    if queryset is None:
        queryset = shelters_with_occupancy(user)
    shelter = get_object_or_404(queryset, pk=pk)
    located = may_locate(user, shelter)
    if located:
        audit.record_open(user, shelter, channel=channel, address_shown=True)
    return shelter, located


# --- stays ------------------------------------------------------------------------------------


def visible_stays(user, action: str = "view") -> QuerySet:
    return ShelterStay.objects.restrict(user, action).select_related(
        "shelter", "person", "case", "org"
    )


def overdue_q(today=None) -> Q:
    today = today or timezone.localdate()
    return Q(left_at__isnull=True, planned_leave_on__lt=today)


def overdue_stays(user, now=None) -> QuerySet:
    today = timezone.localdate(now) if now else timezone.localdate()
    return visible_stays(user).filter(overdue_q(today)).order_by("planned_leave_on", "pk")


def stay_open(user, pk, *, queryset=None, channel: str | None = None) -> ShelterStay:
    """A stay (404 outside scope); opening it is logged when it is sensitive."""
    if queryset is None:
        queryset = visible_stays(user)
    stay = get_object_or_404(queryset, pk=pk)
    if stay.is_sensitive:
        audit.record_open(user, stay, channel=channel, person_id=stay.person_id)
    return stay


# --- emergency intervention ---------------------------------------------------------------


def is_emergency_case(case) -> bool:
    """An urgent violence case: the checklist shows on it from the moment it is registered."""
    return case.urgency == Urgency.URGENT and is_violence_case(case)


def checklist_for(case) -> ChecklistTemplate | None:
    """The active checklist naming the case's violence type, else the first for every type."""
    templates = list(ChecklistTemplate.objects.filter(is_active=True).order_by("pk"))
    for template in templates:
        if case.gbv_type and case.gbv_type in (template.gbv_types or []):
            return template
    return next((t for t in templates if not t.gbv_types), None)


def case_actions(case) -> dict:
    """step id -> EmergencyAction recorded on ``case``."""
    return {
        a.step_id: a
        for a in EmergencyAction.objects.filter(case=case).select_related("done_by", "step")
    }


# The cases app says what a violence case is, once (is_violence_case and its Q form).
VIOLENCE_CASE = VIOLENCE_Q


def checklist_hours() -> tuple[dict[str, int], int | None]:
    """The hours within which someone must act on an urgent violence case: by violence type
    from the active checklist ``checklist_for`` picks for it, and those of the checklist for
    every type (None: there is none). The emergency job and the early warning both read it."""
    hours_by_type: dict[str, int] = {}
    default_hours = None
    for template in ChecklistTemplate.objects.filter(is_active=True).order_by("pk"):
        if template.gbv_types:
            for gbv_type in template.gbv_types:
                hours_by_type.setdefault(gbv_type, template.act_within_hours)
        elif default_hours is None:
            default_hours = template.act_within_hours
    return hours_by_type, default_hours


def unattended_urgent_cases(now=None) -> QuerySet:
    """Urgent violence cases still open with no emergency action, registered longer ago than
    their checklist's act-within hours (the checklist ``checklist_for`` picks). Not scoped:
    the sweep and the early-warning rules read it, and scope what they show."""
    now = now or timezone.now()
    hours_by_type, default_hours = checklist_hours()
    late = Q(pk__in=[])
    for gbv_type, hours in hours_by_type.items():
        late |= Q(gbv_type=gbv_type, received_at__lte=now - timedelta(hours=hours))
    if default_hours is not None:
        late |= ~Q(gbv_type__in=list(hours_by_type)) & Q(
            received_at__lte=now - timedelta(hours=default_hours)
        )
    acted = EmergencyAction.objects.filter(case=OuterRef("pk"))
    return (
        Case.objects.filter(VIOLENCE_CASE, late, urgency=Urgency.URGENT, status__in=OPEN_STATUSES)
        .exclude(Exists(acted))
        .order_by("received_at", "pk")
    )


# --- mandatory reports --------------------------------------------------------------------


def visible_reports(user, action: str = "view") -> QuerySet:
    return MandatoryReport.objects.restrict(user, action).select_related(
        "org", "case", "victim", "handled_by"
    )


def may_see_reporter(user, report) -> bool:
    """Those handling the report: the permission, and the report in her reach to act on."""
    return bool(
        user is not None
        and user.has_perm("protection.view_reporter")
        and may(user, "change", report)
    )


def report_open(user, pk, *, queryset=None, channel: str | None = None) -> MandatoryReport:
    if queryset is None:
        queryset = visible_reports(user)
    report = get_object_or_404(queryset, pk=pk)
    audit.record_open(user, report, channel=channel, reporter_shown=may_see_reporter(user, report))
    return report
