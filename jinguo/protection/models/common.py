"""Fields most protection records share."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.models import ScopedModel


class PersonRecord(ScopedModel):
    """A sensitive record about one person, optionally within a case. ``org`` is the unit that
    keeps it (normally the person's or the case's unit)."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("当事人")
    )
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("关联个案"),
    )
    is_sensitive = models.BooleanField(default=True, verbose_name=_("敏感"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新时间"))
    version = models.PositiveIntegerField(default=1, editable=False)

    scope_sensitive_field = "is_sensitive"
    scope_parent = ("person", "case")

    class Meta:
        abstract = True
