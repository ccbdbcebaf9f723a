"""Reads of the audit trail."""

from django.db.models import Q, QuerySet

from .models import AuditEvent

VIEW_AUDIT = "core.view_audit"


def audit_events_for(user) -> QuerySet[AuditEvent]:
    """The audit rows a user may read.

    The security auditor is deliberately global: audit is not scoped by restrict(). An auditor
    whose home unit is the root of the tree sees every row (system events included); one placed
    lower sees the rows whose acting user or object lies in her subtree.
    """
    qs = AuditEvent.objects.select_related("user")
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if not user.has_perm(VIEW_AUDIT):
        return qs.none()
    unit = user.home_unit
    if unit.parent_id is None:
        return qs
    path = unit.path
    # Plain CharFields (no __subtree); the trailing separator keeps sibling codes out.
    return qs.filter(Q(user_org_path__startswith=path) | Q(object_org_path__startswith=path))
