"""Base classes for the REST API: the same restrict() scoping as the UI, 404 outside scope."""

from rest_framework import exceptions, permissions, viewsets

from .ids import MAX_ID, valid_id
from .scoping import permission_name

__all__ = ["MAX_ID", "valid_id"]


ACTION_BY_METHOD = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class ModelActionPermission(permissions.BasePermission):
    """Requires the role permission for the request's action on the view's model.

    Object-level access is not checked here: objects come from restrict(), so an object
    outside the user's scope is simply not found (404).
    """

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        action = ACTION_BY_METHOD.get(request.method, "change")
        if request.method in ("PUT", "PATCH", "DELETE"):
            # Scoped lookups decide; a user with a share but no role permission may still act.
            return True
        return user.has_perm(permission_name(view.queryset_model(), action)) or action == "view"


class IdLookupMixin:
    """A detail URL whose id is not a positive bigint answers 404 before any query."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        lookup = self.lookup_url_kwarg or self.lookup_field
        if lookup in kwargs and not valid_id(kwargs[lookup]):
            from .api_errors import not_found_message

            raise exceptions.NotFound(not_found_message())


class VersionRequired(exceptions.APIException):
    status_code = 428
    default_code = "version_required"

    def __init__(self):
        from django.utils.translation import gettext as _

        super().__init__(
            {
                "version": [
                    _("请提交读取记录时得到的 version：没有它就无法知道其间是否有人改过这条记录。")
                ]
            }
        )


class ScopedModelViewSet(IdLookupMixin, viewsets.ModelViewSet):
    """Subclasses set ``model`` and call services from perform_create/update/destroy.

    A service's exceptions pass through untouched: core.api_errors answers them (400, 404,
    409) alike for every endpoint.
    """

    model = None
    permission_classes = [permissions.IsAuthenticated, ModelActionPermission]

    def queryset_model(self):
        return self.model

    def scope_action(self) -> str:
        return ACTION_BY_METHOD.get(self.request.method, "change")

    def get_queryset(self):
        return self.model.objects.restrict(self.request.user, self.scope_action())

    def get_object(self):
        obj = super().get_object()
        # An update of a versioned record must say which version it read: without it, the
        # second of two colleagues editing at once would silently overwrite the first. Asked
        # once the record is found, so that out of scope stays a plain 404.
        if self.request.method in ("PUT", "PATCH") and self._versioned():
            data = self.request.data
            if not hasattr(data, "get") or data.get("version") in (None, ""):
                raise VersionRequired()
        return obj

    def _versioned(self) -> bool:
        model = self.queryset_model()
        return model is not None and any(f.name == "version" for f in model._meta.fields)


class NoCreateMixin:
    """For a viewset whose list takes no POST (its detail actions may): POST on the list is
    405 and the list's Allow header does not offer it, as the schema does not."""

    def create(self, request, *args, **kwargs):
        raise exceptions.MethodNotAllowed(request.method)

    @property
    def allowed_methods(self):
        methods = super().allowed_methods
        if getattr(self, "action_map", {}).get("post") == "create":
            methods = [m for m in methods if m != "POST"]
        return methods
