"""Report forms (报表) as data, and the reports the units file upward.

An ``Indicator`` is a named, documented formula over the statistics sources (see
``jinguo/stats/indicators.py`` for its language), always evaluated from the summary
(StatsCount) for a unit's subtree and a period, never from the records.

A ``ReportForm`` has a period kind (月报/季报/年报), rows and columns (a column's ``header``
holds its levels separated by `` / ``, which make the merged multi-level headers) and one
``ReportCell`` per used row × column: computed (a formula, usually ``ind("code")``) or manual
(a number or a text). ``ReportRule`` says that a cell equals the sum of others (row or column
sums equal a total).

A ``Report`` is one unit's return of one form for one period, in versions: draft → submitted
(上报) → accepted (locked) or returned (with a comment) → submitted again; correcting an
accepted report makes a new version (with a reason) and marks the old one superseded, so the
history is kept.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jinguo.core.models import ScopedModel

from ..choices import CellKind, PeriodKind, ReportEventKind, ReportState


class Indicator(models.Model):
    code = models.SlugField(max_length=60, unique=True, verbose_name=_("代码"))
    name = models.CharField(max_length=80, verbose_name=_("名称"))
    description = models.TextField(blank=True, verbose_name=_("口径说明"))
    formula = models.TextField(verbose_name=_("计算公式"))
    is_builtin = models.BooleanField(default=False, editable=False, verbose_name=_("系统内置"))
    sort = models.PositiveSmallIntegerField(default=100, verbose_name=_("排序"))

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("统计指标")
        verbose_name_plural = _("统计指标")

    def __str__(self):
        return self.name


class ReportForm(models.Model):
    # Versions of one form share its code; only the current one is filled from now on. A form
    # that reports were already filed on is never changed in place (they keep their layout):
    # editing it makes the next version (see services/settings.py).
    code = models.SlugField(max_length=60, verbose_name=_("代码"))
    version = models.PositiveSmallIntegerField(default=1, editable=False, verbose_name=_("版本"))
    is_current = models.BooleanField(default=True, editable=False, verbose_name=_("当前版本"))
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("上一版本"),
    )
    name = models.CharField(max_length=80, verbose_name=_("名称"))
    period_kind = models.CharField(
        max_length=10, choices=PeriodKind.choices, verbose_name=_("报送周期")
    )
    description = models.TextField(blank=True, verbose_name=_("填报说明"))
    # The unit kinds that file this form (a community, a street, a district…).
    unit_kinds = models.JSONField(default=list, verbose_name=_("填报单位类型"))
    deadline_days = models.PositiveSmallIntegerField(
        default=5, verbose_name=_("截止（期末后第几个工作日）")
    )
    is_active = models.BooleanField(default=True, verbose_name=_("启用"))
    is_builtin = models.BooleanField(default=False, editable=False, verbose_name=_("系统内置"))
    sort = models.PositiveSmallIntegerField(default=100, verbose_name=_("排序"))

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("报表")
        verbose_name_plural = _("报表")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="stats_reportform_version"),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(is_current=True),
                name="stats_reportform_current",
            ),
        ]

    def __str__(self):
        return self.name


class ReportRow(models.Model):
    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="rows")
    code = models.SlugField(max_length=40, verbose_name=_("代码"))
    label = models.CharField(max_length=80, verbose_name=_("行名称"))
    sort = models.PositiveSmallIntegerField(default=100, verbose_name=_("排序"))

    class Meta:
        ordering = ["sort", "id"]
        verbose_name = _("报表行")
        verbose_name_plural = _("报表行")
        constraints = [
            models.UniqueConstraint(fields=["form", "code"], name="stats_reportrow_code")
        ]

    def __str__(self):
        return self.label


class ReportColumn(models.Model):
    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="columns")
    code = models.SlugField(max_length=40, verbose_name=_("代码"))
    # Levels separated by " / ": "按来源渠道 / 12338热线".
    header = models.CharField(max_length=200, verbose_name=_("列标题（多级用 / 分隔）"))
    sort = models.PositiveSmallIntegerField(default=100, verbose_name=_("排序"))

    class Meta:
        ordering = ["sort", "id"]
        verbose_name = _("报表列")
        verbose_name_plural = _("报表列")
        constraints = [
            models.UniqueConstraint(fields=["form", "code"], name="stats_reportcolumn_code")
        ]

    def __str__(self):
        return self.header

    @property
    def levels(self) -> list[str]:
        return [part.strip() for part in self.header.split("/")]


class ReportCell(models.Model):
    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="cells")
    row = models.ForeignKey(ReportRow, on_delete=models.CASCADE, related_name="cells")
    column = models.ForeignKey(ReportColumn, on_delete=models.CASCADE, related_name="cells")
    kind = models.CharField(max_length=10, choices=CellKind.choices, verbose_name=_("类型"))
    formula = models.TextField(blank=True, verbose_name=_("计算公式"))
    required = models.BooleanField(default=False, verbose_name=_("必填"))
    min_value = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, verbose_name=_("最小值")
    )
    max_value = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, verbose_name=_("最大值")
    )

    class Meta:
        ordering = ["row__sort", "column__sort", "id"]
        verbose_name = _("报表单元格")
        verbose_name_plural = _("报表单元格")
        constraints = [
            models.UniqueConstraint(fields=["row", "column"], name="stats_reportcell_place")
        ]

    @property
    def key(self) -> str:
        return f"{self.row.code}.{self.column.code}"

    @property
    def is_manual(self) -> bool:
        return self.kind != CellKind.COMPUTED

    @property
    def is_numeric(self) -> bool:
        return self.kind != CellKind.TEXT


class ReportRule(models.Model):
    """``total`` equals the sum of ``parts`` (cell keys ``row.column``, separated by ``+``)."""

    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="rules")
    total = models.CharField(max_length=90, verbose_name=_("合计单元格"))
    parts = models.CharField(max_length=1000, verbose_name=_("分项单元格"))
    message = models.CharField(max_length=200, blank=True, verbose_name=_("提示"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("校验规则")
        verbose_name_plural = _("校验规则")

    @property
    def part_keys(self) -> list[str]:
        return [p.strip() for p in self.parts.split("+") if p.strip()]


class Report(ScopedModel):
    form = models.ForeignKey(
        ReportForm, on_delete=models.PROTECT, related_name="reports", verbose_name=_("报表")
    )
    period_start = models.DateField(verbose_name=_("报告期"))
    version = models.PositiveSmallIntegerField(default=1, verbose_name=_("版本"))
    state = models.CharField(
        max_length=12,
        choices=ReportState.choices,
        default=ReportState.DRAFT,
        verbose_name=_("状态"),
    )
    values = models.JSONField(default=dict, blank=True, verbose_name=_("填报数据"))
    # Computed cells that count sensitive records or values: below 5 they are shown as "<5"
    # to users without core.view_sensitive (as the dashboards do).
    sensitive_cells = models.JSONField(default=list, blank=True, editable=False)
    due_on = models.DateField(verbose_name=_("截止日期"))
    computed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("计算时间"))
    submitted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("上报时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("上报人"),
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("审核时间"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("审核人"),
    )
    review_comment = models.TextField(blank=True, verbose_name=_("审核意见"))
    correction_reason = models.TextField(blank=True, verbose_name=_("更正原因"))
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("上一版本"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("创建时间"))

    scope_shares = False

    class Meta:
        ordering = ["-period_start", "org_path", "-version"]
        verbose_name = _("报表上报")
        verbose_name_plural = _("报表上报")
        permissions = [("submit_report", _("上报报表")), ("review_report", _("审核下级报表"))]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "org", "period_start", "version"], name="stats_report_version"
            )
        ]
        indexes = [
            models.Index(
                fields=["org_path", "period_start"],
                name="stats_report_scope",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(fields=["form", "period_start", "state"], name="stats_report_period"),
        ]

    def __str__(self):
        return f"{self.org.name} {self.form.name} {self.period_label}"

    def get_absolute_url(self):
        return reverse("stats:report_detail", args=[self.pk])

    @property
    def period(self):
        from ..periods import Period, add_months

        months = {"month": 1, "quarter": 3, "year": 12}[self.form.period_kind]
        return Period(
            self.form.period_kind, self.period_start, add_months(self.period_start, months)
        )

    @property
    def period_label(self) -> str:
        return self.period.label

    def shown_values(self, user) -> dict:
        return mask(self.values, self.sensitive_cells, user)

    @property
    def is_late(self) -> bool:
        from django.utils import timezone

        if self.submitted_at is None:
            return timezone.localdate() > self.due_on
        return timezone.localdate(self.submitted_at) > self.due_on


SUPPRESS_BELOW = 5
HIDDEN = "<5"


def mask(values: dict, sensitive, user) -> dict:
    """``values`` with the small sensitive figures hidden from a user without
    core.view_sensitive."""
    if user.has_perm("core.view_sensitive"):
        return values
    hidden = {
        k
        for k in sensitive or ()
        if isinstance(values.get(k), int | float) and 0 < values[k] < SUPPRESS_BELOW
    }
    return {k: (HIDDEN if k in hidden else v) for k, v in values.items()}


class ReportEvent(models.Model):
    """The timeline of a report (who did what, when), shown on its page."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=ReportEventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        default_permissions = ()
        verbose_name = _("报表记录")
        verbose_name_plural = _("报表记录")


class ReportReminder(models.Model):
    """A unit was reminded of an overdue report of this form and period (once per period)."""

    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="+")
    org = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        default_permissions = ()
        verbose_name = _("催报记录")
        verbose_name_plural = _("催报记录")
        constraints = [
            models.UniqueConstraint(
                fields=["form", "org", "period_start"], name="stats_reminder_once"
            )
        ]


class ReportPrefill(models.Model):
    """A figure a unit reported elsewhere (a task's completion) for a manual cell of its
    report of a period. It fills that cell when the report is begun, or at once in a report
    still being filled if the cell is empty; the unit may change it before submitting.
    Matched by the form's code, so it follows the form's versions."""

    form_code = models.SlugField(max_length=60)
    key = models.CharField(max_length=90)
    org = models.ForeignKey("orgs.OrgUnit", on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    value = models.DecimalField(max_digits=16, decimal_places=2)
    source = models.CharField(max_length=200, verbose_name=_("来源"))
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        default_permissions = ()
        verbose_name = _("报表预填数据")
        verbose_name_plural = _("报表预填数据")
        constraints = [
            models.UniqueConstraint(
                fields=["form_code", "org", "period_start", "key"], name="stats_prefill_once"
            )
        ]
