"""志愿服务 (volunteer teams, registrations, activities, hours, care pairings) and
妇女议事会 (women's councils, their members, meetings, resolutions and follow-ups).

Every record a list shows belongs to a unit (ScopedModel) and is read through restrict();
the rows that hang off one (council members, follow-ups) are reached only through it.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.models import ScopedModel
from jinguo.core.paths import TreePathField

from .choices import RegistrationStatus, ResolutionStatus

# --- 志愿服务 ------------------------------------------------------------------------------------


class Team(ScopedModel):
    """A volunteer team owned by a unit of any level (city, district, street, community)."""

    name = models.CharField(max_length=100, verbose_name=_("队伍名称"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("队长（审核人）"),
    )
    purpose = models.CharField(max_length=300, blank=True, verbose_name=_("服务内容"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["org_path", "name", "id"]
        verbose_name = _("志愿服务队")
        verbose_name_plural = _("志愿服务队")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("volunteers:team_detail", args=[self.pk])


class Volunteer(ScopedModel):
    """A person on record registered with a team; a member once the leader approves."""

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="volunteers", verbose_name=_("服务队")
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("志愿者")
    )
    skills = models.CharField(max_length=200, blank=True, verbose_name=_("特长技能"))
    availability = models.CharField(max_length=200, blank=True, verbose_name=_("可服务时间"))
    areas = models.CharField(max_length=200, blank=True, verbose_name=_("服务领域"))
    consent = models.BooleanField(default=False, verbose_name=_("本人同意登记"))
    status = models.CharField(
        max_length=12,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.PENDING,
        verbose_name=_("状态"),
    )
    registered_on = models.DateField(default=timezone.localdate, verbose_name=_("登记日期"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("审核人"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("审核时间"))
    decision_note = models.CharField(max_length=200, blank=True, verbose_name=_("审核意见"))

    class Meta:
        ordering = ["team__name", "id"]
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")
        permissions = [("approve_volunteer", _("审核志愿者登记、确认服务时长"))]
        constraints = [
            models.UniqueConstraint(fields=["team", "person"], name="volunteers_once_per_team")
        ]

    def __str__(self):
        # Never identifying: audit rows and logs show this (the page shows her name).
        return f"志愿者登记 #{self.pk}" if self.pk else "新登记"

    def get_absolute_url(self):
        return reverse("volunteers:volunteer_detail", args=[self.pk])


class Activity(ScopedModel):
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="activities", verbose_name=_("服务队")
    )
    held_on = models.DateField(verbose_name=_("活动日期"))
    title = models.CharField(max_length=200, verbose_name=_("活动名称"))
    place = models.CharField(max_length=200, blank=True, verbose_name=_("地点"))
    capacity = models.PositiveIntegerField(default=20, verbose_name=_("名额"))
    # A cancelled activity stays on record (who signed up, why it did not take place).
    cancelled_at = models.DateTimeField(null=True, blank=True, verbose_name=_("取消时间"))
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("取消人"),
    )
    cancel_reason = models.CharField(max_length=200, blank=True, verbose_name=_("取消原因"))

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("志愿服务活动")
        verbose_name_plural = _("志愿服务活动")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("volunteers:activity_detail", args=[self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_past(self) -> bool:
        return self.held_on < timezone.localdate()


class Participation(ScopedModel):
    """A volunteer signed up for an activity; her attendance and hours, which count only
    once the team leader confirms them."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="participations", verbose_name=_("活动")
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="participations",
        verbose_name=_("志愿者"),
    )  # fmt: skip
    signed_up_at = models.DateTimeField(default=timezone.now, verbose_name=_("报名时间"))
    attended = models.BooleanField(default=False, verbose_name=_("出勤"))
    hours = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True, verbose_name=_("服务时长（小时）")
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("确认人"),
    )
    confirmed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("确认时间"))
    held_on = models.DateField(verbose_name=_("活动日期"))

    class Meta:
        ordering = ["activity", "id"]
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        constraints = [
            models.UniqueConstraint(fields=["activity", "volunteer"], name="volunteers_signup_once")
        ]

    def __str__(self):
        return f"活动报名 #{self.pk}" if self.pk else "新报名"

    def get_absolute_url(self):
        return self.activity.get_absolute_url()


