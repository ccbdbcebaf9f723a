"""Checks the volunteers services share: permissions, units and persons through restrict()."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from jinguo.core.scoping import may, permission_name

EARLIEST = date(1949, 10, 1)


def require_perm(user, model, action: str) -> None:
    if user is None or not user.has_perm(permission_name(model, action)):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


def scoped_get(user, model, obj, action: str):
    """``obj`` re-read through restrict(user, action) under a row lock."""
    pk = getattr(obj, "pk", obj)
    found = model.objects.restrict(user, action).filter(pk=pk).first()
    if found is None:
        raise ValidationError(_("记录不存在或不在您的管辖范围内。"))
    return model.objects.select_for_update().get(pk=found.pk)


def check_org(user, org, errors: dict, field: str = "org"):
    if org is None:
        errors[field] = _("请选择所属单位。")
    elif not (org.is_active and may(user, "view", org)):
        errors[field] = _("所选单位不存在或不在您的管辖范围内。")


def check_person(user, person, errors: dict, field: str):
    if person is None:
        errors[field] = _("请选择人员档案。")
    elif not may(user, "view", person):
        errors[field] = _("所选人员档案不存在或不在您的管辖范围内。")


def check_date(value, errors: dict, field: str, *, label: str):
    if value is None:
        errors[field] = _("请填写%(label)s。") % {"label": label}
    elif value < EARLIEST:
        errors[field] = _("%(label)s不能早于 1949 年 10 月 1 日，请核对。") % {"label": label}


def clean_text(value, errors: dict, field: str, *, label: str, max_length: int, required=False):
    value = (value or "").strip()
    if required and not value:
        errors[field] = _("请填写%(label)s。") % {"label": label}
    elif len(value) > max_length:
        errors[field] = _("%(label)s不能超过 %(n)d 个字。") % {"label": label, "n": max_length}
    return value
