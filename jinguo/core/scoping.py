"""restrict(user, action): the one place that decides which records a user may see or touch.

A user gets the records (a) whose unit path lies in her home unit's subtree, when one of her
roles grants ``<app>.<action>_<model>`` — and, for a sensitive record, ``core.view_sensitive``
too — or (b) that were explicitly shared with her for that action, or with her home unit when
one of her roles grants that action on the model.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

VIEW_SENSITIVE = "core.view_sensitive"
SHARE_IDS_INLINE = 1000


def permission_name(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def active_shares(user, model, action: str):
    from django.contrib.contenttypes.models import ContentType

    from .models import Share

    now = timezone.now()
    grantee = Q(user_id=user.pk)
    # A unit share reaches the unit's staff who work with such records (the role permission
    # for the action), not every account homed there: a partner agency's users or the
    # system administrator of that unit must not inherit it.
    if user.home_unit_id and user.has_perm(permission_name(model, action)):
        grantee |= Q(unit_id=user.home_unit_id)
    return Share.objects.filter(
        grantee,
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        action=action,
        revoked_at__isnull=True,
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class RestrictQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        model = self.model
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        path_field = getattr(model, "scope_path_field", "org_path")
        sensitive_field = getattr(model, "scope_sensitive_field", None)

        allowed = Q(pk__in=[])
        home_path = user.home_path
        if home_path and user.has_perm(permission_name(model, action)):
            in_scope = Q(**{f"{path_field}__subtree": home_path})
            if sensitive_field and not user.has_perm(VIEW_SENSITIVE):
                in_scope &= Q(**{sensitive_field: False})
            allowed = in_scope
        # The user's shared ids are read first and inlined: "path LIKE … OR id IN (subquery)"
        # defeats the path index on both databases, "OR id IN (1, 2, …)" does not, and with no
        # shares the branch disappears. A user with very many shares keeps the subquery.
        shared = active_shares(user, model, action).values_list("object_id", flat=True)
        ids = list(shared[: SHARE_IDS_INLINE + 1])
        if len(ids) > SHARE_IDS_INLINE:
            return self.filter(allowed | Q(pk__in=shared))
        return self.filter(allowed | Q(pk__in=ids))
