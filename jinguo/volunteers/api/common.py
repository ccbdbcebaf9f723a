"""What the volunteers API shares: read-only scoped viewsets, names masked where the person is
not hers to see, the unit filter's schema."""

from drf_spectacular.utils import OpenApiParameter
from rest_framework import permissions

from jinguo.core.api import NoCreateMixin, ScopedModelViewSet

from .. import selectors

# The unit filter takes a unit id (its subtree); the schema would otherwise call it a string.
UNIT_PARAM = OpenApiParameter("unit", int, description="单位 id：该单位及其全部下级")


class ReadOnlyViewSet(ScopedModelViewSet):
    """List and detail through restrict(user, "view"); detail actions (POST) where declared."""

    http_method_names = ["get", "head", "options"]
    # action name -> the restrict() action its record is looked up with.
    scope_actions: dict[str, str] = {}

    def scope_action(self) -> str:
        return self.scope_actions.get(self.action, "view")

    def get_permissions(self):
        if self.action in self.scope_actions:
            # The scoped look-up and the service decide; out of scope stays a 404.
            return [permissions.IsAuthenticated()]
        return super().get_permissions()


class ActionsViewSet(NoCreateMixin, ReadOnlyViewSet):
    """Read-only, plus POST detail actions (no create on the list)."""

    http_method_names = ["get", "post", "head", "options"]


# Shared with the pages.
with_person_visible = selectors.with_person_visible
shown_name = selectors.shown_name
