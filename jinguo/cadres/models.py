"""The federation's own people: office-holders and elections, contact points (联系点), the
"one woman, one household" pairings (联系一名妇女、一户家庭), trainings and qualifications.

Every record belongs to a unit (ScopedModel) and is read through restrict(); the position
types and the retraining rules are data a federation edits, with shipped defaults.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.fields import EncryptedTextField
from jinguo.core.models import ScopedModel

from . import choices


class PositionType(models.Model):
    """主席, 副主席, 执委, 妇女小组长… and the other posts (网格员, 人民调解员…): data."""

    code = models.SlugField(max_length=40, unique=True, verbose_name=_("代码"))
    name = models.CharField(max_length=40, unique=True, verbose_name=_("名称"))
    kind = models.CharField(
        max_length=12,
        choices=choices.PostKind.choices,
        default=choices.PostKind.FEDERATION,
        verbose_name=_("类别"),
    )
    # Members of the executive committee (主席, 副主席 and 执委 all are): they get a 挂牌上岗
    # card and count in the executive-member figures.
    is_executive = models.BooleanField(default=False, verbose_name=_("属于执委会"))
    is_grid_worker = models.BooleanField(default=False, verbose_name=_("网格员"))
    sort = models.PositiveSmallIntegerField(default=100, verbose_name=_("排序"))
    is_active = models.BooleanField(default=True, verbose_name=_("启用"))

    class Meta:
        ordering = ["sort", "id"]
        verbose_name = _("职务类型")
        verbose_name_plural = _("职务类型")

    def __str__(self):
        return self.name


class Election(ScopedModel):
    """A unit's election (换届): the vote, its report to the level above and the approval;
    once approved, the roster turns over on the new term's start date."""

    held_on = models.DateField(verbose_name=_("选举日期"))
    method = models.CharField(
        max_length=12, choices=choices.ElectionMethod.choices, verbose_name=_("选举方式")
    )
    term_starts_on = models.DateField(verbose_name=_("新一届任期开始"))
    term_years = models.PositiveSmallIntegerField(default=5, verbose_name=_("任期（年）"))
    voters_total = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("应到人数"))
    voters_present = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("实到人数"))
    status = models.CharField(
        max_length=12,
        choices=choices.ElectionStatus.choices,
        default=choices.ElectionStatus.RECORDED,
        verbose_name=_("状态"),
    )
    reported_on = models.DateField(null=True, blank=True, verbose_name=_("报上级日期"))
    decided_on = models.DateField(null=True, blank=True, verbose_name=_("批复日期"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("批复人"),
    )
    decision_note = models.CharField(max_length=300, blank=True, verbose_name=_("批复意见"))
    applied_at = models.DateTimeField(null=True, blank=True, verbose_name=_("名册更新时间"))
    notes = models.TextField(blank=True, verbose_name=_("备注"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("换届选举")
        verbose_name_plural = _("换届选举")
        permissions = [("approve_election", _("批复下级换届选举结果"))]
        indexes = [
            # The turnover job: approved elections whose term has begun and not yet applied.
            models.Index(fields=["status", "term_starts_on"], name="cadres_election_due"),
        ]

    def __str__(self):
        return f"{self.org.name} {self.held_on:%Y-%m-%d} {_('换届选举')}"

    def get_absolute_url(self):
        return reverse("cadres:election_detail", args=[self.pk])

    @property
    def term_ends_on(self):
        try:
            return self.term_starts_on.replace(year=self.term_starts_on.year + self.term_years)
        except ValueError:  # 29 February
            return self.term_starts_on.replace(
                year=self.term_starts_on.year + self.term_years, day=28
            )


class Candidate(models.Model):
    """A candidate of an election, for one position; seen through its election."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("候选人")
    )
    position_type = models.ForeignKey(
        PositionType, on_delete=models.PROTECT, related_name="+", verbose_name=_("拟任职务")
    )
    employment = models.CharField(
        max_length=12, choices=choices.Employment.choices, blank=True, verbose_name=_("专兼职")
    )
    votes = models.PositiveIntegerField(default=0, verbose_name=_("得票数"))
    elected = models.BooleanField(default=False, verbose_name=_("当选"))

    class Meta:
        ordering = ["position_type__sort", "-votes", "id"]
        verbose_name = _("候选人")
        verbose_name_plural = _("候选人")
        constraints = [
            models.UniqueConstraint(
                fields=["election", "person", "position_type"], name="cadres_candidate_once"
            )
        ]

    def __str__(self):
        return f"{self.person.name} {self.position_type.name}"


class Position(ScopedModel):
    """One person holding one position or post in one unit, from a date (to a date)."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="cadre_positions",
        verbose_name=_("任职人"),
    )  # fmt: skip
    # An office-holder need not have a login; if she has one, it is linked here.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre_positions",
        verbose_name=_("系统账号"),
    )
    position_type = models.ForeignKey(
        PositionType, on_delete=models.PROTECT, related_name="positions", verbose_name=_("职务")
    )
    employment = models.CharField(
        max_length=12, choices=choices.Employment.choices, blank=True, verbose_name=_("专兼职")
    )
    started_on = models.DateField(verbose_name=_("任职日期"))
    ended_on = models.DateField(null=True, blank=True, verbose_name=_("离任日期"))
    election = models.ForeignKey(
        Election,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="positions",
        verbose_name=_("产生于换届选举"),
    )
    # The 挂牌上岗 card: what she helps with and the way of reaching her she chose to publish.
    helps_with = models.CharField(max_length=200, blank=True, verbose_name=_("服务事项"))
    public_contact = models.CharField(
        max_length=100,
        blank=True,
        verbose_name=_("公开联系方式"),
        help_text=_("印在挂牌卡上，须经本人同意；不填则卡上不显示联系方式。"),
    )
    note = models.CharField(max_length=200, blank=True, verbose_name=_("备注"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["org_path", "position_type__sort", "started_on", "id"]
        verbose_name = _("任职")
        verbose_name_plural = _("任职名册")
        indexes = [
            # Serves the roster's order (org_path, then the type's sort).
            models.Index(fields=["org_path", "ended_on"], name="cadres_position_roster"),
            # Serves the subtree filter and the count: a prefix range on PostgreSQL needs the
            # pattern opclass, and the type and dates make the count an index-only scan.
            models.Index(
                fields=["org_path", "position_type", "started_on", "ended_on"],
                name="cadres_position_subtree",
                opclasses=["varchar_pattern_ops", "int8_ops", "date_ops", "date_ops"],
            ),
            models.Index(fields=["person", "ended_on"], name="cadres_position_person"),
        ]

    def __str__(self):
        return f"{self.person.name} {self.position_type.name}"

    def get_absolute_url(self):
        return reverse("cadres:position_detail", args=[self.pk])

    def is_current(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.started_on <= on and (self.ended_on is None or self.ended_on >= on)


class ContactPoint(ScopedModel):
    """A 联系点: a village or community a cadre is responsible for visiting. ``org`` is the
    unit that made the assignment (the cadre's own); ``place`` lies in its subtree."""

    # The cadre sees her own contact points on her panel, whatever unit assigned them.
    scope_owner_field = "cadre_user"
    scope_owner_actions = ("view",)

    place = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("联系点")
    )
    cadre_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contact_points",
        verbose_name=_("负责干部（账号）"),
    )
    cadre_person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("负责干部（执委等）"),
    )
    visit_every_days = models.PositiveSmallIntegerField(
        default=30, verbose_name=_("走访频次（天）")
    )
    tasks = models.TextField(blank=True, verbose_name=_("联系任务"))
    since = models.DateField(default=timezone.localdate, verbose_name=_("起始日期"))
    ended_on = models.DateField(null=True, blank=True, verbose_name=_("结束日期"))
    end_reason = models.CharField(max_length=200, blank=True, verbose_name=_("结束原因"))
    last_visited_on = models.DateField(null=True, blank=True, verbose_name=_("最近走访"))
    next_due_on = models.DateField(verbose_name=_("下次应走访"))

    class Meta:
        ordering = ["next_due_on", "id"]
        verbose_name = _("联系点")
        verbose_name_plural = _("联系点")
        indexes = [
            models.Index(fields=["org_path", "next_due_on"], name="cadres_point_due"),
            models.Index(fields=["cadre_user", "next_due_on"], name="cadres_point_user_due"),
        ]

    def __str__(self):
        return f"{self.place.name}（{self.cadre_name}）"

    def get_absolute_url(self):
        return reverse("cadres:point_detail", args=[self.pk])

    @property
    def cadre_name(self) -> str:
        if self.cadre_user_id:
            return self.cadre_user.real_name or self.cadre_user.username
        return self.cadre_person.name if self.cadre_person_id else ""

    @property
    def is_overdue(self) -> bool:
        return self.ended_on is None and self.next_due_on < timezone.localdate()

    @property
    def days_overdue(self) -> int:
        return max(0, (timezone.localdate() - self.next_due_on).days)

    def due_after(self, visited_on):
        return visited_on + timedelta(days=self.visit_every_days)


class ContactVisit(ScopedModel):
    """A visit to a contact point: whom she met, what she found, the follow-up; an appeal
    she took there becomes a case through the cases intake."""

    scope_parent = "point"
    scope_owner_field = "recorded_by"
    scope_owner_actions = ("view",)

    point = models.ForeignKey(ContactPoint, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(default=timezone.localdate, verbose_name=_("走访日期"))
    way = models.CharField(
        max_length=12,
        choices=choices.VisitWay.choices,
        default=choices.VisitWay.IN_PERSON,
        verbose_name=_("方式"),
    )
    # Whom she met: a person on record when there is one (picked from the user's scope),
    # and/or a few words for the others.
    met_person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("见到的人（档案）"),
    )
    met_whom = models.CharField(max_length=200, blank=True, verbose_name=_("见到的人"))
    findings = EncryptedTextField(verbose_name=_("了解到的情况"))
    follow_up = EncryptedTextField(blank=True, verbose_name=_("跟进事项"))
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("转为个案"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("记录人"),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("联系点走访")
        verbose_name_plural = _("联系点走访")
        indexes = [models.Index(fields=["point", "visited_on"], name="cadres_visit_point")]

    def __str__(self):
        return f"{self.point.place.name} {self.visited_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("cadres:point_detail", args=[self.point_id])


class Pairing(ScopedModel):
    """联系一名妇女、一户家庭: a cadre keeps in touch with one woman and one household over
    the year. Not the people app's worker assignment, which grants access to a file."""

    cadre = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="cadre_pairings",
        verbose_name=_("干部"),
    )
    woman = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("联系的妇女"),
    )
    household = models.ForeignKey(
        "people.Household",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("联系的家庭"),
    )
    year = models.PositiveSmallIntegerField(verbose_name=_("年度"))
    contacts = models.PositiveSmallIntegerField(default=0, verbose_name=_("本年联系次数"))
    last_contact_on = models.DateField(null=True, blank=True, verbose_name=_("最近联系"))

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("一名妇女一户家庭结对")
        verbose_name_plural = _("一名妇女一户家庭结对")
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year"], name="cadres_pairing_once_a_year")
        ]

    def __str__(self):
        return f"{self.cadre.name} {self.year}"


