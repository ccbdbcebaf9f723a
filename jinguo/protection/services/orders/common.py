"""What the services of warnings and orders share: permission and scope checks, text
validation, the agencies a worker may name, the victim's committee and the month arithmetic
of the six-month cap."""

import calendar
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.cases.choices import AgencyKind
from jinguo.cases.models import Agency, Case
from jinguo.core.paths import SEPARATOR
from jinguo.core.scoping import may, permission_name
from jinguo.orgs.choices import UnitKind
from jinguo.people.models import Person

TEXT_MAX = 10000
# A clock a few minutes ahead on the worker's phone must not block the record.
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)
NOT_FOUND = _("该记录不存在，或您无权进行此项操作。")


def require_perm(user, action: str, model) -> None:
    if user is None or not user.has_perm(permission_name(model, action)):
        raise PermissionDenied


def locked(user, model, obj, action: str):
    """Re-read ``obj`` under a row lock through restrict(user, action); the same answer as a
    record that does not exist when it is out of reach."""
    pk = getattr(obj, "pk", obj)
    found = model.objects.restrict(user, action).select_for_update().filter(pk=pk).first()
    if found is None:
        raise ValidationError(NOT_FOUND, code="not_found")
    return found


def text(values: dict, errors: dict, field: str, label: str, *, required=False, limit=TEXT_MAX):
    value = (values.get(field) or "").strip()
    if required and not value:
        errors[field] = _("请填写%(label)s。") % {"label": label}
    elif len(value) > limit:
        errors[field] = _("%(label)s不能超过 %(n)d 个字。") % {"label": label, "n": limit}
    return value


def aware(value):
    if isinstance(value, datetime.datetime) and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def not_future(value, errors: dict, field: str, label: str, *, now=None):
    """A moment that has happened (a datetime) or a day that has come (a date)."""
    now = now or timezone.now()
    if isinstance(value, datetime.datetime):
        if aware(value) > now + FUTURE_TOLERANCE:
            errors[field] = _("%(label)s不能晚于现在。") % {"label": label}
    elif isinstance(value, datetime.date) and value > timezone.localdate(now):
        errors[field] = _("%(label)s不能晚于今天。") % {"label": label}


# --- who and what a record may name -----------------------------------------------------------


def _ancestor_paths(path: str) -> list[str]:
    codes = [c for c in path.split(SEPARATOR) if c]
    return [SEPARATOR.join(codes[:i]) + SEPARATOR for i in range(1, len(codes) + 1)]


def agencies_of_kind(user, kind: str) -> QuerySet:
    """Active agencies of ``kind`` the user may name: kept by her home unit, an ancestor of it
    (the district's court serves its streets) or a unit below it."""
    if user is None or not getattr(user, "home_path", ""):
        return Agency.objects.none()
    home = user.home_path
    return (
        Agency.objects.filter(is_active=True, kind=kind)
        .filter(Q(org_path__in=_ancestor_paths(home)) | Q(org_path__subtree=home))
        .order_by("name", "pk")
    )


def police_stations(user) -> QuerySet:
    return agencies_of_kind(user, AgencyKind.POLICE)


def courts(user) -> QuerySet:
    return agencies_of_kind(user, AgencyKind.COURT)


def check_agency(user, agency, kind: str, errors: dict, field: str, label: str, *, required=True):
    if agency is None:
        if required:
            errors[field] = _("请选择%(label)s。") % {"label": label}
        return None
    pk = getattr(agency, "pk", agency)
    found = agencies_of_kind(user, kind).filter(pk=pk).first()
    if found is None:
        errors[field] = _("所选%(label)s不存在、已停用或不在您可选择的范围内。") % {"label": label}
    return found


def visible_person(user, person, errors: dict, field: str, label: str, *, required=True):
    if person is None:
        if required:
            errors[field] = _("请选择%(label)s。") % {"label": label}
        return None
    pk = getattr(person, "pk", person)
    found = (
        Person.objects.restrict(user, "view")
        .filter(pk=pk, merged_into__isnull=True)
        .select_related("org")
        .first()
    )
    if found is None:
        errors[field] = _("所选%(label)s不存在或不在您的管辖范围内。") % {"label": label}
    return found


def visible_case(user, case, errors: dict, field: str = "case"):
    if case is None:
        return None
    pk = getattr(case, "pk", case)
    found = Case.objects.restrict(user, "view").filter(pk=pk).select_related("org").first()
    if found is None:
        errors[field] = _("所选个案不存在或不在您的管辖范围内。")
    return found


def check_case_person(case, person, errors: dict) -> None:
    """A record's case must concern its person (as complainant or a party)."""
    if case is None or person is None:
        return
    if case.complainant_id != person.pk and not case.parties.filter(person=person).exists():
        errors["case"] = _("所选个案与该当事人无关。")


def committee_of(unit):
    """The residents'/villagers' committee (村/社区 unit) a person of ``unit`` lives under: the
    unit itself or its nearest community ancestor; a unit above community level stands for
    itself (no committee on file)."""
    current = unit
    while current is not None:
        if current.kind == UnitKind.COMMUNITY:
            return current
        current = current.parent
    return unit


def may_view(user, obj) -> bool:
    return may(user, "view", obj)


# --- the calendar -----------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def ruling_max_until(start: datetime.date) -> datetime.date:
    """The last day a ruling starting on ``start`` may run to: six months, both ends counted
    (1 January → 30 June)."""
    return add_months(start, 6) - datetime.timedelta(days=1)
