"""Early warning (维权预警): rules as data, and the warnings they raise."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.fields import EncryptedTextField
from jinguo.core.models import ScopedModel

from .. import choices


class AlertRule(models.Model):
    """One early-warning rule. ``code`` names the check the sweep runs (the logic lives in
    code; level, audience, parameters and escalation are data a federation edits)."""

    code = models.CharField(max_length=40, unique=True, verbose_name=_("规则代码"))
    name = models.CharField(max_length=100, verbose_name=_("名称"))
    description = models.TextField(blank=True, verbose_name=_("说明"))
    level = models.CharField(
        max_length=10, choices=choices.AlertLevel.choices, verbose_name=_("预警级别")
    )
    audience = models.CharField(
        max_length=10,
        choices=choices.AlertAudience.choices,
        default=choices.AlertAudience.BOTH,
        verbose_name=_("通知对象"),
    )
    params = models.JSONField(default=dict, blank=True, verbose_name=_("参数"))
    resolves_when = models.CharField(
        max_length=200,
        choices=choices.AlertResolves.choices,
        default=choices.AlertResolves.CONDITION,
        verbose_name=_("解除条件"),
    )
    escalate_after_hours = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("未签收几小时后上报上一级")
    )
    is_active = models.BooleanField(default=True, verbose_name=_("启用"))
    # The sweep's watermark: source rows changed before it were already evaluated.
    swept_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")

    def __str__(self):
        return self.name


class Alert(ScopedModel):
    """A raised warning. ``subject`` identifies what it is about (e.g. "order:12") so the sweep
    raises one open warning per rule and subject. ``summary`` names no one."""

    # No single-column indexes where a composite one below leads with the column: each index
    # is written for every warning the sweep raises.
    rule = models.ForeignKey(
        AlertRule, on_delete=models.PROTECT, related_name="alerts", db_index=False
    )
    level = models.CharField(
        max_length=10, choices=choices.AlertLevel.choices, verbose_name=_("预警级别")
    )
    subject = models.CharField(max_length=60, verbose_name=_("预警对象"))
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    summary = models.CharField(max_length=200, verbose_name=_("预警内容"))
    status = models.CharField(
        max_length=15,
        choices=choices.AlertStatus.choices,
        default=choices.AlertStatus.OPEN,
        verbose_name=_("状态"),
    )
    raised_at = models.DateTimeField(default=timezone.now, verbose_name=_("预警时间"))
    acknowledged_at = models.DateTimeField(null=True, blank=True, verbose_name=_("签收时间"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("签收人"),
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("处置人"),
    )
    actions_taken = EncryptedTextField(blank=True, verbose_name=_("处置措施"))
    escalated_at = models.DateTimeField(null=True, blank=True, verbose_name=_("上报上一级时间"))
    resolved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("解除时间"))
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("解除人"),
    )
    resolution = models.TextField(blank=True, verbose_name=_("解除理由"))
    is_sensitive = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新时间"))
    version = models.PositiveIntegerField(default=1, editable=False)

    scope_sensitive_field = "is_sensitive"
    scope_parent = ("person", "case")

    class Meta:
        ordering = ["status", "level", "-raised_at"]
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        permissions = [("acknowledge_alert", _("签收和处置预警"))]
        indexes = [
            # A leader's list: her subtree (a prefix LIKE on PostgreSQL, which only a pattern-ops
            # index serves), then the state.
            models.Index(
                fields=["org_path", "status", "level"],
                name="protection_alert_scope",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            # Has this rule already warned about this subject since it arose? (the sweep)
            models.Index(fields=["rule", "subject", "raised_at"], name="protection_alert_subject"),
            models.Index(fields=["person", "status"], name="protection_alert_person"),
            models.Index(fields=["case", "status"], name="protection_alert_case"),
            # Red warnings nobody signed for, oldest first (the escalation job).
            models.Index(
                fields=["status", "level", "escalated_at", "raised_at"],
                name="protection_alert_escalate",
            ),
        ]
        constraints = [
            # One open (not resolved) warning per rule and subject.
            models.UniqueConstraint(
                fields=["rule", "subject"],
                condition=~models.Q(status="resolved"),
                name="protection_alert_open_once",
            )
        ]

    def __str__(self):
        return f"{self.rule.name} #{self.pk}"

    def get_absolute_url(self):
        return reverse("protection:alert_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status != choices.AlertStatus.RESOLVED
