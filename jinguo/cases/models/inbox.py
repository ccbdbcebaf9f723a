"""The intake queue (接入队列): appeals pushed by telephony and grid platforms, stored as they
arrive and registered as cases by a worker.

A platform's POST is answered as soon as its appeal is stored here (one insert, 202), so a
burst of calls never waits on case numbering, deadlines or the audit chain; the worker
(``manage.py process_intake``) registers the queue in order through the intake service. The
body is kept encrypted: it holds the caller's phone, name and story.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.fields import EncryptedTextField
from jinguo.core.scoping import RestrictQuerySet

from .case import Case

# A platform's reference is part of the status URL (/api/cases/intake/<reference>/): letters,
# digits and . _ : - only, starting with a letter or digit, so that every accepted reference
# also works in a path. Anything else is refused before it is stored.
CLIENT_REFERENCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,79}$"


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", _("待登记")
    REGISTERED = "registered", _("已登记")
    REJECTED = "rejected", _("未通过")


class IntakeSubmission(models.Model):
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("提交账号"),
    )
    client_reference = models.CharField(max_length=80, verbose_name=_("对方系统编号"))
    payload = EncryptedTextField(verbose_name=_("提交内容"))
    status = models.CharField(
        max_length=12,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.PENDING,
        verbose_name=_("状态"),
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记的个案"),
    )
    errors = models.JSONField(default=dict, blank=True, verbose_name=_("未通过原因"))
    received_at = models.DateTimeField(default=timezone.now, verbose_name=_("收到时间"))
    processed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("处理时间"))

    objects = RestrictQuerySet.as_manager()
    # A platform account sees its own submissions and nobody else's: the queue is its receipt
    # book, not a list of cases (those are scoped by unit once registered).
    scope_path_field = None
    scope_owner_field = "submitted_by"
    scope_owner_actions = ("view",)
    scope_shares = False

    class Meta:
        verbose_name = _("接入队列诉求")
        verbose_name_plural = _("接入队列诉求")
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_by", "client_reference"],
                name="cases_submission_unique_ref",
            )
        ]
        indexes = [
            # The worker's "oldest pending first": small, only the rows still waiting.
            models.Index(
                fields=["id"],
                condition=Q(status="pending"),
                name="cases_submission_pending",
            )
        ]

    def __str__(self):
        return self.client_reference
