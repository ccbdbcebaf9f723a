"""Choices of the report forms."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    MONTH = "month", _("月报")
    QUARTER = "quarter", _("季报")
    YEAR = "year", _("年报")


class CellKind(models.TextChoices):
    COMPUTED = "computed", _("自动计算")
    NUMBER = "number", _("手工填报（数值）")
    TEXT = "text", _("手工填报（文字）")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已上报待审核")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已审核通过")
    SUPERSEDED = "superseded", _("已更正（旧版本）")


class ReportEventKind(models.TextChoices):
    CREATED = "created", _("开始填报")
    SAVED = "saved", _("保存")
    RECOMPUTED = "recomputed", _("重新计算")
    SUBMITTED = "submitted", _("上报")
    RETURNED = "returned", _("退回")
    ACCEPTED = "accepted", _("审核通过")
    CORRECTED = "corrected", _("更正（新版本）")
    PREFILLED = "prefilled", _("任务数据填入")
