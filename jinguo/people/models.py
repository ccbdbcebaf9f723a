"""Key-focus records (重点关注档案): persons, households, tags, contacts, visits and consents.

Identity numbers, phone numbers, addresses and narratives are encrypted at rest; exact
look-ups go through keyed blind indexes. Every record carries its unit (``org``) so that
restrict() scopes it; a person's tags, visits and consents take the person's unit, and a share
of the person (or household) reaches them too (``scope_parent``).
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.fields import BlindIndexField, EncryptedCharField, EncryptedTextField
from jinguo.core.masking import mask_address, mask_id_number, mask_name, mask_phone
from jinguo.core.models import ScopedModel
from jinguo.core.search import SearchTextField

from . import choices


class FocusTagType(models.Model):
    """A kind of key-focus tag (留守妇女, 困境儿童…); federations add their own."""

    code = models.SlugField(max_length=40, unique=True, verbose_name=_("代码"))
    name = models.CharField(max_length=40, unique=True, verbose_name=_("名称"))
    description = models.CharField(max_length=200, blank=True, verbose_name=_("说明"))
    review_days = models.PositiveSmallIntegerField(default=90, verbose_name=_("复核周期（天）"))
    sensitive = models.BooleanField(
        default=False,
        verbose_name=_("敏感"),
        help_text=_("带此标签的人员档案只对有“查看敏感记录”权限或被指派的人员可见。"),
    )
    is_builtin = models.BooleanField(default=False, editable=False, verbose_name=_("系统内置"))
    is_active = models.BooleanField(default=True, verbose_name=_("启用"))
    sort = models.PositiveSmallIntegerField(default=100, verbose_name=_("排序"))

    class Meta:
        ordering = ["sort", "id"]
        verbose_name = _("关注标签类型")
        verbose_name_plural = _("关注标签类型")

    def __str__(self):
        return self.name


ADULT_AGE = 18  # under 18 is a minor (未成年人保护法)


class Person(ScopedModel):
    name = models.CharField(max_length=50, verbose_name=_("姓名"))
    # Indexed through people_person_dup (name_pinyin, birth_date), whose prefix serves it.
    name_pinyin = models.CharField(max_length=200, blank=True, editable=False)
    name_initials = models.CharField(max_length=50, blank=True, editable=False, db_index=True)
    gender = models.CharField(
        max_length=1,
        choices=choices.Gender.choices,
        default=choices.Gender.FEMALE,
        verbose_name=_("性别"),
    )
    birth_date = models.DateField(null=True, blank=True, verbose_name=_("出生日期"))
    ethnicity = models.CharField(max_length=20, blank=True, default="汉族", verbose_name=_("民族"))
    nationality = models.CharField(
        max_length=40, blank=True, default="中国", verbose_name=_("国籍")
    )
    id_type = models.CharField(
        max_length=20,
        choices=choices.IdType.choices,
        default=choices.IdType.RESIDENT,
        verbose_name=_("证件类型"),
    )
    id_number = EncryptedCharField(blank=True, max_input_length=40, verbose_name=_("证件号码"))
    id_number_index = BlindIndexField(db_index=False)
    phone = EncryptedCharField(blank=True, max_input_length=20, verbose_name=_("手机号"))
    phone_index = BlindIndexField()
    phone2 = EncryptedCharField(blank=True, max_input_length=30, verbose_name=_("其他电话"))
    phone2_index = BlindIndexField()
    address = EncryptedCharField(blank=True, max_input_length=200, verbose_name=_("现住址"))
    registration = models.CharField(
        max_length=20,
        choices=choices.Registration.choices,
        default=choices.Registration.LOCAL,
        verbose_name=_("户籍类型"),
    )
    origin_place = models.CharField(max_length=100, blank=True, verbose_name=_("户籍地/来源地"))
    marital_status = models.CharField(
        max_length=20,
        choices=choices.MaritalStatus.choices,
        default=choices.MaritalStatus.UNKNOWN,
        verbose_name=_("婚姻状况"),
    )
    education = models.CharField(
        max_length=20,
        choices=choices.Education.choices,
        default=choices.Education.UNKNOWN,
        verbose_name=_("文化程度"),
    )
    employment = models.CharField(
        max_length=20,
        choices=choices.Employment.choices,
        default=choices.Employment.UNKNOWN,
        verbose_name=_("就业状况"),
    )
    disability = models.CharField(
        max_length=20,
        choices=choices.Disability.choices,
        default=choices.Disability.NONE,
        verbose_name=_("残疾情况"),
    )
    health_notes = EncryptedTextField(blank=True, verbose_name=_("健康状况"))
    living_situation = models.CharField(
        max_length=20,
        choices=choices.LivingSituation.choices,
        default=choices.LivingSituation.WITH_FAMILY,
        verbose_name=_("居住状况"),
    )
    notes = models.TextField(blank=True, verbose_name=_("备注"))
    is_sensitive = models.BooleanField(default=False, editable=False, verbose_name=_("敏感档案"))
    search_text = SearchTextField()
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
        verbose_name=_("已合并到"),
    )
    is_active = models.BooleanField(default=True, verbose_name=_("有效"))
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, verbose_name=_("建档时间")
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("更新时间"))

    scope_sensitive_field = "is_sensitive"
    # Plaintext personal fields, masked where the audit trail shows a record's changes.
    audit_masks = {
        "name": mask_name,
        "name_pinyin": None,
        "name_initials": None,
        "search_text": None,
        "notes": None,
    }

    class Meta:
        ordering = ["name_pinyin", "id"]
        verbose_name = _("人员档案")
        verbose_name_plural = _("人员档案")
        indexes = [
            models.Index(
                fields=["org_path", "name_pinyin"],
                name="people_person_scope",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["name_pinyin", "birth_date"], name="people_person_dup"),
            # Age-range filters within a district: the unit path first, so the subtree is
            # the range scanned.
            models.Index(
                fields=["org_path", "birth_date"],
                name="people_person_scope_birth",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=~Q(id_number_index="") & Q(merged_into__isnull=True),
                name="people_person_unique_id",
            )
        ]
        permissions = [
            ("merge_person", _("合并重复档案")),
            ("import_person", _("批量导入档案")),
        ]

    def __str__(self):
        # Never identifying: audit rows and logs show this.
        return f"档案 #{self.pk}" if self.pk else "新档案"

    def get_absolute_url(self):
        return reverse("people:person_detail", args=[self.pk])

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_phone2(self) -> str:
        return mask_phone(self.phone2)

    @property
    def masked_address(self) -> str:
        return mask_address(self.address)

    def age(self, on: date | None = None) -> int | None:
        if not self.birth_date:
            return None
        on = on or timezone.localdate()
        years = on.year - self.birth_date.year
        if (on.month, on.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    def is_minor_on(self, day: date) -> bool:
        age = self.age(day)
        return age is not None and age < ADULT_AGE

    @property
    def is_minor(self) -> bool:
        return self.is_minor_on(timezone.localdate())


class Household(ScopedModel):
    name = models.CharField(max_length=60, verbose_name=_("户名"))
    head = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_households",
        verbose_name=_("户主"),
    )
    address = EncryptedCharField(blank=True, max_input_length=200, verbose_name=_("住址"))
    notes = models.TextField(blank=True, verbose_name=_("备注"))
    is_sensitive = models.BooleanField(default=False, editable=False, verbose_name=_("敏感"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    scope_sensitive_field = "is_sensitive"
    audit_masks = {"name": mask_name, "notes": None}

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("家庭")
        verbose_name_plural = _("家庭")
        indexes = [
            models.Index(
                fields=["org_path"],
                name="people_household_scope",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self):
        return f"家庭 #{self.pk}" if self.pk else "新家庭"

    def get_absolute_url(self):
        return reverse("people:household_detail", args=[self.pk])

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_address(self) -> str:
        return mask_address(self.address)


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    relationship = models.CharField(
        max_length=20, choices=choices.Relationship.choices, verbose_name=_("与户主关系")
    )
    joined_on = models.DateField(default=timezone.localdate, verbose_name=_("加入日期"))

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        constraints = [
            models.UniqueConstraint(fields=["household", "person"], name="people_member_unique")
        ]

    def __str__(self):
        return f"{self.household} / {self.person}"


class PersonTag(ScopedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="tags")
    tag_type = models.ForeignKey(
        FocusTagType, on_delete=models.PROTECT, related_name="+", verbose_name=_("关注类型")
    )
    since = models.DateField(default=timezone.localdate, verbose_name=_("关注起始日期"))
    reason = models.CharField(max_length=200, blank=True, verbose_name=_("关注原因"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_tags",
        verbose_name=_("责任人"),
    )
    review_days = models.PositiveSmallIntegerField(verbose_name=_("复核周期（天）"))
    next_review_on = models.DateField(verbose_name=_("下次复核日期"))
    last_reviewed_on = models.DateField(null=True, blank=True, verbose_name=_("上次复核日期"))
    ended_on = models.DateField(null=True, blank=True, verbose_name=_("解除日期"))
    ended_reason = models.CharField(max_length=200, blank=True, verbose_name=_("解除原因"))
    is_sensitive = models.BooleanField(default=False, editable=False)

    scope_sensitive_field = "is_sensitive"
    # A share of the person (a contact assignment, a responsible worker) reaches her tags.
    scope_parent = "person"
    audit_masks = {"reason": None, "ended_reason": None}

    class Meta:
        ordering = ["next_review_on", "id"]
        verbose_name = _("关注标签")
        verbose_name_plural = _("关注标签")
        indexes = [
            models.Index(fields=["responsible", "next_review_on"], name="people_tag_review"),
            models.Index(
                fields=["org_path", "next_review_on"],
                name="people_tag_scope",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "tag_type"],
                condition=Q(ended_on__isnull=True),
                name="people_tag_one_active",
            )
        ]

    def __str__(self):
        return f"{self.tag_type} · {self.person}"

    @property
    def is_overdue(self) -> bool:
        return self.ended_on is None and self.next_review_on < timezone.localdate()


class ContactAssignment(ScopedModel):
    """联系点: a cadre or grid worker keeps in touch with a person or a household."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contact_assignments",
        verbose_name=_("联系人"),
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    since = models.DateField(default=timezone.localdate, verbose_name=_("联系起始日期"))
    visit_every_days = models.PositiveSmallIntegerField(
        default=30, verbose_name=_("走访周期（天）")
    )
    ended_on = models.DateField(null=True, blank=True, verbose_name=_("结束日期"))
    note = models.CharField(max_length=200, blank=True, verbose_name=_("说明"))
    is_sensitive = models.BooleanField(default=False, editable=False)

    scope_sensitive_field = "is_sensitive"
    scope_parent = ("person", "household")

    class Meta:
        ordering = ["-since", "id"]
        verbose_name = _("联系关系")
        verbose_name_plural = _("联系关系")
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(household__isnull=True))
                | (Q(person__isnull=True) & Q(household__isnull=False)),
                name="people_contact_one_target",
            )
        ]

    def __str__(self):
        return f"{self.worker} → {self.person or self.household}"


