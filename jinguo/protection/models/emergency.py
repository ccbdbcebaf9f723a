"""Emergency intervention checklists (应急干预) and mandatory reports (强制报告)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.fields import EncryptedCharField, EncryptedTextField
from jinguo.core.models import ScopedModel

from .. import choices


class ChecklistTemplate(models.Model):
    """What must be done at once on an urgent case of the kinds it names (policy data)."""

    name = models.CharField(max_length=100, verbose_name=_("名称"))
    # GbvType values (cases.choices) it applies to; empty: every urgent violence case.
    gbv_types = models.JSONField(default=list, blank=True, verbose_name=_("适用暴力类型"))
    act_within_hours = models.PositiveIntegerField(
        default=2, verbose_name=_("须在几小时内处置"), help_text=_("超时无人处置，提醒单位负责人。")
    )
    is_active = models.BooleanField(default=True, verbose_name=_("启用"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("应急处置清单")
        verbose_name_plural = _("应急处置清单")

    def __str__(self):
        return self.name


class ChecklistStep(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveIntegerField(default=0, verbose_name=_("顺序"))
    label = models.CharField(max_length=100, verbose_name=_("事项"))
    required = models.BooleanField(default=True, verbose_name=_("必做"))

    class Meta:
        ordering = ["template", "order", "id"]
        default_permissions = ()
        verbose_name = _("处置事项")
        verbose_name_plural = _("处置事项")

    def __str__(self):
        return self.label


class EmergencyAction(ScopedModel):
    """A checklist step ticked on a case: when and by whom."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    step = models.ForeignKey(ChecklistStep, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField(default=timezone.now, verbose_name=_("处置时间"))
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("处置人"),
    )
    note = EncryptedTextField(blank=True, verbose_name=_("说明"))
    is_sensitive = models.BooleanField(default=True)

    scope_sensitive_field = "is_sensitive"
    scope_parent = "case"

    class Meta:
        ordering = ["done_at", "id"]
        verbose_name = _("应急处置记录")
        verbose_name_plural = _("应急处置记录")
        constraints = [
            models.UniqueConstraint(fields=["case", "step"], name="protection_action_once")
        ]
        # Steps ticked since the last early-warning sweep.
        indexes = [models.Index(fields=["done_at"], name="protection_action_done")]


class MandatoryReport(ScopedModel):
    """A report by a school, hospital, committee… of suspected violence against a minor or a
    person without capacity. The reporter's identity is seen only by those handling it
    (``view_reporter``) and never exported."""

    reporter_kind = models.CharField(
        max_length=20, choices=choices.ReporterKind.choices, verbose_name=_("报告单位类型")
    )
    reporter_organisation = EncryptedCharField(max_input_length=100, verbose_name=_("报告单位"))
    reporter_name = EncryptedCharField(blank=True, max_input_length=50, verbose_name=_("报告人"))
    reporter_phone = EncryptedCharField(
        blank=True, max_input_length=30, verbose_name=_("报告人电话")
    )
    reported_at = models.DateTimeField(default=timezone.now, verbose_name=_("报告时间"))
    victim = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("受害人（已建档）"),
    )
    victim_description = EncryptedTextField(blank=True, verbose_name=_("受害人情况"))
    victim_is_minor = models.BooleanField(default=True, verbose_name=_("未成年人"))
    lacks_capacity = models.BooleanField(
        default=False, verbose_name=_("无民事行为能力或限制民事行为能力")
    )
    suspicion = EncryptedTextField(verbose_name=_("疑似受暴情况"))
    status = models.CharField(
        max_length=15,
        choices=choices.ReportStatus.choices,
        default=choices.ReportStatus.NEW,
        verbose_name=_("处理状态"),
    )
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("对应个案"),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("处理人"),
    )
    dismiss_reason = models.TextField(blank=True, verbose_name=_("不予立案理由"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_sensitive = models.BooleanField(default=True)

    scope_sensitive_field = "is_sensitive"
    scope_parent = "case"
    audit_masks = {"dismiss_reason": None}

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("强制报告")
        verbose_name_plural = _("强制报告")
        permissions = [("view_reporter", _("查看强制报告的报告人身份"))]


class EmergencyEscalation(models.Model):
    """An urgent violence case nobody acted on in time, reported to its unit's leaders: one
    row per case, so the sweep tells them once."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(
        ChecklistTemplate, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    alerted_at = models.DateTimeField(default=timezone.now, verbose_name=_("提醒时间"))
    recipients = models.PositiveIntegerField(default=0, verbose_name=_("提醒人数"))

    class Meta:
        default_permissions = ()
        verbose_name = _("应急处置超时提醒")
        verbose_name_plural = _("应急处置超时提醒")