class PairingContact(ScopedModel):
    scope_parent = "pairing"

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="contact_rows")
    contacted_on = models.DateField(default=timezone.localdate, verbose_name=_("联系日期"))
    way = models.CharField(
        max_length=12,
        choices=choices.VisitWay.choices,
        default=choices.VisitWay.IN_PERSON,
        verbose_name=_("方式"),
    )
    note = EncryptedTextField(blank=True, verbose_name=_("情况"))

    class Meta:
        ordering = ["-contacted_on", "-id"]
        verbose_name = _("结对联系记录")
        verbose_name_plural = _("结对联系记录")


class Training(ScopedModel):
    """A training the unit (``org``) organised or recorded."""

    topic = models.CharField(max_length=200, verbose_name=_("培训主题"))
    kind = models.CharField(
        max_length=20, choices=choices.TrainingKind.choices, verbose_name=_("培训类别")
    )
    organiser = models.CharField(max_length=100, blank=True, verbose_name=_("主办方"))
    starts_on = models.DateField(verbose_name=_("开始日期"))
    ends_on = models.DateField(verbose_name=_("结束日期"))
    hours = models.DecimalField(max_digits=5, decimal_places=1, verbose_name=_("学时"))
    trainer = models.CharField(max_length=100, blank=True, verbose_name=_("授课人"))

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("培训")
        verbose_name_plural = _("培训")

    def __str__(self):
        return self.topic

    def get_absolute_url(self):
        return reverse("cadres:training_detail", args=[self.pk])