class Visit(ScopedModel):
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="visits",
        verbose_name=_("走访对象"),
    )
    household = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="visits",
        verbose_name=_("走访家庭"),
    )
    visited_on = models.DateField(default=timezone.localdate, verbose_name=_("走访日期"))
    method = models.CharField(
        max_length=20,
        choices=choices.VisitMethod.choices,
        default=choices.VisitMethod.HOME,
        verbose_name=_("方式"),
    )
    met_whom = models.CharField(max_length=100, blank=True, verbose_name=_("见到的人"))
    situation = EncryptedTextField(verbose_name=_("情况记录"))
    needs = EncryptedTextField(blank=True, verbose_name=_("提出的需求"))
    follow_up_needed = models.BooleanField(default=False, verbose_name=_("需要跟进"))
    follow_up_on = models.DateField(null=True, blank=True, verbose_name=_("跟进日期"))
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("走访人"),
    )
    is_sensitive = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    scope_sensitive_field = "is_sensitive"
    scope_parent = ("person", "household")
    audit_masks = {"met_whom": None}

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        indexes = [
            models.Index(fields=["person", "visited_on"], name="people_visit_person"),
            models.Index(fields=["household", "visited_on"], name="people_visit_household"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(household__isnull=False),
                name="people_visit_has_target",
            )
        ]

    def __str__(self):
        return f"走访 #{self.pk}" if self.pk else "新走访"

    def get_absolute_url(self):
        if self.person_id:
            return reverse("people:person_detail", args=[self.person_id]) + f"#visit-{self.pk}"
        return reverse("people:household_detail", args=[self.household_id]) + f"#visit-{self.pk}"


