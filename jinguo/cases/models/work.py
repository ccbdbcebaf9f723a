"""What happens to a case: the timeline, extensions, follow-up calls, mediation sessions
and attachments. Each is read through its case; mediations and attachments are also
scoped models of their own so that lists and the API can restrict() them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.fields import EncryptedTextField
from jinguo.core.models import ScopedModel

from .. import choices
from ..storage import get_attachment_storage
from .case import Case


class CaseEvent(models.Model):
    """One step on a case's timeline: who did what, when, and the state it moved between."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(
        max_length=30, choices=choices.EventKind.choices, verbose_name=_("事项")
    )
    at = models.DateTimeField(default=timezone.now, verbose_name=_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_unit = models.ForeignKey(
        "orgs.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("操作单位"),
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = EncryptedTextField(blank=True, verbose_name=_("说明"))
    # Ids and labels of what the step touched (unit, worker, agency, referral…); no PII.
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        default_permissions = ()
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        indexes = [models.Index(fields=["case", "at"], name="cases_event_case")]

    def __str__(self):
        return f"{self.case_id} {self.kind}"


class Extension(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveIntegerField(verbose_name=_("延期天数"))
    reason = models.TextField(verbose_name=_("延期理由"))
    status = models.CharField(
        max_length=10,
        choices=choices.ExtensionStatus.choices,
        default=choices.ExtensionStatus.PENDING,
        verbose_name=_("审批状态"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now, verbose_name=_("申请时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审批人"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("审批时间"))
    decision_note = models.TextField(blank=True, verbose_name=_("审批意见"))

    class Meta:
        ordering = ["-requested_at"]
        default_permissions = ()
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")


class FollowUp(models.Model):
    """A follow-up call (回访) after a case was resolved."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    called_at = models.DateTimeField(default=timezone.now, verbose_name=_("回访时间"))
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("回访人"),
    )
    satisfaction = models.CharField(
        max_length=15,
        choices=choices.Satisfaction.choices,
        blank=True,
        verbose_name=_("满意度"),
    )
    result = models.CharField(
        max_length=15, choices=choices.FollowUpResult.choices, verbose_name=_("回访结果")
    )
    note = EncryptedTextField(blank=True, verbose_name=_("回访情况"))

    class Meta:
        ordering = ["-called_at"]
        default_permissions = ()
        # Calls made since the last early-warning sweep (protection).
        indexes = [models.Index(fields=["called_at"], name="cases_followup_called")]
        verbose_name = _("回访记录")
        verbose_name_plural = _("回访记录")


class Mediation(ScopedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediations")
    held_at = models.DateTimeField(default=timezone.now, verbose_name=_("调解时间"))
    mode = models.CharField(
        max_length=20,
        choices=choices.MediationMode.choices,
        default=choices.MediationMode.FEDERATION,
        verbose_name=_("调解方式"),
    )
    place = models.CharField(max_length=100, blank=True, verbose_name=_("调解地点"))
    parties = EncryptedTextField(verbose_name=_("参加调解的当事人"))
    mediators = models.CharField(max_length=200, verbose_name=_("调解员"))
    statements = EncryptedTextField(blank=True, verbose_name=_("各方陈述"))
    outcome = models.CharField(
        max_length=15, choices=choices.MediationOutcome.choices, verbose_name=_("调解结果")
    )
    agreement = EncryptedTextField(blank=True, verbose_name=_("协议内容"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_sensitive = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    scope_sensitive_field = "is_sensitive"

    class Meta:
        ordering = ["-held_at", "-id"]
        verbose_name = _("调解记录")
        verbose_name_plural = _("调解记录")

    def __str__(self):
        return f"调解 #{self.pk}"


class Attachment(ScopedModel):
    """A file on a case, stored encrypted outside any publicly served folder and served
    only through a scoped view that logs the access."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(
        storage=get_attachment_storage, upload_to="cases/%Y/%m/", max_length=200
    )
    original_name = models.CharField(max_length=200, verbose_name=_("文件名"))
    content_type = models.CharField(max_length=100, verbose_name=_("文件类型"))
    size = models.PositiveIntegerField(verbose_name=_("大小（字节）"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    description = models.CharField(max_length=200, blank=True, verbose_name=_("说明"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, verbose_name=_("上传时间"))
    is_sensitive = models.BooleanField(default=False, editable=False)

    scope_sensitive_field = "is_sensitive"
    audit_masks = {"original_name": None, "description": None}

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self):
        return f"附件 #{self.pk}"
