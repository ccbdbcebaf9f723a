from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jinguo.core.serializers import ModelSerializer, Serializer
from jinguo.orgs.choices import UnitKind
from jinguo.orgs.models import OrgUnit


class OrgUnitSerializer(ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    parent_name = serializers.CharField(
        source="parent.name", read_only=True, default=None, allow_null=True
    )
    child_count = serializers.IntegerField(read_only=True, default=None, allow_null=True)

    class Meta:
        model = OrgUnit
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "kind",
            "kind_display",
            "level",
            "parent",
            "parent_name",
            "path",
            "phone",
            "address",
            "is_active",
            "division_version",
            "child_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class ScopedUnitField(serializers.PrimaryKeyRelatedField):
    """A unit id, accepted only within restrict(request.user, action)."""

    def __init__(self, *, action: str, **kwargs):
        self.scope_action = action
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return OrgUnit.objects.none()
        return OrgUnit.objects.restrict(request.user, self.scope_action)


class OrgUnitCreateSerializer(Serializer):
    parent = ScopedUnitField(action="add", label=_("上级单位"))
    kind = serializers.ChoiceField(choices=UnitKind.choices, label=_("类型"))
    code = serializers.CharField(max_length=32, label=_("代码"))
    name = serializers.CharField(max_length=100, label=_("名称"))
    short_name = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default="", label=_("简称")
    )
    phone = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", label=_("联系电话")
    )
    address = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", label=_("办公地址")
    )


class OrgUnitUpdateSerializer(Serializer):
    name = serializers.CharField(max_length=100, required=False, label=_("名称"))
    short_name = serializers.CharField(
        max_length=50, required=False, allow_blank=True, label=_("简称")
    )
    phone = serializers.CharField(
        max_length=40, required=False, allow_blank=True, label=_("联系电话")
    )
    address = serializers.CharField(
        max_length=200, required=False, allow_blank=True, label=_("办公地址")
    )
    is_active = serializers.BooleanField(required=False, label=_("启用"))


class OrgUnitMoveSerializer(Serializer):
    parent = ScopedUnitField(action="move", label=_("新的上级单位"))
    reason = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", label=_("调整原因")
    )
