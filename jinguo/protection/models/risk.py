"""Risk assessment: instruments are data (items, weights, bands, forcing rules) kept in
versions; an assessment keeps the version it was made with."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.fields import EncryptedTextField

from .. import choices
from .common import PersonRecord


class Instrument(models.Model):
    """One version of a risk instrument. Platform-wide configuration, like case categories: an
    instrument in use is never edited in place; a change makes the next version."""

    code = models.CharField(max_length=40, verbose_name=_("工具代码"))
    version = models.PositiveIntegerField(default=1, verbose_name=_("版本"))
    name = models.CharField(max_length=100, verbose_name=_("名称"))
    description = models.TextField(blank=True, verbose_name=_("说明"))
    locally_validated = models.BooleanField(
        default=False,
        verbose_name=_("已本地验证"),
        help_text=_("未经本地验证的工具在评估页面上标明“待本地验证”。"),
    )
    is_active = models.BooleanField(default=True, verbose_name=_("启用"))
    is_default = models.BooleanField(default=False, verbose_name=_("默认工具"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("风险评估工具")
        verbose_name_plural = _("风险评估工具")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="protection_instr_version")
        ]

    def __str__(self):
        return f"{self.name}（第{self.version}版）"


class InstrumentItem(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveIntegerField(verbose_name=_("序号"))
    question = models.CharField(max_length=300, verbose_name=_("问题"))
    help_text = models.TextField(blank=True, verbose_name=_("提示"))
    answer_type = models.CharField(
        max_length=20,
        choices=choices.AnswerType.choices,
        default=choices.AnswerType.YES_NO,
        verbose_name=_("回答方式"),
    )
    weight = models.DecimalField(max_digits=5, decimal_places=2, default=1, verbose_name=_("分值"))
    # A "yes" here sets the band to at least this level, whatever the score.
    forces_level = models.CharField(
        max_length=10, choices=choices.RiskLevel.choices, blank=True, verbose_name=_("强制等级")
    )

    class Meta:
        ordering = ["instrument", "number"]
        default_permissions = ()
        verbose_name = _("评估题目")
        verbose_name_plural = _("评估题目")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="protection_item_number")
        ]

    def __str__(self):
        return f"{self.number}. {self.question}"


class InstrumentBand(models.Model):
    """A score of at least ``min_score`` reaches ``level`` (the highest band reached wins)."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="bands")
    level = models.CharField(
        max_length=10, choices=choices.RiskLevel.choices, verbose_name=_("风险等级")
    )
    min_score = models.DecimalField(max_digits=6, decimal_places=2, verbose_name=_("最低分"))
    # How soon a person assessed at this level is assessed again (the next_review_on default).
    review_days = models.PositiveIntegerField(default=30, verbose_name=_("复评间隔（天）"))

    class Meta:
        ordering = ["instrument", "min_score"]
        default_permissions = ()
        verbose_name = _("等级划分")
        verbose_name_plural = _("等级划分")
        constraints = [
            models.UniqueConstraint(fields=["instrument", "level"], name="protection_band_level")
        ]


class RiskAssessment(PersonRecord):
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="+", verbose_name=_("评估工具")
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("评估人"),
    )
    assessed_at = models.DateTimeField(default=timezone.now, verbose_name=_("评估时间"))
    # {"<item number>": "yes" | "no" | "unknown"} as JSON, encrypted: answers about violence.
    answers = EncryptedTextField(verbose_name=_("回答"))
    score = models.DecimalField(max_digits=6, decimal_places=2, verbose_name=_("得分"))
    computed_level = models.CharField(
        max_length=10, choices=choices.RiskLevel.choices, verbose_name=_("计算等级")
    )
    # Professional judgement may raise the level (never lower it) and needs a reason.
    judged_level = models.CharField(
        max_length=10,
        choices=choices.RiskLevel.choices,
        blank=True,
        verbose_name=_("专业判断等级"),
    )
    judgement_reason = EncryptedTextField(blank=True, verbose_name=_("判断理由"))
    level = models.CharField(
        max_length=10, choices=choices.RiskLevel.choices, verbose_name=_("风险等级")
    )
    next_review_on = models.DateField(null=True, blank=True, verbose_name=_("下次评估日期"))
    notes = EncryptedTextField(blank=True, verbose_name=_("备注"))

    class Meta:
        ordering = ["-assessed_at", "-id"]
        verbose_name = _("风险评估")
        verbose_name_plural = _("风险评估")
        indexes = [
            models.Index(fields=["person", "-assessed_at"], name="protection_assess_person"),
            models.Index(fields=["org_path", "level"], name="protection_assess_scope"),
            # What changed since the last early-warning sweep.
            models.Index(fields=["updated_at"], name="protection_assess_updated"),
        ]

    def __str__(self):
        return f"{self.person_id} {self.get_level_display()}"


class SafetyPlan(PersonRecord):
    """One current safety plan per person at risk; reviewed with each reassessment."""

    safe_contacts = EncryptedTextField(blank=True, verbose_name=_("紧急联系人"))
    safe_place = EncryptedTextField(blank=True, verbose_name=_("安全去处"))
    code_word = EncryptedTextField(blank=True, verbose_name=_("求助暗号"))
    ready_items = EncryptedTextField(blank=True, verbose_name=_("备好的证件和物品"))
    children_arrangements = EncryptedTextField(blank=True, verbose_name=_("子女安排"))
    agencies_informed = EncryptedTextField(blank=True, verbose_name=_("已告知的机构"))
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("最近复核时间"))
    reviewed_with = models.ForeignKey(
        RiskAssessment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("复核依据的评估"),
    )

    class Meta:
        verbose_name = _("安全计划")
        verbose_name_plural = _("安全计划")
        constraints = [
            models.UniqueConstraint(fields=["person"], name="protection_safetyplan_person")
        ]

    def __str__(self):
        return f"{self.person_id}"
