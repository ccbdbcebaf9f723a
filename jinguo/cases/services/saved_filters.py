"""A user's saved queue filters (core.SavedFilter). Personal preferences: no audit row."""

from urllib.parse import parse_qsl, urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jinguo.core.models import SavedFilter

LIST_NAME = "cases"
MAX_PER_LIST = 30
# Paging and export are not part of a filter.
DROPPED_KEYS = {"page", "export", "sort"}


def clean_query(query: str) -> str:
    pairs = [(k, v) for k, v in parse_qsl(query or "", keep_blank_values=False)]
    return urlencode([(k, v) for k, v in pairs if k not in DROPPED_KEYS and v != ""])


def saved_filters(user, list_name: str = LIST_NAME):
    return SavedFilter.objects.filter(user=user, list_name=list_name).order_by("name")


def saved_filter_save(*, user, name: str, query: str, list_name: str = LIST_NAME) -> SavedFilter:
    """Save ``query`` under ``name``; the same name again replaces the query."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请为这组筛选条件起个名字。")})
    query = clean_query(query)
    if not query:
        raise ValidationError({"name": _("当前没有任何筛选条件，无需保存。")})
    with transaction.atomic():
        existing = SavedFilter.objects.filter(user=user, list_name=list_name, name=name).first()
        if existing is not None:
            existing.query = query
            existing.save(update_fields=["query"])
            return existing
        if saved_filters(user, list_name).count() >= MAX_PER_LIST:
            raise ValidationError(
                {"name": _("常用筛选最多保存 %(n)d 个，请先删除不用的。") % {"n": MAX_PER_LIST}}
            )
        return SavedFilter.objects.create(user=user, list_name=list_name, name=name, query=query)


def saved_filter_delete(*, user, pk: int) -> None:
    """Delete one of the user's own saved filters; another user's is "not found"."""
    deleted, _rows = SavedFilter.objects.filter(user=user, pk=pk).delete()
    if not deleted:
        raise ValidationError(_("该常用筛选不存在。"))
