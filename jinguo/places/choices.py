from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    TALK = "talk", _("姐妹谈心")
    COUNSELLING = "counselling", _("心理咨询")
    MEDIATION = "mediation", _("调解")
    LEGAL = "legal", _("法律咨询")
    LECTURE = "lecture", _("讲座培训")
    EVENT = "event", _("主题活动")
    OTHER = "other", _("其他")


class CoverageLevel(models.TextChoices):
    TOWNSHIP = "township", _("乡镇（街道）")
    COMMUNITY = "community", _("村（社区）")
