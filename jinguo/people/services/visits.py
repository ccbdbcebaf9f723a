"""Visit records (走访): what a worker saw and heard, on a person or a household.

The situation and the needs are encrypted narratives. A visit takes its target's unit and
sensitivity; a worker assigned to the target may record visits there (through the share).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit

from ..choices import VisitMethod
from ..models import Household, HouseholdMember, Person, Visit
from ..selectors.common import assignable_workers, require_permission, visible
from ..selectors.households import visible_households
from ..selectors.persons import visible_persons

MET_MAX = Visit._meta.get_field("met_whom").max_length
TEXT_MAX = 5000


def _check(
    errors: dict,
    *,
    visited_on: date,
    method: str,
    met_whom: str,
    situation: str,
    needs: str,
    follow_up_needed: bool,
    follow_up_on: date | None,
) -> None:
    today = timezone.localdate()
    if visited_on is None:
        errors["visited_on"] = _("请填写走访日期。")
    elif visited_on > today:
        errors["visited_on"] = _("走访日期不能晚于今天。")
    if method not in VisitMethod.values:
        errors["method"] = _("请选择走访方式。")
    if len(met_whom) > MET_MAX:
        errors["met_whom"] = _("“见到的人”不能超过 %(n)d 个字。") % {"n": MET_MAX}
    if not situation:
        errors["situation"] = _("请填写走访情况。")
    elif len(situation) > TEXT_MAX:
        errors["situation"] = _("走访情况不能超过 %(n)d 个字。") % {"n": TEXT_MAX}
    if len(needs) > TEXT_MAX:
        errors["needs"] = _("提出的需求不能超过 %(n)d 个字。") % {"n": TEXT_MAX}
    if follow_up_needed and follow_up_on is None:
        errors["follow_up_on"] = _("需要跟进时请填写跟进日期。")
    elif follow_up_on is not None and visited_on is not None and follow_up_on < visited_on:
        errors["follow_up_on"] = _("跟进日期不能早于走访日期。")


def visit_create(
    *,
    user,
    person: Person | None = None,
    household: Household | None = None,
    situation: str,
    visited_on: date | None = None,
    method: str = VisitMethod.HOME,
    met_whom: str = "",
    needs: str = "",
    follow_up_needed: bool = False,
    follow_up_on: date | None = None,
    worker=None,
) -> Visit:
    require_permission(user, "add", Visit)
    visited_on = visited_on or timezone.localdate()
    situation, needs, met_whom = (
        (situation or "").strip(),
        (needs or "").strip(),
        (met_whom or "").strip(),
    )
    worker = worker or user
    errors: dict[str, str] = {}
    if person is None and household is None:
        errors["person"] = _("请选择走访对象：一个人或一个家庭。")
    if worker is None:
        errors["worker"] = _("请选择走访人。")
    elif worker != user and not assignable_workers(user).filter(pk=worker.pk).exists():
        errors["worker"] = _("走访人不存在、已停用或不在您的管辖范围内。")
    _check(
        errors,
        visited_on=visited_on,
        method=method,
        met_whom=met_whom,
        situation=situation,
        needs=needs,
        follow_up_needed=follow_up_needed,
        follow_up_on=follow_up_on,
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if person is not None:
            person = visible_persons(user).filter(pk=person.pk).first()
            if person is None:
                raise ValidationError({"person": _("走访对象不存在或不在您的管辖范围内。")})
        if household is not None:
            household = visible_households(user).filter(pk=household.pk).first()
            if household is None:
                raise ValidationError({"household": _("走访家庭不存在或不在您的管辖范围内。")})
        if (
            person is not None
            and household is not None
            and not HouseholdMember.objects.filter(household=household, person=person).exists()
        ):
            raise ValidationError({"person": _("走访对象不是该家庭的成员。")})
        target = person or household
        visit = Visit(
            person=person,
            household=household,
            org=target.org,
            visited_on=visited_on,
            method=method,
            met_whom=met_whom,
            situation=situation,
            needs=needs,
            follow_up_needed=bool(follow_up_needed),
            follow_up_on=follow_up_on if follow_up_needed else None,
            worker=worker,
            is_sensitive=bool(
                (person and person.is_sensitive) or (household and household.is_sensitive)
            ),
        )
        visit.save(force_insert=True)
        audit.record_change(user, visit, "create", after=audit.snapshot(visit))
    return visit


UPDATABLE = (
    "visited_on",
    "method",
    "met_whom",
    "situation",
    "needs",
    "follow_up_needed",
    "follow_up_on",
)


def visit_update(
    *,
    user,
    visit: Visit,
    situation: str,
    visited_on: date,
    method: str,
    met_whom: str = "",
    needs: str = "",
    follow_up_needed: bool = False,
    follow_up_on: date | None = None,
) -> Visit:
    """Correct a visit record; the change log keeps what it said before (still encrypted)."""
    require_permission(user, "change", Visit)
    values = {
        "visited_on": visited_on,
        "method": method,
        "met_whom": (met_whom or "").strip(),
        "situation": (situation or "").strip(),
        "needs": (needs or "").strip(),
        "follow_up_needed": bool(follow_up_needed),
        "follow_up_on": follow_up_on if follow_up_needed else None,
    }
    errors: dict[str, str] = {}
    _check(errors, **{**values, "follow_up_on": follow_up_on})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = visible(Visit, user, "change").select_for_update().filter(pk=visit.pk).first()
        if locked is None:
            raise ValidationError(_("该走访记录不存在或不在您的管辖范围内。"))
        changed = [f for f in UPDATABLE if getattr(locked, f) != values[f]]
        if not changed:
            return locked
        before = audit.snapshot(locked)
        for field in changed:
            setattr(locked, field, values[field])
        locked.save(update_fields=changed)
        audit.record_change(user, locked, "update", before=before, after=audit.snapshot(locked))
    return locked
