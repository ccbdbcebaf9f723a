"""Helpers every reader and service of this app shares: restrict() for a model, the
permission check, the home-subtree tab, the workers a user may name.

Everything is scoped by restrict(). A record hanging off a person or a household declares it
(``scope_parent``), so a contact assignment, which shares the person with the worker, lets her
see the visits, tags and consents on that person without one share row per record, and ending
the assignment takes all of it away again.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jinguo.accounts.models import User
from jinguo.core.scoping import permission_name


def _active_user(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def visible(model, user, action: str = "view") -> QuerySet:
    """``model.objects.restrict(user, action)``; ``user=None`` is the system actor (management
    commands, demo data): everything."""
    if user is None:
        return model.objects.all()
    return model.objects.restrict(user, action)


def can(user, action: str, model) -> bool:
    return _active_user(user) and user.has_perm(permission_name(model, action))


def require_permission(user, action: str, model) -> None:
    """Services call this first; ``user=None`` is the system actor (commands, demo data)."""
    if user is not None and not can(user, action, model):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


def within_home_subtree(qs: QuerySet, user) -> QuerySet:
    """Narrow an already restricted queryset to the user's own unit's subtree: a tab of a page
    ("my unit's", leaving out what is shared with her from elsewhere), never a scope check."""
    return qs.filter(org_path__subtree=user.home_path) if user.home_path else qs.none()


def assignable_workers(user) -> QuerySet:
    """Workers a user may name as responsible or contact: active users she can see, and herself."""
    if user is None:
        return User.objects.filter(is_active=True)
    return (User.objects.restrict(user, "view") | User.objects.filter(pk=user.pk)).filter(
        is_active=True
    )
