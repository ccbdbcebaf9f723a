"""Police written warnings (告诫书) with their follow-up visits, protection orders (人身安全保护令)
with their changes and breaches, injury examinations and the evidence bundles printed from
them."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.fields import EncryptedTextField
from jinguo.core.models import ScopedModel

from .. import choices
from .common import PersonRecord


class PoliceWarning(PersonRecord):
    """A 告诫书 issued by a police station. ``person`` is the victim; the abuser is a person on
    file or a description. The victim's residents'/villagers' committee (``org``) is told and
    visits with the police station on a schedule (WarningVisit)."""

    police_station = models.ForeignKey(
        "cases.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("出具单位")
    )
    document_number = models.CharField(max_length=60, blank=True, verbose_name=_("告诫书文号"))
    issued_on = models.DateField(verbose_name=_("出具日期"))
    abuser = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("加害人（已建档）"),
    )
    abuser_description = EncryptedTextField(blank=True, verbose_name=_("加害人情况"))
    facts = EncryptedTextField(verbose_name=_("家庭暴力事实"))
    prohibition = EncryptedTextField(verbose_name=_("禁止事项"))
    served_to = models.CharField(max_length=100, blank=True, verbose_name=_("送达对象"))
    served_at = models.DateTimeField(null=True, blank=True, verbose_name=_("送达时间"))
    committee_notified_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("通知居（村）委会时间")
    )
    visit_every_days = models.PositiveIntegerField(default=30, verbose_name=_("回访间隔（天）"))
    visits_until = models.DateField(null=True, blank=True, verbose_name=_("回访截止日期"))

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("告诫书")
        verbose_name_plural = _("告诫书")

    def __str__(self):
        return self.document_number or str(self.pk)

    def get_absolute_url(self):
        return reverse("protection:policewarning_detail", args=[self.pk])


class WarningVisit(ScopedModel):
    """A follow-up visit owed after a written warning, by the committee with the police."""

    warning = models.ForeignKey(PoliceWarning, on_delete=models.CASCADE, related_name="visits")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(verbose_name=_("应回访日期"))
    state = models.CharField(
        max_length=15,
        choices=choices.VisitState.choices,
        default=choices.VisitState.DUE,
        verbose_name=_("状态"),
    )
    done_at = models.DateTimeField(null=True, blank=True, verbose_name=_("回访时间"))
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("回访人"),
    )
    with_police = models.BooleanField(default=False, verbose_name=_("与派出所共同回访"))
    finding = EncryptedTextField(blank=True, verbose_name=_("回访情况"))
    is_sensitive = models.BooleanField(default=True)

    scope_sensitive_field = "is_sensitive"
    scope_parent = ("warning", "person")

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("告诫书回访")
        verbose_name_plural = _("告诫书回访")
        indexes = [models.Index(fields=["state", "due_on"], name="protection_wvisit_due")]

    def get_absolute_url(self):
        return reverse("protection:warningvisit_detail", args=[self.pk])


class ProtectionOrder(PersonRecord):
    """A 人身安全保护令 from application to expiry. ``person`` is the one protected."""

    respondent = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("被申请人（已建档）"),
    )
    respondent_description = EncryptedTextField(blank=True, verbose_name=_("被申请人情况"))
    applicant_kind = models.CharField(
        max_length=20, choices=choices.ApplicantKind.choices, verbose_name=_("申请人")
    )
    applicant_name = EncryptedTextField(blank=True, verbose_name=_("代为申请人姓名/单位"))
    help_drafting = models.BooleanField(default=False, verbose_name=_("协助撰写申请书"))
    help_evidence = models.BooleanField(default=False, verbose_name=_("协助收集证据"))
    help_accompanying = models.BooleanField(default=False, verbose_name=_("陪同申请/出庭"))
    court = models.ForeignKey(
        "cases.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("受理法院"),
    )
    court_case_number = models.CharField(max_length=60, blank=True, verbose_name=_("案号"))
    status = models.CharField(
        max_length=15,
        choices=choices.OrderStatus.choices,
        default=choices.OrderStatus.PREPARING,
        verbose_name=_("状态"),
    )
    applied_at = models.DateTimeField(null=True, blank=True, verbose_name=_("申请时间"))
    accepted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("受理时间"))
    urgent = models.BooleanField(default=False, verbose_name=_("情况紧急"))
    # 24 h (urgent) or 72 h after acceptance, on the calendar clock.
    decision_due_at = models.DateTimeField(null=True, blank=True, verbose_name=_("裁定期限"))
    ruled_at = models.DateTimeField(null=True, blank=True, verbose_name=_("裁定时间"))
    ban_violence = models.BooleanField(default=False, verbose_name=_("禁止实施家庭暴力"))
    ban_contact = models.BooleanField(
        default=False, verbose_name=_("禁止骚扰、跟踪、接触申请人及其相关近亲属")
    )
    move_out = models.BooleanField(default=False, verbose_name=_("责令迁出申请人住所"))
    other_measures = EncryptedTextField(blank=True, verbose_name=_("其他措施"))
    effective_from = models.DateField(null=True, blank=True, verbose_name=_("生效日期"))
    effective_until = models.DateField(null=True, blank=True, verbose_name=_("有效期至"))
    notes = EncryptedTextField(blank=True, verbose_name=_("备注"))
    # The expiry date the worker was last warned about (an extension re-arms the warning).
    expiry_warned_for = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("人身安全保护令")
        verbose_name_plural = _("人身安全保护令")
        indexes = [
            models.Index(fields=["status", "decision_due_at"], name="protection_order_due"),
            models.Index(fields=["status", "effective_until"], name="protection_order_until"),
            # What changed since the last early-warning sweep.
            models.Index(fields=["updated_at"], name="protection_order_updated"),
        ]

    def __str__(self):
        return self.court_case_number or str(self.pk)

    def get_absolute_url(self):
        return reverse("protection:protectionorder_detail", args=[self.pk])


class OrderEvent(models.Model):
    """A change to an order after the ruling: extension, variation, revocation, reconsideration."""

    order = models.ForeignKey(ProtectionOrder, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(
        max_length=20, choices=choices.OrderChange.choices, verbose_name=_("事项")
    )
    at = models.DateTimeField(default=timezone.now, verbose_name=_("时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    new_until = models.DateField(null=True, blank=True, verbose_name=_("新的有效期至"))
    old_until = models.DateField(null=True, blank=True, verbose_name=_("原有效期至"))
    from_status = models.CharField(max_length=15, blank=True, verbose_name=_("原状态"))
    to_status = models.CharField(max_length=15, blank=True, verbose_name=_("新状态"))
    note = EncryptedTextField(blank=True, verbose_name=_("说明"))

    class Meta:
        ordering = ["at", "id"]
        default_permissions = ()
        verbose_name = _("保护令变更")
        verbose_name_plural = _("保护令变更")


class OrderBreach(ScopedModel):
    order = models.ForeignKey(ProtectionOrder, on_delete=models.CASCADE, related_name="breaches")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField(verbose_name=_("发生时间"))
    description = EncryptedTextField(verbose_name=_("违反情况"))
    police_response = EncryptedTextField(blank=True, verbose_name=_("公安机关处置"))
    sanction = models.CharField(
        max_length=15,
        choices=choices.Sanction.choices,
        default=choices.Sanction.PENDING,
        verbose_name=_("处罚"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    is_sensitive = models.BooleanField(default=True)

    scope_sensitive_field = "is_sensitive"
    scope_parent = ("order", "person")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("违反保护令记录")
        verbose_name_plural = _("违反保护令记录")
        # Breaches recorded since the last early-warning sweep.
        indexes = [models.Index(fields=["recorded_at"], name="protection_breach_recorded")]

    def get_absolute_url(self):
        return reverse("protection:orderbreach_detail", args=[self.pk])


class InjuryRecord(PersonRecord):
    """An injury examination (伤情鉴定 or a medical record of injuries)."""

    examined_by = models.CharField(max_length=100, verbose_name=_("鉴定/诊疗机构"))
    examiner = models.CharField(max_length=50, blank=True, verbose_name=_("鉴定人/医生"))
    examined_at = models.DateTimeField(verbose_name=_("检查时间"))
    severity = models.CharField(
        max_length=10,
        choices=choices.InjurySeverity.choices,
        default=choices.InjurySeverity.PENDING,
        verbose_name=_("鉴定结论"),
    )
    result = EncryptedTextField(verbose_name=_("伤情描述"))

    class Meta:
        ordering = ["-examined_at", "-id"]
        verbose_name = _("伤情记录")
        verbose_name_plural = _("伤情记录")

    def get_absolute_url(self):
        return reverse("protection:injuryrecord_detail", args=[self.pk])


class EvidenceBundle(PersonRecord):
    """A printed evidence bundle: what went into it and the SHA-256 of what was printed, so a
    court can check a copy against the platform."""

    contents = models.JSONField(default=dict, verbose_name=_("包含的记录"))
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256"))
    purpose = models.CharField(max_length=200, verbose_name=_("用途"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("证据材料包")
        verbose_name_plural = _("证据材料包")

    def get_absolute_url(self):
        return reverse("protection:evidencebundle_detail", args=[self.pk])
