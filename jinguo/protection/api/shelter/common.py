"""What the shelter API's modules share: relation fields scoped by restrict(), lists of ids
checked before any lookup, the emergency actions' filterset."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jinguo.cases.models import Agency, Case
from jinguo.core.api import MAX_ID, valid_id
from jinguo.core.filters import ID_OUT_OF_RANGE, BaseFilterSet, IdFilter
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person

from ...models import EmergencyAction, Shelter

# --- scoped relation fields ----------------------------------------------------------------


class _Scoped(serializers.PrimaryKeyRelatedField):
    message = _("该记录不存在或不在您的管辖范围内。")
    default_error_messages = {"does_not_exist": message}

    def scoped(self, user):
        raise NotImplementedError

    def get_queryset(self):
        request = self.context.get("request")
        return self.scoped(request.user) if request is not None else self.model.objects.none()


@extend_schema_field(OpenApiTypes.INT)
class PersonField(_Scoped):
    model = Person

    def scoped(self, user):
        return Person.objects.restrict(user, "view").filter(is_active=True)


@extend_schema_field(OpenApiTypes.INT)
class CaseField(_Scoped):
    model = Case

    def scoped(self, user):
        return Case.objects.restrict(user, "view")


@extend_schema_field(OpenApiTypes.INT)
class UnitField(_Scoped):
    model = OrgUnit

    def scoped(self, user):
        return OrgUnit.objects.restrict(user, "view").filter(is_active=True)


@extend_schema_field(OpenApiTypes.INT)
class ShelterField(_Scoped):
    model = Shelter

    def scoped(self, user):
        return Shelter.objects.restrict(user, "view")


@extend_schema_field(OpenApiTypes.INT)
class AgencyField(_Scoped):
    model = Agency

    def scoped(self, user):
        return Agency.objects.restrict(user, "view")


@extend_schema_field(OpenApiTypes.INT)
class StaffField(_Scoped):
    def scoped(self, user):
        from ...forms.shelter import staff_candidates

        return staff_candidates(user)

    def get_queryset(self):
        request = self.context.get("request")
        return self.scoped(request.user) if request else get_user_model().objects.none()


class IdListField(serializers.ListField):
    """A list of record ids, each checked to be a bigint before any lookup."""

    def to_internal_value(self, data):
        if isinstance(data, list) and any(isinstance(v, bool) or not valid_id(v) for v in data):
            raise serializers.ValidationError(ID_OUT_OF_RANGE % {"max": MAX_ID})
        return super().to_internal_value(data)


class EmergencyActionFilterSet(BaseFilterSet):
    case = IdFilter(field_name="case", label=_("个案"))

    class Meta:
        model = EmergencyAction
        fields = ["case"]