class Attendance(ScopedModel):
    scope_parent = "training"

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("学员")
    )
    completed = models.BooleanField(default=True, verbose_name=_("完成培训"))
    certificate_no = models.CharField(max_length=60, blank=True, verbose_name=_("证书编号"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("参训记录")
        verbose_name_plural = _("参训记录")
        constraints = [
            models.UniqueConstraint(fields=["training", "person"], name="cadres_attendance_once")
        ]


class Qualification(ScopedModel):
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="cadre_qualifications",
        verbose_name=_("持证人"),
    )
    kind = models.CharField(
        max_length=20, choices=choices.QualificationKind.choices, verbose_name=_("资格类别")
    )
    number = models.CharField(max_length=60, blank=True, verbose_name=_("证书编号"))
    issued_on = models.DateField(null=True, blank=True, verbose_name=_("发证日期"))
    expires_on = models.DateField(null=True, blank=True, verbose_name=_("有效期至"))

    class Meta:
        ordering = ["expires_on", "id"]
        verbose_name = _("资格证书")
        verbose_name_plural = _("资格证书")


class RetrainingRule(models.Model):
    """Rules as data: holders of ``position_type`` must attend a ``kind`` training every
    ``every_months`` months (e.g. rights cadres every 24 months)."""

    name = models.CharField(max_length=60, unique=True, verbose_name=_("名称"))
    position_type = models.ForeignKey(
        PositionType, on_delete=models.CASCADE, related_name="+", verbose_name=_("适用职务")
    )
    kind = models.CharField(
        max_length=20, choices=choices.TrainingKind.choices, verbose_name=_("培训类别")
    )
    every_months = models.PositiveSmallIntegerField(default=24, verbose_name=_("周期（月）"))
    is_active = models.BooleanField(default=True, verbose_name=_("启用"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("复训规则")
        verbose_name_plural = _("复训规则")

    def __str__(self):
        return self.name
