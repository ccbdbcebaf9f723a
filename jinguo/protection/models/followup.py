"""Protective follow-up (家暴回访干预): a plan made when a violence case is resolved, visits on
a schedule while the risk lasts, ended only by a recorded decision."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jinguo.core.fields import EncryptedTextField

from .. import choices
from .common import PersonRecord


class FollowUpPlan(PersonRecord):
    # Days after the start for the first visits; then every ``repeat_every_days`` while the
    # person's risk stays medium or high.
    schedule_days = models.JSONField(default=list, verbose_name=_("回访安排（天）"))
    repeat_every_days = models.PositiveIntegerField(
        default=90, verbose_name=_("此后回访间隔（天）")
    )
    started_on = models.DateField(verbose_name=_("开始日期"))
    status = models.CharField(
        max_length=10,
        choices=choices.PlanStatus.choices,
        default=choices.PlanStatus.ACTIVE,
        verbose_name=_("状态"),
    )
    ended_at = models.DateTimeField(null=True, blank=True, verbose_name=_("结束时间"))
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("结束决定人"),
    )
    end_reason = EncryptedTextField(blank=True, verbose_name=_("结束理由"))

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("保护性回访计划")
        verbose_name_plural = _("保护性回访计划")
        permissions = [("end_followupplan", _("决定结束保护性回访计划"))]
        indexes = [models.Index(fields=["person", "status"], name="protection_plan_person")]
        constraints = [
            # One active plan per person: a second violence case adds to her plan.
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="active"),
                name="protection_plan_active_once",
            )
        ]

    def __str__(self):
        return f"{_('保护性回访计划')} #{self.pk}"

    def get_absolute_url(self):
        return reverse("protection:plan_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status == choices.PlanStatus.ACTIVE


class ProtectiveVisit(PersonRecord):
    plan = models.ForeignKey(FollowUpPlan, on_delete=models.CASCADE, related_name="visits")
    due_on = models.DateField(verbose_name=_("应回访日期"))
    mode = models.CharField(
        max_length=10,
        choices=choices.VisitMode.choices,
        default=choices.VisitMode.PHONE,
        verbose_name=_("回访方式"),
    )
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
    safe = models.CharField(
        max_length=10, choices=choices.SafeAnswer.choices, blank=True, verbose_name=_("是否安全")
    )
    recurred = models.BooleanField(null=True, blank=True, verbose_name=_("是否再次发生暴力"))
    needs = EncryptedTextField(blank=True, verbose_name=_("需求"))
    next_step = EncryptedTextField(blank=True, verbose_name=_("下一步"))
    # When violence recurred: what was done with the case (reopened or a new linked one).
    recurrence_case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("再次发生暴力后的个案"),
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("保护性回访")
        verbose_name_plural = _("保护性回访")
        indexes = [
            models.Index(fields=["org_path", "state", "due_on"], name="protection_pvisit_due"),
            # The missed-visit job: due visits whose date has passed, whatever the unit.
            models.Index(fields=["state", "due_on"], name="protection_pvisit_state"),
            models.Index(fields=["updated_at"], name="protection_pvisit_updated"),
        ]

    def __str__(self):
        return f"{_('保护性回访')} {self.due_on}"

    def get_absolute_url(self):
        return reverse("protection:visit_record", args=[self.pk])


class FollowUpSchedule(models.Model):
    """The schedule new protective follow-up plans get (one row, edited by the system
    administrator on 系统管理 › 保护性回访安排). Plans already made keep the schedule they were
    made with. Without the row, the settings (or 7/30/90, then every 90 days) apply."""

    days = models.JSONField(default=list, verbose_name=_("回访安排（办结后第几天）"))
    repeat_every_days = models.PositiveIntegerField(verbose_name=_("此后回访间隔（天）"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("修改时间"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("修改人"),
    )

    class Meta:
        verbose_name = _("保护性回访安排")
        verbose_name_plural = _("保护性回访安排")

    def __str__(self):
        return str(_("保护性回访安排"))

    def get_absolute_url(self):
        return reverse("protection:followupschedule_update")
