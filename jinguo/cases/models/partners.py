"""Partner agencies (police, courts, legal aid, shelters…), their users, and referrals.

Agency users are outsiders: their access to referrals comes only from being a member of the
agency the referral went to, never from their home unit's subtree (``Referral.scope_audience``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.fields import EncryptedTextField
from jinguo.core.models import ScopedModel
from jinguo.core.scoping import Audience

from .. import choices
from .case import Case

# What an agency member may do with her agency's referrals.
AGENCY_ACTIONS = ("view", "respond")


class Agency(ScopedModel):
    """A partner agency, kept on file by the federation unit ``org`` that works with it.

    Units below ``org`` may refer to it too (a district's legal-aid centre serves its streets).
    """

    name = models.CharField(max_length=100, verbose_name=_("机构名称"))
    kind = models.CharField(
        max_length=20, choices=choices.AgencyKind.choices, verbose_name=_("机构类型")
    )
    contact_name = models.CharField(max_length=50, blank=True, verbose_name=_("联系人"))
    contact_phone = models.CharField(max_length=30, blank=True, verbose_name=_("联系电话"))
    address = models.CharField(max_length=200, blank=True, verbose_name=_("地址"))
    services = models.TextField(blank=True, verbose_name=_("服务内容"))
    is_active = models.BooleanField(default=True, verbose_name=_("启用"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="AgencyMember",
        related_name="agencies",
        blank=True,
        verbose_name=_("机构用户"),
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("合作机构")
        verbose_name_plural = _("合作机构")
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="cases_agency_unique_name")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cases:agency_detail", args=[self.pk])

    @property
    def consent_purpose(self) -> str:
        return choices.AGENCY_CONSENT_PURPOSE[self.kind]


class AgencyMember(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_membership"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()
        verbose_name = _("机构用户")
        verbose_name_plural = _("机构用户")


class Referral(ScopedModel):
    """A case sent to a partner agency. ``org`` is the referring unit (the case's unit)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("转介机构")
    )
    request = EncryptedTextField(verbose_name=_("转介事项"))
    status = models.CharField(
        max_length=15,
        choices=choices.ReferralStatus.choices,
        default=choices.ReferralStatus.SENT,
        verbose_name=_("状态"),
    )
    consent_purpose = models.CharField(max_length=30, editable=False)
    share_identity = models.BooleanField(
        default=True,
        verbose_name=_("提供当事人身份信息"),
        help_text=_("须有当事人对此类机构的单独同意。"),
    )
    sent_at = models.DateTimeField(default=timezone.now, verbose_name=_("转介时间"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("转介人"),
    )
    due_at = models.DateTimeField(null=True, blank=True, verbose_name=_("答复期限"))
    responded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("答复时间"))
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("答复人"),
    )
    response_note = EncryptedTextField(blank=True, verbose_name=_("答复意见"))
    report = EncryptedTextField(blank=True, verbose_name=_("办理情况反馈"))
    reported_at = models.DateTimeField(null=True, blank=True, verbose_name=_("反馈时间"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("完结时间"))
    urge_count = models.PositiveSmallIntegerField(default=0, verbose_name=_("督促次数"))
    last_urged_at = models.DateTimeField(null=True, blank=True, verbose_name=_("最近督促时间"))
    is_sensitive = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    scope_sensitive_field = "is_sensitive"
    # An agency member sees her agency's referrals and nothing by subtree; answering for an
    # agency ("respond") is for its members only, whatever a role or a share says.
    scope_audience = Audience(
        users="agency__memberships__user",
        actions=AGENCY_ACTIONS,
        reserved=("respond",),
        excludes_subtree=True,
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("转介")
        verbose_name_plural = _("转介")
        indexes = [
            models.Index(fields=["agency", "status"], name="cases_referral_agency"),
            models.Index(fields=["status", "due_at"], name="cases_referral_due"),
        ]
        permissions = [("respond_referral", _("作为合作机构答复转介"))]

    def __str__(self):
        return f"转介 #{self.pk}"

    def get_absolute_url(self):
        return reverse("cases:referral_detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return (
            self.status == choices.ReferralStatus.SENT
            and self.due_at is not None
            and self.due_at < timezone.now()
        )


OPEN_REFERRAL = Q(status__in=choices.REFERRAL_OPEN_STATUSES)
