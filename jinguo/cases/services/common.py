"""Helpers every case service shares: scoped look-ups with a lock, the timeline event, and
the optimistic-lock check."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.scoping import permission_name

from ..models import Case, CaseEvent


class ConflictError(ValidationError):
    """Someone else changed the record since the user opened it (optimistic locking)."""

    def __init__(self, message=None):
        super().__init__(
            message
            or _(
                "这条个案在您编辑期间已被其他人修改。您填写的内容仍保留在下方，"
                "请核对最新信息后再提交。"
            ),
            code="conflict",
        )


def require_perm(user, action: str, model=Case) -> None:
    if not user.has_perm(permission_name(model, action)):
        raise PermissionDenied


def locked_case(user, case: Case | int, action: str) -> Case:
    """Re-read ``case`` under a row lock through restrict(user, action); 404-equivalent
    ValidationError when it is out of reach (same answer as not existing)."""
    pk = case.pk if isinstance(case, Case) else case
    found = Case.objects.restrict(user, action).select_for_update().filter(pk=pk).first()
    if found is None:
        raise ValidationError(_("该个案不存在，或您无权进行此项操作。"), code="not_found")
    return found


def check_version(case: Case, expected_version: int | None) -> None:
    if expected_version is not None and int(expected_version) != case.version:
        raise ConflictError()


def add_event(
    case: Case,
    kind: str,
    *,
    user=None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    at=None,
    **data,
) -> CaseEvent:
    """A typed step on the case's timeline (the audit row is written by the caller)."""
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        at=at or timezone.now(),
        actor=user if user is not None and getattr(user, "pk", None) else None,
        actor_unit_id=getattr(user, "home_unit_id", None),
        from_status=from_status,
        to_status=to_status,
        note=note or "",
        data={k: v for k, v in data.items() if v is not None},
    )


def bump(case: Case, fields: list[str]) -> None:
    """Save ``fields`` and the version; every change of a case goes through here."""
    case.version += 1
    case.save(update_fields=[*fields, "version", "updated_at"])


def audit_change(user, case: Case, action: str, before: dict, **detail) -> None:
    audit.record_change(user, case, action, before=before, after=audit.snapshot(case), **detail)
