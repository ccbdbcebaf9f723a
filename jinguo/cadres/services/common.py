"""Checks every cadres service shares: permissions, the unit a record is placed in, the
persons a record names — all through restrict()."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core.scoping import may, permission_name
from jinguo.people.models import Household, Person

EARLIEST = date(1949, 10, 1)


def require_perm(user, model, action: str) -> None:
    if user is None or not user.has_perm(permission_name(model, action)):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


def scoped_get(user, model, obj, action: str):
    """``obj`` re-read through restrict(user, action) under a row lock; absent and out of
    reach give the same answer."""
    pk = getattr(obj, "pk", obj)
    found = model.objects.restrict(user, action).filter(pk=pk).first()
    if found is None:
        raise ValidationError(_("记录不存在或不在您的管辖范围内。"))
    return model.objects.select_for_update().get(pk=found.pk)


def check_org(user, org, errors: dict, field: str = "org"):
    if org is None:
        errors[field] = _("请选择所属单位。")
    elif user is not None and not (org.is_active and may(user, "view", org)):
        errors[field] = _("所选单位不存在或不在您的管辖范围内。")
    return org


def check_person(user, person, errors: dict, field: str, *, required=True):
    if person is None:
        if required:
            errors[field] = _("请选择人员档案。")
        return None
    if user is not None and not may(user, "view", person):
        errors[field] = _("所选人员档案不存在或不在您的管辖范围内。")
    return person


def check_household(user, household, errors: dict, field: str):
    if household is not None and user is not None and not may(user, "view", household):
        errors[field] = _("所选家庭不存在或不在您的管辖范围内。")
    return household


def check_date(value, errors: dict, field: str, *, label: str, future_ok=False, required=True):
    if value is None:
        if required:
            errors[field] = _("请填写%(label)s。") % {"label": label}
        return value
    if value < EARLIEST:
        errors[field] = _("%(label)s不能早于 1949 年 10 月 1 日，请核对。") % {"label": label}
    elif not future_ok and value > timezone.localdate():
        errors[field] = _("%(label)s不能晚于今天。") % {"label": label}
    return value


def clean_text(value, errors: dict, field: str, *, label: str, max_length=None, required=False):
    value = (value or "").strip()
    if required and not value:
        errors[field] = _("请填写%(label)s。") % {"label": label}
    elif max_length and len(value) > max_length:
        errors[field] = _("%(label)s不能超过 %(n)d 个字。") % {"label": label, "n": max_length}
    return value


__all__ = ["Household", "Person"]
