"""Know-your-rights pages and the legal-consultation schedule, edited by staff.

CONTRACT:
- page_save(*, user, page=None, **fields) -> KnowledgePage   (add or change permission)
- slot_save(*, user, slot=None, **fields) -> ConsultationSlot
Both validate, save and write an audit row ("create"/"update").
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jinguo.core import audit

from .. import choices
from ..models import ConsultationSlot, KnowledgePage

PAGE_FIELDS = ("kind", "title", "body", "sort_order", "is_published")
SLOT_FIELDS = ("starts_at", "ends_at", "topic", "way", "where", "is_published")


def _save(user, model, obj, fields: dict, names, errors: dict):
    action = "change" if obj is not None else "add"
    if not user.has_perm(f"portal.{action}_{model._meta.model_name}"):
        raise PermissionDenied
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if obj is None:
            obj = model(**{k: fields[k] for k in names}, updated_by=user)
            obj.save()
            audit.record_change(user, obj, "create", after=audit.snapshot(obj))
        else:
            obj = model.objects.select_for_update().get(pk=obj.pk)
            before = audit.snapshot(obj)
            for k in names:
                setattr(obj, k, fields[k])
            obj.updated_by = user
            obj.save(update_fields=[*names, "updated_by"])
            audit.record_change(user, obj, "update", before=before, after=audit.snapshot(obj))
    return obj


def page_save(*, user, page=None, **fields) -> KnowledgePage:
    errors = {}
    fields["title"] = (fields.get("title") or "").strip()
    fields["body"] = (fields.get("body") or "").strip()
    if not fields["title"]:
        errors["title"] = _("请填写标题。")
    if not fields["body"]:
        errors["body"] = _("请填写正文。")
    if fields.get("kind") not in choices.PageKind.values:
        errors["kind"] = _("请选择类型。")
    fields["sort_order"] = fields.get("sort_order") or 100
    fields["is_published"] = bool(fields.get("is_published"))
    return _save(user, KnowledgePage, page, fields, PAGE_FIELDS, errors)


def slot_save(*, user, slot=None, **fields) -> ConsultationSlot:
    errors = {}
    fields["topic"] = (fields.get("topic") or "").strip()
    fields["where"] = (fields.get("where") or "").strip()
    if not fields["topic"]:
        errors["topic"] = _("请填写主题。")
    if fields.get("way") not in choices.ConsultWay.values:
        errors["way"] = _("请选择咨询方式。")
    starts, ends = fields.get("starts_at"), fields.get("ends_at")
    if not starts:
        errors["starts_at"] = _("请填写开始时间。")
    if not ends:
        errors["ends_at"] = _("请填写结束时间。")
    elif starts and ends <= starts:
        errors["ends_at"] = _("结束时间须晚于开始时间。")
    fields["is_published"] = bool(fields.get("is_published"))
    return _save(user, ConsultationSlot, slot, fields, SLOT_FIELDS, errors)
