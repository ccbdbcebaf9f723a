from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    NOTICE = "notice", _("通知")
    TASK = "task", _("任务")


class NoticeTargets(models.TextChoices):
    CHILDREN = "children", _("全部直属下级单位")
    LEVEL = "level", _("某一级的全部下级单位")
    PICKED = "picked", _("指定单位")


class ReceiptState(models.TextChoices):
    PENDING = "pending", _("未签收")
    ACKNOWLEDGED = "acknowledged", _("已签收")
    COMPLETED = "completed", _("已完成")


class IndicatorMethod(models.TextChoices):
    COUNT = "count", _("统计数（全年件数）")
    SHARE = "share", _("统计占比（%）")
    ENTERED = "entered", _("填报（附佐证）")


class IndicatorDirection(models.TextChoices):
    HIGHER = "higher", _("越高越好（达到目标得满分）")
    LOWER = "lower", _("越低越好（不超过目标得满分）")
