"""Target assessment (目标考核): indicators an upper unit sets for a year, and each child unit's
score on each, computed from the statistics or entered with evidence, adjustable (with a
reason) by the upper unit.

An indicator belongs to the unit that sets it (visible to it and the levels above); an
assessment row belongs to the assessed unit (visible to it and every level above it, the
setting unit included). Another branch sees neither.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.models import ScopedModel

from .. import choices


class Indicator(ScopedModel):
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)], verbose_name=_("年度")
    )
    name = models.CharField(max_length=100, verbose_name=_("指标名称"))
    description = models.TextField(blank=True, verbose_name=_("考核说明"))
    weight = models.DecimalField(max_digits=6, decimal_places=2, verbose_name=_("分值"))
    target = models.DecimalField(max_digits=14, decimal_places=2, verbose_name=_("目标值"))
    method = models.CharField(
        max_length=10, choices=choices.IndicatorMethod.choices, verbose_name=_("取值方式")
    )
    direction = models.CharField(
        max_length=10,
        choices=choices.IndicatorDirection.choices,
        default=choices.IndicatorDirection.HIGHER,
        verbose_name=_("评分规则"),
    )
    # For computed indicators: a registered statistics source, and optionally one of its
    # dimensions with the values that count (the numerator of a share).
    source = models.CharField(max_length=60, blank=True, verbose_name=_("统计项"))
    dimension = models.CharField(max_length=60, blank=True, verbose_name=_("统计维度"))
    values = models.JSONField(default=list, blank=True, verbose_name=_("计入的取值"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    scope_shares = False

    class Meta:
        ordering = ["-year", "org_path", "pk"]
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        default_permissions = ("view", "add", "change")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "year", "name"], name="notices_indicator_unique_name"
            )
        ]

    def __str__(self):
        return f"{self.year} {self.name}"

    def get_absolute_url(self):
        return reverse("notices:indicator_detail", args=[self.pk])

    @property
    def computed(self) -> bool:
        return self.method != choices.IndicatorMethod.ENTERED


class Assessment(ScopedModel):
    """One child unit's (``org``) result on one indicator."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="assessments")
    actual = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, verbose_name=_("实际值")
    )
    # The actual value counts sensitive records below the suppression threshold: shown as
    # "<5" to users without core.view_sensitive.
    actual_risky = models.BooleanField(default=False, editable=False)
    score = models.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal("0"), verbose_name=_("得分")
    )
    evidence = models.TextField(blank=True, verbose_name=_("佐证说明"))
    computed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("计算时间"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("填报人"),
    )
    entered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("填报时间"))
    adjusted_score = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True, verbose_name=_("调整后得分")
    )
    adjust_reason = models.CharField(max_length=200, blank=True, verbose_name=_("调整理由"))
    adjusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("调整人"),
    )
    adjusted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("调整时间"))

    scope_shares = False

    class Meta:
        ordering = ["indicator", "org_path"]
        verbose_name = _("考核得分")
        verbose_name_plural = _("考核得分")
        default_permissions = ("view", "change")
        permissions = [("adjust_assessment", _("调整下级单位的考核得分"))]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "org"], name="notices_assessment_once")
        ]

    def __str__(self):
        return f"{self.indicator.name} · {self.org_id}"

    def get_absolute_url(self):
        return reverse("notices:assessment_detail", args=[self.pk])

    @property
    def final_score(self) -> Decimal:
        return self.adjusted_score if self.adjusted_score is not None else self.score
