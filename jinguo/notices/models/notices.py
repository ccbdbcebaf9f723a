"""Notices (通知) and tasks (任务) a unit sends down the tree, one Receipt per receiving unit.

A notice belongs to the issuing unit (``org``): restrict() shows it to that unit's subtree,
i.e. the issuer and the levels above her. A receipt belongs to the receiving unit, so the
receiving unit sees what was sent to it, and the issuer (whose subtree holds every receiving
unit) sees each receipt's state. A unit of another branch sees neither.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.cases.storage import get_attachment_storage
from jinguo.core.models import ScopedModel

from .. import choices


class Notice(ScopedModel):
    kind = models.CharField(
        max_length=10, choices=choices.NoticeKind.choices, verbose_name=_("类型")
    )
    title = models.CharField(max_length=100, verbose_name=_("标题"))
    body = models.TextField(verbose_name=_("正文"))
    due_on = models.DateField(null=True, blank=True, verbose_name=_("完成期限"))
    targets = models.CharField(
        max_length=10, choices=choices.NoticeTargets.choices, verbose_name=_("发送范围")
    )
    # For NoticeTargets.LEVEL: the unit kind every receiving unit has.
    target_kind = models.CharField(max_length=20, blank=True, verbose_name=_("单位层级"))
    # A task may feed a manual cell of a report form: the figure each unit reports under the
    # cell's name on completion fills that cell of its report of the period (see
    # jinguo/stats/services/prefill.py). Old versions of the form keep their cells, so the
    # link survives a new version; the figure lands in the version the unit files.
    report_cell = models.ForeignKey(
        "stats.ReportCell",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("填入报表单元格"),
    )
    report_period = models.DateField(null=True, blank=True, verbose_name=_("填入报表的报告期"))
    report_figure = models.CharField(max_length=50, blank=True, verbose_name=_("填入报表的数据项"))
    issued_at = models.DateTimeField(default=timezone.now, verbose_name=_("下发时间"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True, verbose_name=_("撤回时间"))
    withdraw_reason = models.CharField(max_length=200, blank=True, verbose_name=_("撤回原因"))

    scope_shares = False

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("通知任务")
        verbose_name_plural = _("通知任务")
        default_permissions = ("view", "add", "change")
        indexes = [
            models.Index(
                fields=["org_path"], name="notices_notice_path", opclasses=["varchar_pattern_ops"]
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("notices:notice_detail", args=[self.pk])

    @property
    def is_task(self) -> bool:
        return self.kind == choices.NoticeKind.TASK


class Receipt(ScopedModel):
    """What one receiving unit (``org``) did with a notice or task."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="receipts")
    # Copied from the notice, so that the inbox orders and the statistics count without a join.
    kind = models.CharField(
        max_length=10, choices=choices.NoticeKind.choices, verbose_name=_("类型")
    )
    due_on = models.DateField(null=True, blank=True, verbose_name=_("完成期限"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("收到时间"))
    state = models.CharField(
        max_length=15,
        choices=choices.ReceiptState.choices,
        default=choices.ReceiptState.PENDING,
        verbose_name=_("状态"),
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True, verbose_name=_("签收时间"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("签收人"),
    )
    completed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("完成时间"))
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("完成人"),
    )
    note = models.TextField(blank=True, verbose_name=_("完成情况"))
    # [{"key": "开展活动场次", "value": 3}, ...]: figures the unit reports with its completion.
    figures = models.JSONField(default=list, blank=True, verbose_name=_("数据"))
    is_late = models.BooleanField(default=False, verbose_name=_("逾期完成"))
    reminded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("最近提醒时间"))
    # The sweep reminds once when the due date is near and once when it has passed.
    reminded_soon = models.BooleanField(default=False, editable=False)
    reminded_overdue = models.BooleanField(default=False, editable=False)

    scope_shares = False

    class Meta:
        ordering = ["notice", "org_path"]
        verbose_name = _("签收回执")
        verbose_name_plural = _("签收回执")
        default_permissions = ("view",)
        permissions = [
            ("acknowledge_receipt", _("签收本单位收到的通知任务")),
            ("complete_receipt", _("报告本单位任务的完成情况")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["notice", "org"], name="notices_receipt_once")
        ]
        indexes = [
            models.Index(fields=["org", "state", "due_on"], name="notices_receipt_inbox"),
            # PostgreSQL serves the subtree LIKE from a pattern-ops index (ignored on SQLite).
            models.Index(
                fields=["org_path"], name="notices_receipt_path", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self):
        return f"回执 #{self.pk}"

    def get_absolute_url(self):
        return reverse("notices:receipt_detail", args=[self.pk])

    def overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (
            self.kind == choices.NoticeKind.TASK
            and self.state != choices.ReceiptState.COMPLETED
            and self.due_on is not None
            and self.due_on < today
        )


class NoticeFile(models.Model):
    """A file of a notice (the issuer's) or of a receipt (a unit's completion report), stored
    encrypted like case attachments and served only through a view that checks its parent
    with restrict()."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="files")
    receipt = models.ForeignKey(
        Receipt, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(
        storage=get_attachment_storage, upload_to="notices/%Y/%m/", max_length=200
    )
    original_name = models.CharField(max_length=200, verbose_name=_("文件名"))
    content_type = models.CharField(max_length=100, verbose_name=_("文件类型"))
    size = models.PositiveIntegerField(verbose_name=_("大小（字节）"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now, verbose_name=_("上传时间"))

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("通知任务附件")
        verbose_name_plural = _("通知任务附件")
        default_permissions = ()

    def __str__(self):
        return self.original_name
