"""The appeal or case (诉求/个案) and the people it concerns."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.fields import BlindIndexField, EncryptedCharField, EncryptedTextField
from jinguo.core.masking import mask_phone
from jinguo.core.models import ScopedModel
from jinguo.core.search import SearchTextField

from .. import choices
from .config import Category


class Case(ScopedModel):
    """One appeal from intake to closing. ``org`` is the unit that owns it now; passing it
    down, up or across changes ``org`` (and ``org_path``), and the timeline keeps the route."""

    number = models.CharField(max_length=40, unique=True, editable=False, verbose_name=_("编号"))
    channel = models.CharField(
        max_length=20, choices=choices.Channel.choices, verbose_name=_("来源渠道")
    )
    received_at = models.DateTimeField(default=timezone.now, verbose_name=_("收到时间"))
    summary = models.CharField(
        max_length=100,
        verbose_name=_("诉求摘要"),
        help_text=_("一句话概括，不写姓名、电话等身份信息；用于列表和检索。"),
    )
    narrative = EncryptedTextField(blank=True, verbose_name=_("诉求内容"))
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("诉求类别")
    )
    subcategory = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("子类别"),
    )
    gbv_type = models.CharField(
        max_length=20, choices=choices.GbvType.choices, blank=True, verbose_name=_("暴力类型")
    )
    urgency = models.CharField(
        max_length=10,
        choices=choices.Urgency.choices,
        default=choices.Urgency.NORMAL,
        verbose_name=_("紧急程度"),
    )
    is_sensitive = models.BooleanField(default=False, verbose_name=_("敏感个案"))
    involves_minor = models.BooleanField(default=False, verbose_name=_("涉及未成年人"))

    complainant = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("诉求人"),
    )
    anonymous = models.BooleanField(default=False, verbose_name=_("匿名"))
    caller_phone = EncryptedCharField(blank=True, max_input_length=30, verbose_name=_("来电号码"))
    caller_phone_index = BlindIndexField()

    status = models.CharField(
        max_length=20,
        choices=choices.Status.choices,
        default=choices.Status.REGISTERED,
        verbose_name=_("状态"),
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
        verbose_name=_("承办人"),
    )
    decline_reason = models.TextField(blank=True, verbose_name=_("不予受理理由"))
    outcome = models.CharField(
        max_length=20, choices=choices.Outcome.choices, blank=True, verbose_name=_("办理结果")
    )
    outcome_note = EncryptedTextField(blank=True, verbose_name=_("办结情况"))
    satisfaction = models.CharField(
        max_length=15,
        choices=choices.Satisfaction.choices,
        blank=True,
        verbose_name=_("满意度"),
    )
    accepted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("受理时间"))
    resolved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("办结时间"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("结案时间"))

    # Deadlines, recomputed by jinguo.cases.deadlines on every transition.
    decide_due_at = models.DateTimeField(null=True, blank=True, verbose_name=_("受理期限"))
    finish_due_at = models.DateTimeField(null=True, blank=True, verbose_name=_("办结期限"))
    follow_up_due_at = models.DateTimeField(null=True, blank=True, verbose_name=_("回访期限"))
    due_at = models.DateTimeField(null=True, blank=True, verbose_name=_("当前期限"))
    due_state = models.CharField(
        max_length=10,
        choices=choices.DueState.choices,
        default=choices.DueState.NONE,
        verbose_name=_("期限状态"),
    )
    extension_days = models.PositiveIntegerField(default=0, verbose_name=_("已延期天数"))

    repeat_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeats",
        verbose_name=_("重复诉求关联"),
    )
    is_repeat = models.BooleanField(default=False, verbose_name=_("重复诉求"))

    # Idempotent API intake: a client system's own reference, unique per submitting account.
    client_reference = models.CharField(max_length=80, blank=True, verbose_name=_("对方系统编号"))
    search_text = SearchTextField()
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新时间"))

    scope_sensitive_field = "is_sensitive"
    audit_masks = {"summary": None, "search_text": None, "decline_reason": None}

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("维权个案")
        verbose_name_plural = _("维权个案")
        indexes = [
            # A district's whole queue, newest first: its count and its page's ids are read
            # from this index alone (id and the sensitivity rule included; see core/pages.py).
            models.Index(
                fields=["org_path", "received_at", "id", "is_sensitive"],
                name="cases_case_scope_recent",
                opclasses=["varchar_pattern_ops", "timestamptz_ops", "int8_ops", "bool_ops"],
            ),
            models.Index(
                fields=["org_path", "status", "due_at"],
                name="cases_case_scope_status",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "timestamptz_ops"],
            ),
            # The due-soon and overdue queues of a district: its subtree, then the due state,
            # in due order.
            models.Index(
                fields=["org_path", "due_state", "due_at"],
                name="cases_case_scope_due",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "timestamptz_ops"],
            ),
            # The queue tabs' counts over a district's open cases, from this index alone: every
            # column a tab filters on (selectors.queue_counts), only the open cases.
            models.Index(
                fields=[
                    "org_path",
                    "status",
                    "due_state",
                    "urgency",
                    "is_sensitive",
                    "assigned_to",
                    "org",
                    "id",
                ],
                name="cases_case_scope_open",
                condition=Q(status__in=[s.value for s in choices.OPEN_STATUSES]),
                opclasses=[
                    "varchar_pattern_ops",
                    "varchar_ops",
                    "varchar_ops",
                    "varchar_ops",
                    "bool_ops",
                    "int8_ops",
                    "int8_ops",
                    "int8_ops",
                ],
            ),
            models.Index(fields=["assigned_to", "status"], name="cases_case_assignee"),
            models.Index(fields=["complainant", "received_at"], name="cases_case_complainant"),
            models.Index(fields=["due_state", "due_at"], name="cases_case_due"),
            # Cases written since the last early-warning sweep (protection), and urgent cases
            # crossing the hours allowed for a first action.
            models.Index(fields=["updated_at"], name="cases_case_updated"),
            models.Index(fields=["urgency", "received_at"], name="cases_case_urgency_received"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "client_reference"],
                condition=~Q(client_reference=""),
                name="cases_case_unique_client_ref",
            )
        ]
        permissions = [
            ("dispatch_case", _("受理、分派、交办、上报和转办个案")),
            ("close_case", _("回访、结案和重新办理个案")),
            ("approve_case", _("审批延期申请")),
            ("print_case", _("打印个案卷宗")),
        ]

    def __str__(self):
        return self.number or "新个案"

    def get_absolute_url(self):
        return reverse("cases:case_detail", args=[self.pk])

    @property
    def masked_caller_phone(self) -> str:
        return mask_phone(self.caller_phone)

    @property
    def is_open(self) -> bool:
        return self.status in choices.OPEN_STATUSES


class CaseParty(models.Model):
    """A person the case concerns, in a role. Someone not (yet) on file is described in
    an encrypted free-text line instead, e.g. the respondent "丈夫，约40岁"."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_roles",
        verbose_name=_("人员档案"),
    )
    role = models.CharField(
        max_length=15, choices=choices.PartyRole.choices, verbose_name=_("身份")
    )
    description = EncryptedCharField(blank=True, max_input_length=200, verbose_name=_("说明"))
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        default_permissions = ()
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(description=""),
                name="cases_party_person_or_description",
            )
        ]

    def __str__(self):
        return f"{self.get_role_display()} #{self.pk}"
