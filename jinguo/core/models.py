from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .paths import TreePathField
from .scoping import RestrictQuerySet


class GlobalPermissions(models.Model):
    """Holder of the platform-wide permissions that belong to no single model."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_sensitive", _("查看敏感记录（家暴、性侵、未成年人）")),
            ("reveal_pii", _("查看完整个人信息（需填写理由）")),
            ("export", _("导出数据")),
            ("export_pii", _("导出未脱敏个人信息")),
            ("manage_users", _("管理用户和角色")),
            ("view_audit", _("查看审计日志")),
        ]
        verbose_name = _("平台权限")


class ScopedModel(models.Model):
    """A record that belongs to one federation unit and is seen through restrict()."""

    org = models.ForeignKey(
        "orgs.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属单位")
    )
    org_path = TreePathField(editable=False, db_index=False, verbose_name=_("单位路径"))

    objects = RestrictQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.org_id is not None:
            self.org_path = self.org.path
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "org" in update_fields:
                kwargs["update_fields"] = {*update_fields, "org_path"}
        super().save(*args, **kwargs)


class Share(models.Model):
    """An explicit grant of one record to a user or to the users of a unit.

    Created by assignment, referral, transfer or emergency access; an expiry ends it.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.BigIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="shares",
        verbose_name=_("共享给用户"),
    )
    unit = models.ForeignKey(
        "orgs.OrgUnit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="shares",
        verbose_name=_("共享给单位"),
    )
    action = models.CharField(max_length=40, default="view", verbose_name=_("允许的操作"))
    reason = models.CharField(max_length=200, verbose_name=_("原因"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("授权人"),
    )
    granted_at = models.DateTimeField(default=timezone.now, verbose_name=_("授权时间"))
    expires_at = models.DateTimeField(null=True, blank=True, verbose_name=_("到期时间"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("撤销时间"))

    class Meta:
        verbose_name = _("共享授权")
        verbose_name_plural = _("共享授权")
        indexes = [
            models.Index(fields=["content_type", "action", "user"], name="core_share_ct_user"),
            models.Index(fields=["content_type", "action", "unit"], name="core_share_ct_unit"),
            models.Index(fields=["content_type", "object_id"], name="core_share_object"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | models.Q(unit__isnull=False),
                name="core_share_has_grantee",
            )
        ]


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(max_length=200, verbose_name=_("标题"))
    body = models.TextField(blank=True, verbose_name=_("内容"))
    url = models.CharField(max_length=300, blank=True, verbose_name=_("链接"))
    level = models.CharField(max_length=20, default="info", verbose_name=_("级别"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("时间"))
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("已读时间"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [models.Index(fields=["recipient", "read_at"], name="core_notif_unread")]


class AuditKind(models.TextChoices):
    CHANGE = "change", _("数据变更")
    ACCESS = "access", _("访问")
    SECURITY = "security", _("安全事件")


class AuditEvent(models.Model):
    """One row of the append-only, hash-chained audit trail."""

    kind = models.CharField(max_length=10, choices=AuditKind.choices, verbose_name=_("类别"))
    action = models.CharField(max_length=40, verbose_name=_("操作"))
    created_at = models.DateTimeField(verbose_name=_("时间"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("用户"),
    )
    username = models.CharField(max_length=150, blank=True, verbose_name=_("用户名"))
    user_org_path = models.CharField(max_length=255, blank=True, verbose_name=_("用户单位路径"))
    ip = models.GenericIPAddressField(null=True, blank=True, verbose_name=_("IP 地址"))
    request_id = models.CharField(max_length=32, blank=True, verbose_name=_("请求编号"))
    object_type = models.CharField(max_length=100, blank=True, verbose_name=_("对象类型"))
    object_id = models.CharField(max_length=64, blank=True, verbose_name=_("对象编号"))
    object_repr = models.CharField(max_length=200, blank=True, verbose_name=_("对象"))
    object_org_path = models.CharField(max_length=255, blank=True, verbose_name=_("对象单位路径"))
    before = models.JSONField(null=True, blank=True, verbose_name=_("变更前"))
    after = models.JSONField(null=True, blank=True, verbose_name=_("变更后"))
    detail = models.JSONField(default=dict, blank=True, verbose_name=_("详情"))
    prev_hash = models.CharField(max_length=64, verbose_name=_("前一条哈希"))
    hash = models.CharField(max_length=64, unique=True, verbose_name=_("哈希"))

    class Meta:
        ordering = ["-id"]
        default_permissions = ()
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [
            models.Index(fields=["created_at"], name="core_audit_time"),
            models.Index(fields=["user", "created_at"], name="core_audit_user"),
            models.Index(fields=["object_type", "object_id"], name="core_audit_object"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit events are append-only")


class AuditChainHead(models.Model):
    """Single row holding the hash of the newest audit event; locked to extend the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64)
    last_event_id = models.BigIntegerField(default=0)

    class Meta:
        default_permissions = ()
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日")
    WORKDAY = "workday", _("调休上班日")


class CalendarDaySource(models.TextChoices):
    SEED = "seed", _("内置数据")
    MANUAL = "manual", _("人工录入")


class CalendarDay(models.Model):
    """A day that differs from the Monday-to-Friday rule: an official holiday or a make-up
    working day. Seeded from chinese_calendar; administrators enter a new year's schedule."""

    date = models.DateField(unique=True, verbose_name=_("日期"))
    kind = models.CharField(max_length=10, choices=CalendarDayKind.choices, verbose_name=_("类型"))
    name = models.CharField(max_length=60, blank=True, verbose_name=_("节日名称"))
    source = models.CharField(
        max_length=10,
        choices=CalendarDaySource.choices,
        default=CalendarDaySource.MANUAL,
        verbose_name=_("来源"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("修改人"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("修改时间"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()


class SavedFilter(models.Model):
    """A user's named set of list filters (a query string) for one list page."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters"
    )
    list_name = models.CharField(max_length=60, verbose_name=_("列表"))
    name = models.CharField(max_length=40, verbose_name=_("名称"))
    query = models.CharField(max_length=1000, verbose_name=_("筛选条件"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        default_permissions = ()
        verbose_name = _("常用筛选")
        verbose_name_plural = _("常用筛选")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "list_name", "name"], name="core_savedfilter_unique"
            )
        ]

    def __str__(self):
        return self.name


class JobRun(models.Model):
    """The last run of one registered scheduled job: when, how it ended and what it said."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("执行中")
        OK = "ok", _("成功")
        FAILED = "failed", _("失败")

    key = models.CharField(max_length=100, unique=True, verbose_name=_("任务"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("开始时间"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("结束时间"))
    outcome = models.CharField(
        max_length=10, choices=Outcome.choices, blank=True, verbose_name=_("结果")
    )
    summary = models.CharField(max_length=500, blank=True, verbose_name=_("执行情况"))
    last_success_at = models.DateTimeField(null=True, blank=True, verbose_name=_("上次成功"))
    failures = models.PositiveIntegerField(default=0, verbose_name=_("连续失败次数"))

    class Meta:
        default_permissions = ()
        verbose_name = _("定时任务执行记录")
        verbose_name_plural = _("定时任务执行记录")

    def __str__(self):
        return self.key


class ChainCheck(models.Model):
    """One verification of the audit trail's hash chain, started from the page or the scheduler."""

    class Outcome(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("校验中")
        INTACT = "intact", _("完整")
        BROKEN = "broken", _("被破坏")
        FAILED = "failed", _("未能完成")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("发起人"),
    )
    requested_at = models.DateTimeField(default=timezone.now, verbose_name=_("发起时间"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("开始时间"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("完成时间"))
    outcome = models.CharField(
        max_length=10, choices=Outcome.choices, default=Outcome.QUEUED, verbose_name=_("结果")
    )
    checked = models.PositiveBigIntegerField(default=0, verbose_name=_("已校验条数"))
    broken_at = models.BigIntegerField(null=True, blank=True, verbose_name=_("第一条异常记录"))
    reason = models.CharField(max_length=20, blank=True, verbose_name=_("原因"))

    class Meta:
        ordering = ["-requested_at", "-id"]
        default_permissions = ()
        verbose_name = _("审计链校验")
        verbose_name_plural = _("审计链校验")

    def __str__(self):
        return f"{self.requested_at:%Y-%m-%d %H:%M} {self.get_outcome_display()}"
