"""Filters of the volunteers and councils lists (pages and exports)."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from jinguo.core.filters import BaseFilterSet, IdFilter
from jinguo.core.ids import MAX_ID
from jinguo.orgs.models import OrgUnit

from .choices import RegistrationStatus, ResolutionStatus
from .models import (
    Activity,
    CarePairing,
    Council,
    Meeting,
    Participation,
    Resolution,
    Team,
    Volunteer,
)


def _units(request):
    user = getattr(request, "user", None)
    if user is None:
        return OrgUnit.objects.none()
    return OrgUnit.objects.restrict(user, "view").order_by("path")


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class UnitFilter(django_filters.ModelChoiceFilter):
    """A unit id: the records of its subtree (the API's schema says it is an id)."""


class UnitFilterSet(BaseFilterSet):
    unit = UnitFilter(
        queryset=_units, method="filter_unit", label=_("单位（含下级）"), empty_label=_("全部")
    )

    def filter_unit(self, queryset, name, value):
        return queryset.filter(org_path__subtree=value.path) if value else queryset


class TeamFilterSet(UnitFilterSet):
    class Meta:
        model = Team
        fields = ["unit"]


class VolunteerFilterSet(UnitFilterSet):
    status = django_filters.ChoiceFilter(
        choices=RegistrationStatus.choices, label=_("状态"), empty_label=_("全部")
    )

    class Meta:
        model = Volunteer
        fields = ["unit", "status"]


class ActivityFilterSet(UnitFilterSet):
    class Meta:
        model = Activity
        fields = ["unit"]


class CarePairingFilterSet(UnitFilterSet):
    class Meta:
        model = CarePairing
        fields = ["unit"]


class CouncilFilterSet(UnitFilterSet):
    class Meta:
        model = Council
        fields = ["unit"]


class ResolutionFilterSet(UnitFilterSet):
    status = django_filters.ChoiceFilter(
        choices=ResolutionStatus.choices, label=_("状态"), empty_label=_("全部")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("已逾期"))

    class Meta:
        model = Resolution
        fields = ["unit", "status", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = {"status": ResolutionStatus.OPEN, "due_on__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)


class ParticipationFilterSet(UnitFilterSet):
    """The API's sign-ups: of one activity, of one volunteer, confirmed or not."""

    activity = IdFilter(field_name="activity_id", label=_("活动编号"))
    volunteer = IdFilter(field_name="volunteer_id", label=_("志愿者编号"))
    confirmed = django_filters.BooleanFilter(
        field_name="confirmed_at", lookup_expr="isnull", exclude=True, label=_("已确认")
    )

    class Meta:
        model = Participation
        fields = ["unit", "activity", "volunteer", "confirmed"]


class MeetingFilterSet(UnitFilterSet):
    council = IdFilter(field_name="council_id", label=_("议事会编号"))

    class Meta:
        model = Meeting
        fields = ["unit", "council"]