class ServiceYear(models.Model):
    """One volunteer's confirmed service in one year: the summary the hours statistics read.

    Kept by the hours services in the same transaction as the confirmation (and its
    withdrawal), rebuilt from the sign-ups by ``manage.py volunteers_rebuild_hours``. Not a
    scoped record: it is read only as figures over the reader's subtree, after
    ``subtree_granted(Participation, user)``, as the statistics module reads its counts.
    """

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    # The team's unit path (a volunteer serves only in her own team's activities); named
    # org_path so that moving a unit rewrites it with every scoped record.
    org_path = TreePathField()
    year = models.PositiveSmallIntegerField()
    hours = models.DecimalField(max_digits=9, decimal_places=1, default=0)
    times = models.PositiveIntegerField(default=0)

    class Meta:
        default_permissions = ()
        verbose_name = _("志愿服务年度时长")
        verbose_name_plural = _("志愿服务年度时长")
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "year"], name="volunteers_service_year")
        ]
        indexes = [
            models.Index(
                fields=["year", "org_path"],
                name="volunteers_service_year_path",
                opclasses=["int2_ops", "varchar_pattern_ops"],
            ),
        ]


class CarePairing(ScopedModel):
    """爱心妈妈: a volunteer paired with a child on record; seen only by who may see the child."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="pairings", verbose_name=_("爱心妈妈")
    )
    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("结对儿童")
    )
    since = models.DateField(default=timezone.localdate, verbose_name=_("结对日期"))
    ended_on = models.DateField(null=True, blank=True, verbose_name=_("结束日期"))
    note = models.CharField(max_length=200, blank=True, verbose_name=_("帮扶内容"))

    class Meta:
        ordering = ["-since", "-id"]
        verbose_name = _("爱心妈妈结对")
        verbose_name_plural = _("爱心妈妈结对")

    def __str__(self):
        return f"爱心妈妈结对 #{self.pk}" if self.pk else "新结对"


# --- 妇女议事会 ----------------------------------------------------------------------------------


class Council(ScopedModel):
    """A community's women's council (妇女议事会): one per community."""

    name = models.CharField(max_length=100, verbose_name=_("名称"))
    founded_on = models.DateField(null=True, blank=True, verbose_name=_("成立日期"))

    class Meta:
        ordering = ["org_path", "id"]
        verbose_name = _("妇女议事会")
        verbose_name_plural = _("妇女议事会")
        constraints = [models.UniqueConstraint(fields=["org"], name="volunteers_council_once")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("volunteers:council_detail", args=[self.pk])


class CouncilMember(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("成员")
    )
    role = models.CharField(max_length=40, blank=True, verbose_name=_("职责"))
    joined_on = models.DateField(default=timezone.localdate, verbose_name=_("加入日期"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("议事会成员")
        verbose_name_plural = _("议事会成员")
        constraints = [
            models.UniqueConstraint(fields=["council", "person"], name="volunteers_member_once")
        ]


class Meeting(ScopedModel):
    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("议事会")
    )
    held_on = models.DateField(verbose_name=_("会议日期"))
    topics = models.TextField(verbose_name=_("议题（群众提出的事项）"))
    discussion = models.TextField(blank=True, verbose_name=_("讨论情况"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("议事会会议")
        verbose_name_plural = _("议事会会议")

    def __str__(self):
        return f"{self.council.name} {self.held_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("volunteers:meeting_detail", args=[self.pk])


class Resolution(ScopedModel):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="resolutions", verbose_name=_("会议")
    )
    text = models.CharField(max_length=300, verbose_name=_("议定事项"))
    responsible = models.CharField(max_length=60, verbose_name=_("落实责任人"))
    due_on = models.DateField(verbose_name=_("完成时限"))
    status = models.CharField(
        max_length=8,
        choices=ResolutionStatus.choices,
        default=ResolutionStatus.OPEN,
        verbose_name=_("状态"),
    )
    done_on = models.DateField(null=True, blank=True, verbose_name=_("办结日期"))

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("议定事项")
        verbose_name_plural = _("议定事项")
        indexes = [models.Index(fields=["status", "due_on"], name="volunteers_resolution_due")]

    def __str__(self):
        # The text may name residents: audit rows show only the number.
        return f"议定事项 #{self.pk}" if self.pk else "新议定事项"

    def get_absolute_url(self):
        return self.meeting.get_absolute_url()

    @property
    def is_overdue(self):
        return self.status == ResolutionStatus.OPEN and self.due_on < timezone.localdate()


class FollowUp(models.Model):
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="followups")
    noted_on = models.DateField(default=timezone.localdate, verbose_name=_("日期"))
    note = models.CharField(max_length=500, verbose_name=_("落实情况"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["noted_on", "id"]
        verbose_name = _("落实跟进")
        verbose_name_plural = _("落实跟进")
