"""Dispute screening campaigns (矛盾纠纷排查) sent down the tree and the public-opinion log."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.fields import EncryptedTextField
from jinguo.core.models import ScopedModel

from .. import choices


class ScreeningCampaign(ScopedModel):
    """Issued by ``org`` to the units below it; each target unit gets a ScreeningReport row,
    through which it sees the campaign."""

    title = models.CharField(max_length=100, verbose_name=_("排查主题"))
    kind = models.CharField(
        max_length=10, choices=choices.CampaignKind.choices, verbose_name=_("排查类型")
    )
    # DisputeKind values in scope.
    scope = models.JSONField(default=list, verbose_name=_("排查范围"))
    # Which units below ``org`` get a report (CampaignTargets); fixed when it is issued.
    targets = models.CharField(
        max_length=12,
        choices=choices.CampaignTargets.choices,
        default=choices.CampaignTargets.COMMUNITIES,
        verbose_name=_("下发到"),
    )
    instructions = models.TextField(blank=True, verbose_name=_("工作要求"))
    due_on = models.DateField(verbose_name=_("上报截止日期"))
    issued_at = models.DateTimeField(default=timezone.now, verbose_name=_("下发时间"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("结束时间"))

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("矛盾纠纷排查")
        verbose_name_plural = _("矛盾纠纷排查")
        # The anonymised violence statistics belong to no record of their own; the permission
        # sits here, beside the screening returns it is read with.
        permissions = [("view_violence_stats", _("查看和导出匿名暴力统计"))]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("protection:screeningcampaign_detail", args=[self.pk])


class ScreeningReport(ScopedModel):
    """One target unit's return for a campaign (``org`` is that unit)."""

    campaign = models.ForeignKey(
        ScreeningCampaign, on_delete=models.CASCADE, related_name="reports"
    )
    status = models.CharField(
        max_length=10,
        choices=choices.ScreeningReportStatus.choices,
        default=choices.ScreeningReportStatus.PENDING,
        verbose_name=_("上报状态"),
    )
    submitted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("上报时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("上报人"),
    )
    note = models.TextField(blank=True, verbose_name=_("情况说明"))
    nothing_found = models.BooleanField(default=False, verbose_name=_("未发现矛盾纠纷"))
    # Submitted after the campaign's due date: still taken, flagged for the issuer.
    is_late = models.BooleanField(default=False, verbose_name=_("逾期上报"))
    reminded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("最近催报时间"))

    class Meta:
        ordering = ["campaign", "org_path"]
        verbose_name = _("排查上报")
        verbose_name_plural = _("排查上报")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "org"], name="protection_report_once")
        ]

    def __str__(self):
        return f"排查上报 #{self.pk}"

    def get_absolute_url(self):
        return reverse("protection:screeningreport_detail", args=[self.pk])


class DisputeEntry(ScopedModel):
    """A dispute found by screening; needs no complainant and may become a case or a
    mediation."""

    report = models.ForeignKey(
        ScreeningReport, on_delete=models.CASCADE, related_name="entries", null=True, blank=True
    )
    kind = models.CharField(
        max_length=15, choices=choices.DisputeKind.choices, verbose_name=_("纠纷类型")
    )
    risk = models.CharField(
        max_length=10, choices=choices.DisputeRisk.choices, verbose_name=_("激化风险")
    )
    parties = EncryptedTextField(verbose_name=_("当事各方"))
    description = EncryptedTextField(verbose_name=_("纠纷情况"))
    action_taken = EncryptedTextField(blank=True, verbose_name=_("已采取措施"))
    status = models.CharField(
        max_length=15,
        choices=choices.DisputeStatus.choices,
        default=choices.DisputeStatus.OPEN,
        verbose_name=_("状态"),
    )
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("转为个案"),
    )
    mediation = models.ForeignKey(
        "cases.Mediation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("调解记录"),
    )
    found_on = models.DateField(default=timezone.localdate, verbose_name=_("发现日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_sensitive = models.BooleanField(default=False, verbose_name=_("敏感"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新时间"))

    scope_sensitive_field = "is_sensitive"
    # A grid worker records entries for her community's report (shared with her grid) and
    # keeps seeing and editing what she recorded; her community's other entries stay hidden.
    scope_owner_field = "created_by"
    scope_owner_actions = ("view", "change")

    class Meta:
        ordering = ["-found_on", "-id"]
        verbose_name = _("矛盾纠纷")
        verbose_name_plural = _("矛盾纠纷")

    def __str__(self):
        # No names: the audit trail and notifications carry this.
        return f"矛盾纠纷 #{self.pk}"

    def get_absolute_url(self):
        return reverse("protection:disputeentry_detail", args=[self.pk])


class OpinionItem(ScopedModel):
    """An entry of the public-opinion log (舆情)."""

    source = models.CharField(
        max_length=10, choices=choices.OpinionSource.choices, verbose_name=_("来源")
    )
    occurred_on = models.DateField(verbose_name=_("发现日期"))
    title = models.CharField(max_length=100, verbose_name=_("标题"))
    summary = models.TextField(verbose_name=_("内容摘要"))
    level = models.CharField(
        max_length=10, choices=choices.OpinionLevel.choices, verbose_name=_("舆情等级")
    )
    units = models.ManyToManyField(
        "orgs.OrgUnit", blank=True, related_name="+", verbose_name=_("涉及单位")
    )
    cases = models.ManyToManyField(
        "cases.Case", blank=True, related_name="+", verbose_name=_("关联个案")
    )
    handling = models.TextField(blank=True, verbose_name=_("处置情况"))
    status = models.CharField(
        max_length=10,
        choices=choices.OpinionStatus.choices,
        default=choices.OpinionStatus.OPEN,
        verbose_name=_("状态"),
    )
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("办结时间"))
    closing_note = models.TextField(blank=True, verbose_name=_("办结说明"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("舆情")
        verbose_name_plural = _("舆情")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("protection:opinionitem_detail", args=[self.pk])
