"""The follow-up schedule new plans get, as the system administrator sets it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jinguo.core import audit

from ..models import FollowUpSchedule
from .followup import default_schedule

MAX_VISITS = 8
MAX_DAY = 730
REPEAT_RANGE = (7, 365)


def parse_days(text: str) -> list[int]:
    """ "7, 30, 90" (commas of either width, 、 or spaces) → [7, 30, 90]; a clear error
    otherwise."""
    raw = (text or "").replace("，", ",").replace("、", ",").replace(" ", ",")
    parts = [p for p in raw.split(",") if p.strip()]
    if not parts:
        raise ValidationError(_("请至少填写一次回访（办结后第几天）。"))
    days = []
    for part in parts:
        part = part.strip()
        if not part.isdigit() or not part.isascii():
            raise ValidationError(
                _("“%(v)s”不是天数：请填写正整数，用逗号分隔，如 7, 30, 90。") % {"v": part[:20]}
            )
        days.append(int(part))
    return days


def _validate(days: list[int], repeat: int) -> tuple[list[int], int]:
    errors = {}
    if not days:
        errors["days"] = _("请至少填写一次回访（办结后第几天）。")
    elif len(set(days)) != len(days):
        errors["days"] = _("回访天数不能重复。")
    elif len(days) > MAX_VISITS:
        errors["days"] = _("固定回访至多 %(n)d 次。") % {"n": MAX_VISITS}
    elif any(d < 1 or d > MAX_DAY for d in days):
        errors["days"] = _("回访天数须在 1 到 %(max)d 天之间。") % {"max": MAX_DAY}
    low, high = REPEAT_RANGE
    if repeat is None or not low <= repeat <= high:
        errors["repeat_every_days"] = _("此后回访间隔须在 %(low)d 到 %(high)d 天之间。") % {
            "low": low,
            "high": high,
        }
    if errors:
        raise ValidationError(errors)
    return sorted(days), repeat


def followup_schedule_update(*, user, days: list[int], repeat_every_days: int) -> FollowUpSchedule:
    """Set the schedule of plans made from now on (plans already made keep theirs)."""
    if user is None or not user.has_perm("protection.change_followupschedule"):
        raise PermissionDenied
    days, repeat = _validate(list(days), repeat_every_days)
    with transaction.atomic():
        row = FollowUpSchedule.objects.select_for_update().order_by("pk").first()
        was_days, was_repeat = default_schedule()
        before = {"days": was_days, "repeat_every_days": was_repeat}
        if row is None:
            row = FollowUpSchedule(days=days, repeat_every_days=repeat, updated_by=user)
            row.save()
        else:
            row.days, row.repeat_every_days, row.updated_by = days, repeat, user
            row.save(update_fields=["days", "repeat_every_days", "updated_by", "updated_at"])
        after = {"days": days, "repeat_every_days": repeat}
        if after != before:
            audit.record_change(
                user, row, "update", before=before, after=after, step="followup_schedule_update"
            )
    return row
