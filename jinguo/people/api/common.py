"""What the API of the records around a person shares: scoped relation fields and the base
viewset.

Scoped like the UI (restrict(), which also grants the records of persons or households shared
with the caller), writes through the same services, filtered by the same filtersets.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.response import Response

from jinguo.core.api import ScopedModelViewSet

from ..selectors.common import assignable_workers
from ..selectors.households import visible_households
from ..selectors.persons import visible_persons


class _ScopedField(serializers.PrimaryKeyRelatedField):
    def scoped(self, user):
        raise NotImplementedError

    def get_queryset(self):
        request = self.context.get("request")
        return self.scoped(request.user if request else None) if request else None


@extend_schema_field(OpenApiTypes.INT)
class PersonField(_ScopedField):
    default_error_messages = {"does_not_exist": _("该人员不存在或不在您的管辖范围内。")}

    def scoped(self, user):
        return visible_persons(user)


@extend_schema_field(OpenApiTypes.INT)
class HouseholdField(_ScopedField):
    default_error_messages = {"does_not_exist": _("该家庭不存在或不在您的管辖范围内。")}

    def scoped(self, user):
        return visible_households(user)


@extend_schema_field(OpenApiTypes.INT)
class WorkerField(_ScopedField):
    default_error_messages = {"does_not_exist": _("该用户不存在、已停用或不在您的管辖范围内。")}

    def scoped(self, user):
        return assignable_workers(user)


class RelatedViewSet(ScopedModelViewSet):
    """Scoped through restrict(); writes call a service, read back scoped."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    detail_serializer_class = None
    # Custom POST actions that change a record: the service checks permission and scope.
    change_actions: tuple[str, ...] = ()

    def scope_action(self) -> str:
        if self.action in self.change_actions:
            return "change"
        return super().scope_action()

    def get_permissions(self):
        if self.action in self.change_actions:
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return self.serializer_class

    def call(self, service, **kwargs):
        return service(user=self.request.user, **kwargs)

    def read(self, obj, code=status.HTTP_200_OK):
        cls = self.detail_serializer_class or self.serializer_class
        obj = self.model.objects.get(pk=obj.pk)
        return Response(cls(obj, context=self.get_serializer_context()).data, status=code)

    def validated(self, serializer_class, **kwargs):
        serializer = serializer_class(
            data=self.request.data, context=self.get_serializer_context(), **kwargs
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data
