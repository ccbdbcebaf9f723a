"""联系点: assigning a cadre or grid worker to a person or a household, and ending it.

The assignment shares its target with the worker for view and change: she can open and
update the person (or household) even in another unit or when the record is sensitive, and
through restrict()'s ``scope_parent`` also the visits, tags and consents on it.
Ending the assignment revokes exactly that share; other grants (another assignment, a tag she
is responsible for) keep theirs.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.sharing import share_grant, share_revoke

from ..models import ContactAssignment, Household, Person
from ..selectors.common import assignable_workers, require_permission, visible
from ..selectors.households import visible_households
from ..selectors.persons import visible_persons

SHARE_ACTIONS = ("view", "change")
MAX_VISIT_EVERY_DAYS = 365
NOTE_MAX = ContactAssignment._meta.get_field("note").max_length


def contact_share_reason(assignment: ContactAssignment) -> str:
    # Stored, and matched when revoking: a fixed text, never translated.
    return f"联系点指派 #{assignment.pk}"


def _every_error(days) -> str | None:
    if not isinstance(days, int) or not 1 <= days <= MAX_VISIT_EVERY_DAYS:
        return _("走访周期须为 1 至 %(n)d 天。") % {"n": MAX_VISIT_EVERY_DAYS}
    return None


def contact_assign(
    *,
    user,
    worker,
    person: Person | None = None,
    household: Household | None = None,
    since: date | None = None,
    visit_every_days: int = 30,
    note: str = "",
) -> ContactAssignment:
    require_permission(user, "add", ContactAssignment)
    today = timezone.localdate()
    since = since or today
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if (person is None) == (household is None):
        errors["person"] = _("请选择一位联系对象：一个人或一个家庭。")
    if worker is None or not assignable_workers(user).filter(pk=worker.pk).exists():
        errors["worker"] = _("联系人不存在、已停用或不在您的管辖范围内。")
    if since > today:
        errors["since"] = _("联系起始日期不能晚于今天。")
    if msg := _every_error(visit_every_days):
        errors["visit_every_days"] = msg
    if len(note) > NOTE_MAX:
        errors["note"] = _("说明不能超过 %(n)d 个字。") % {"n": NOTE_MAX}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if person is not None:
            target = visible_persons(user).select_for_update().filter(pk=person.pk).first()
            key = "person"
        else:
            target = visible_households(user).select_for_update().filter(pk=household.pk).first()
            key = "household"
        if target is None:
            raise ValidationError({key: _("联系对象不存在或不在您的管辖范围内。")})
        if ContactAssignment.objects.filter(
            **{key: target}, worker=worker, ended_on__isnull=True
        ).exists():
            raise ValidationError({"worker": _("该联系人已在联系这个对象，无需重复指派。")})
        assignment = ContactAssignment(
            worker=worker,
            org=target.org,
            since=since,
            visit_every_days=visit_every_days,
            note=note,
            is_sensitive=target.is_sensitive,
            **{key: target},
        )
        assignment.save(force_insert=True)
        share_grant(
            obj=target,
            user=worker,
            actions=SHARE_ACTIONS,
            reason=contact_share_reason(assignment),
            granted_by=user,
        )
        audit.record_change(user, assignment, "assign", after=audit.snapshot(assignment))
    return assignment


def _locked(user, assignment: ContactAssignment) -> ContactAssignment:
    require_permission(user, "change", ContactAssignment)
    locked = (
        visible(ContactAssignment, user, "change")
        .select_for_update()
        .filter(pk=assignment.pk)
        .first()
    )
    if locked is None:
        raise ValidationError(_("该联系关系不存在或不在您的管辖范围内。"))
    if locked.ended_on is not None:
        raise ValidationError(_("该联系关系已结束。"))
    return locked


def contact_update(
    *, user, assignment: ContactAssignment, visit_every_days: int, note: str = ""
) -> ContactAssignment:
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if msg := _every_error(visit_every_days):
        errors["visit_every_days"] = msg
    if len(note) > NOTE_MAX:
        errors["note"] = _("说明不能超过 %(n)d 个字。") % {"n": NOTE_MAX}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(user, assignment)
        changed = [
            f
            for f, v in (("visit_every_days", visit_every_days), ("note", note))
            if getattr(locked, f) != v
        ]
        if not changed:
            return locked
        before = audit.snapshot(locked)
        locked.visit_every_days = visit_every_days
        locked.note = note
        locked.save(update_fields=changed)
        audit.record_change(user, locked, "update", before=before, after=audit.snapshot(locked))
    return locked


def contact_end(
    *, user, assignment: ContactAssignment, ended_on: date | None = None, reason: str = ""
) -> ContactAssignment:
    """End the assignment and take back the worker's share of the person or household."""
    today = timezone.localdate()
    ended_on = ended_on or today
    reason = (reason or "").strip()
    if ended_on > today:
        raise ValidationError({"ended_on": _("结束日期不能晚于今天。")})
    with transaction.atomic():
        locked = _locked(user, assignment)
        if ended_on < locked.since:
            raise ValidationError({"ended_on": _("结束日期不能早于联系起始日期。")})
        before = audit.snapshot(locked)
        locked.ended_on = ended_on
        locked.save(update_fields=["ended_on"])
        share_revoke(
            obj=locked.person or locked.household,
            user=locked.worker,
            reason=reason or "联系关系结束",
            revoked_by=user,
            grant_reason=contact_share_reason(locked),
        )
        audit.record_change(
            user,
            locked,
            "update",
            before=before,
            after=audit.snapshot(locked),
            reason=reason[:200],
        )
    return locked
