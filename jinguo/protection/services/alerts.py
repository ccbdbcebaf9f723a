"""Early-warning records: what people do with a warning. Each needs
restrict(user, "acknowledge") on the warning (the ``protection.acknowledge_alert`` permission
in her subtree, or a share), writes the warning and an audit row in one transaction.

- alert_acknowledge(*, user, alert, version=None) -> Alert       open → acknowledged
- alert_assign(*, user, alert, worker, version=None) -> Alert     (acknowledges it too)
- alert_record_action(*, user, alert, action, version=None) -> Alert
- alert_resolve(*, user, alert, reason, version=None) -> Alert    → resolved
- assignable_users(user, alert) -> QuerySet
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.concurrency import check_version
from jinguo.core.notifications import notify
from jinguo.core.sharing import share_grant

from ..choices import AlertStatus
from ..models import Alert

TEXT_MAX = 2000
ASSIGNEE_REASON = "预警处置人"


def _locked(user, alert, version) -> Alert:
    found = (
        Alert.objects.restrict(user, "acknowledge").select_for_update().filter(pk=alert.pk).first()
    )
    if found is None:
        raise ValidationError(_("该预警不存在，或您无权进行此项操作。"), code="not_found")
    check_version(found, version)
    if found.status == AlertStatus.RESOLVED:
        raise ValidationError(_("该预警已解除。"))
    return found


def _text(value, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > TEXT_MAX:
        raise ValidationError({field: _("不能超过 %(n)d 个字。") % {"n": TEXT_MAX}})
    return value


def _save(user, alert, before, fields, step, **detail) -> Alert:
    alert.version += 1
    alert.save(update_fields=[*fields, "version", "updated_at"])
    audit.record_change(
        user, alert, "update", before=before, after=audit.snapshot(alert), step=step, **detail
    )
    return alert


def _acknowledge(user, alert) -> list[str]:
    if alert.status != AlertStatus.OPEN:
        return []
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.acknowledged_at, alert.acknowledged_by = timezone.now(), user
    return ["status", "acknowledged_at", "acknowledged_by"]


def alert_acknowledge(*, user, alert, version=None) -> Alert:
    with transaction.atomic():
        alert = _locked(user, alert, version)
        if alert.status != AlertStatus.OPEN:
            raise ValidationError(_("该预警已经签收。"))
        before = audit.snapshot(alert)
        return _save(user, alert, before, _acknowledge(user, alert), "alert_acknowledge")


def assignable_users(user, alert):
    """Active staff of the warning's unit or a unit above it (within the user's own subtree)
    who may sign for warnings."""
    parts = [p for p in alert.org_path.split("/") if p]
    ancestors = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    home = user.home_path or ""
    ancestors = [p for p in ancestors if p.startswith(home) or home.startswith(p)]
    return (
        get_user_model()
        .objects.filter(is_active=True, home_unit__path__in=ancestors)
        .filter(
            Q(
                roles__permissions__content_type__app_label="protection",
                roles__permissions__codename="acknowledge_alert",
            )
        )
        .distinct()
        .order_by("real_name", "pk")
    )


def alert_assign(*, user, alert, worker, version=None) -> Alert:
    with transaction.atomic():
        alert = _locked(user, alert, version)
        if worker is None or not assignable_users(user, alert).filter(pk=worker.pk).exists():
            raise ValidationError({"worker": _("请选择本单位或上级单位中可以处置预警的人员。")})
        if alert.assigned_to_id == worker.pk:
            raise ValidationError({"worker": _("该预警已指派给此人。")})
        before = audit.snapshot(alert)
        fields = [*_acknowledge(user, alert), "assigned_to"]
        alert.assigned_to = worker
        share_grant(
            obj=alert,
            user=worker,
            actions=("view", "acknowledge"),
            reason=ASSIGNEE_REASON,
            granted_by=user,
        )
        _save(user, alert, before, fields, "alert_assign", worker_id=worker.pk)
        notify(
            worker,
            _("%(level)s预警已指派给您处置") % {"level": alert.get_level_display()},
            alert.summary,
            alert.get_absolute_url(),
            "danger" if alert.level == "red" else "warning",
        )
    return alert


def alert_record_action(*, user, alert, action, version=None) -> Alert:
    """Add a dated line to the warning's actions (encrypted; the earlier lines stay)."""
    action = _text(action, "action", _("请填写采取的处置措施。"))
    with transaction.atomic():
        alert = _locked(user, alert, version)
        before = audit.snapshot(alert)
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        line = f"[{stamp} {user.real_name or user.get_username()}] {action}"
        alert.actions_taken = f"{alert.actions_taken}\n{line}".strip()
        fields = [*_acknowledge(user, alert), "actions_taken"]
        return _save(user, alert, before, fields, "alert_action")


def alert_resolve(*, user, alert, reason, version=None) -> Alert:
    reason = _text(reason, "reason", _("请填写解除预警的理由。"))
    with transaction.atomic():
        alert = _locked(user, alert, version)
        before = audit.snapshot(alert)
        fields = _acknowledge(user, alert)
        alert.status, alert.resolved_at, alert.resolved_by = (
            AlertStatus.RESOLVED,
            timezone.now(),
            user,
        )
        alert.resolution = reason
        return _save(
            user,
            alert,
            before,
            [*dict.fromkeys([*fields, "status", "resolved_at", "resolved_by", "resolution"])],
            "alert_resolve",
        )