class Consent(ScopedModel):
    """单独同意: consent to processing, or to sharing with one kind of partner."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(
        max_length=30, choices=choices.ConsentPurpose.choices, verbose_name=_("同意事项")
    )
    scope = models.CharField(max_length=200, blank=True, verbose_name=_("范围说明"))
    given_on = models.DateField(default=timezone.localdate, verbose_name=_("同意日期"))
    method = models.CharField(
        max_length=20, choices=choices.ConsentMethod.choices, verbose_name=_("方式")
    )
    guardian_name = models.CharField(max_length=50, blank=True, verbose_name=_("监护人姓名"))
    guardian_relation = models.CharField(max_length=20, blank=True, verbose_name=_("监护人关系"))
    withdrawn_on = models.DateField(null=True, blank=True, verbose_name=_("撤回日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("记录人"),
    )
    is_sensitive = models.BooleanField(default=False, editable=False)

    scope_sensitive_field = "is_sensitive"
    scope_parent = "person"
    audit_masks = {"guardian_name": mask_name, "scope": None}

    class Meta:
        ordering = ["-given_on", "-id"]
        verbose_name = _("同意记录")
        verbose_name_plural = _("同意记录")

    def __str__(self):
        return f"{self.get_purpose_display()} · {self.person}"

    @property
    def is_valid(self) -> bool:
        return self.withdrawn_on is None


class PersonImport(models.Model):
    """One uploaded Excel file of persons, validated whole and imported in the background."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=200, verbose_name=_("文件名"))
    # The uploader checked the file's ID numbers whose area code is no known division (an
    # old number may carry a code the tables missed): they import with a reminder, not an error.
    confirm_unknown_area = models.BooleanField(default=False, verbose_name=_("确认未知区划代码"))
    # The encrypted upload under MEDIA_ROOT (services/importing/uploads.py); "" once deleted.
    stored_path = models.CharField(max_length=300, blank=True, editable=False)
    status = models.CharField(
        max_length=20,
        choices=choices.ImportStatus.choices,
        default=choices.ImportStatus.PENDING,
        verbose_name=_("状态"),
    )
    total_rows = models.PositiveIntegerField(default=0, verbose_name=_("总行数"))
    processed_rows = models.PositiveIntegerField(default=0, verbose_name=_("已处理"))
    created_count = models.PositiveIntegerField(default=0, verbose_name=_("新建"))
    errors = models.JSONField(default=list, blank=True, verbose_name=_("错误"))
    message = models.CharField(max_length=300, blank=True, verbose_name=_("说明"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("上传时间"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("完成时间"))
    # Set when the job starts and after every batch: a running job whose heartbeat stops was
    # abandoned (its process died) and is marked failed by the housekeeping job.
    heartbeat_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        default_permissions = ()
        verbose_name = _("档案导入")
        verbose_name_plural = _("档案导入")

    def __str__(self):
        return f"导入 #{self.pk} {self.file_name}"

    @property
    def progress(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))
