from django.db import models
from django.utils.translation import gettext_lazy as _


class PostKind(models.TextChoices):
    FEDERATION = "federation", _("妇联职务")
    OTHER = "other", _("其他职务")


class Employment(models.TextChoices):
    FULL_TIME = "full_time", _("专职")
    PART_TIME = "part_time", _("兼职")


class ElectionMethod(models.TextChoices):
    COMPETITIVE = "competitive", _("差额选举")
    EQUAL = "equal", _("等额选举")
    SHOW_OF_HANDS = "hands", _("举手表决")


class ElectionStatus(models.TextChoices):
    RECORDED = "recorded", _("已登记")
    REPORTED = "reported", _("已报上级")
    APPROVED = "approved", _("上级已批复")
    REJECTED = "rejected", _("上级未批准")
    IN_EFFECT = "in_effect", _("新一届已就职")


class VisitWay(models.TextChoices):
    IN_PERSON = "in_person", _("上门/到点")
    PHONE = "phone", _("电话")
    ONLINE = "online", _("微信/网络")
    MEETING = "meeting", _("会议/活动")


class TrainingKind(models.TextChoices):
    RIGHTS = "rights", _("维权工作")
    MEDIATION = "mediation", _("矛盾调解")
    FAMILY_EDUCATION = "family_education", _("家庭教育")
    COUNSELLING = "counselling", _("心理疏导")
    LAW = "law", _("法律知识")
    OTHER = "other", _("其他")


class QualificationKind(models.TextChoices):
    MEDIATOR = "mediator", _("人民调解员资格")
    COUNSELLOR = "counsellor", _("心理咨询师")
    LAWYER = "lawyer", _("律师执业证")
    FAMILY_EDUCATION = "family_education", _("家庭教育指导师")
    OTHER = "other", _("其他")


class AgeBand(models.TextChoices):
    UNDER_35 = "under_35", _("35岁以下")
    FROM_35 = "35_44", _("35-44岁")
    FROM_45 = "45_54", _("45-54岁")
    FROM_55 = "55_plus", _("55岁及以上")
    UNKNOWN = "unknown", _("年龄不详")
