"""Configuration a federation edits: the appeal category tree, deadline policies, and the
per-unit, per-year case number counters."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import choices


class Category(models.Model):
    """A node of the appeal classification (two levels: area and sub-category)."""

    code = models.SlugField(max_length=40, unique=True, verbose_name=_("代码"))
    name = models.CharField(max_length=40, verbose_name=_("名称"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("上级类别"),
    )
    is_violence = models.BooleanField(
        default=False,
        verbose_name=_("涉及暴力"),
        help_text=_("此类诉求须选择暴力类型，并自动列为敏感个案。"),
    )
    sensitive = models.BooleanField(
        default=False,
        verbose_name=_("敏感"),
        help_text=_("此类诉求自动列为敏感个案，只有有“查看敏感记录”权限的人员可见。"),
    )
    is_builtin = models.BooleanField(default=False, editable=False, verbose_name=_("系统内置"))
    is_active = models.BooleanField(default=True, verbose_name=_("启用"))
    sort = models.PositiveSmallIntegerField(default=100, verbose_name=_("排序"))

    class Meta:
        ordering = ["sort", "id"]
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="cases_category_unique_name")
        ]

    def __str__(self):
        if self.parent_id:
            return f"{self.parent.name} / {self.name}"
        return self.name


class DeadlinePolicy(models.Model):
    """How long each stage may take, for a category (or any) and an urgency (or any).

    The most specific active policy wins: category and urgency, then category, then
    urgency, then the default (neither).
    """

    name = models.CharField(max_length=60, verbose_name=_("名称"))
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deadline_policies",
        verbose_name=_("适用类别"),
        help_text=_("留空表示适用于所有类别；选择一级类别时也适用于其下的子类别。"),
    )
    urgency = models.CharField(
        max_length=10,
        choices=choices.Urgency.choices,
        blank=True,
        verbose_name=_("适用紧急程度"),
        help_text=_("留空表示适用于所有紧急程度。"),
    )
    decide_amount = models.PositiveIntegerField(default=15, verbose_name=_("受理期限"))
    decide_unit = models.CharField(
        max_length=15,
        choices=choices.DeadlineUnit.choices,
        default=choices.DeadlineUnit.DAYS,
        verbose_name=_("受理期限单位"),
    )
    finish_amount = models.PositiveIntegerField(default=60, verbose_name=_("办结期限"))
    finish_unit = models.CharField(
        max_length=15,
        choices=choices.DeadlineUnit.choices,
        default=choices.DeadlineUnit.DAYS,
        verbose_name=_("办结期限单位"),
    )
    max_extension_days = models.PositiveIntegerField(default=30, verbose_name=_("最多可延期（天）"))
    follow_up_amount = models.PositiveIntegerField(default=7, verbose_name=_("回访期限"))
    follow_up_unit = models.CharField(
        max_length=15,
        choices=choices.DeadlineUnit.choices,
        default=choices.DeadlineUnit.WORKING_DAYS,
        verbose_name=_("回访期限单位"),
    )
    referral_amount = models.PositiveIntegerField(default=5, verbose_name=_("转介答复期限"))
    referral_unit = models.CharField(
        max_length=15,
        choices=choices.DeadlineUnit.choices,
        default=choices.DeadlineUnit.WORKING_DAYS,
        verbose_name=_("转介答复期限单位"),
    )
    warn_hours = models.PositiveIntegerField(
        default=72,
        verbose_name=_("提前提醒（小时）"),
        help_text=_("到期前多少小时列入“即将到期”并提醒承办人。"),
    )
    is_builtin = models.BooleanField(default=False, editable=False, verbose_name=_("系统内置"))
    is_active = models.BooleanField(default=True, verbose_name=_("启用"))

    class Meta:
        ordering = ["category__sort", "urgency", "id"]
        verbose_name = _("办理期限规则")
        verbose_name_plural = _("办理期限规则")

    def __str__(self):
        return self.name


class CaseCounter(models.Model):
    """The last number given in one unit and year; locked to give the next (never max()+1)."""

    org = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        default_permissions = ()
        verbose_name = _("个案编号计数器")
        verbose_name_plural = _("个案编号计数器")
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="cases_counter_unique")]
