"""Fixed vocabularies of the public portal."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HelpTopic(models.TextChoices):
    """What happened, in the words a woman would use; each maps to a case category code."""

    VIOLENCE = "violence", _("家里有人打我、威胁我或控制我")
    SEXUAL = "sexual", _("被性骚扰或性侵害")
    MARRIAGE = "marriage", _("离婚、抚养孩子、婚姻问题")
    FAMILY = "family", _("家庭矛盾、邻里纠纷")
    WORK = "work", _("工作上受欺负：辞退、工资、怀孕歧视")
    PROPERTY = "property", _("土地、房子、财产、继承")
    CHILD = "child", _("孩子受到伤害或没人照顾")
    ADVICE = "advice", _("只想咨询法律或政策")
    OTHER = "other", _("其他事情")


# Topic → (category code, sub-category code or None) of the shipped case taxonomy. A code a
# federation has removed falls back to "other" (see services.appeals.topic_category).
TOPIC_CATEGORY = {
    HelpTopic.VIOLENCE: ("family", "family-violence"),
    HelpTopic.SEXUAL: ("personal", "personal-sexual"),
    HelpTopic.MARRIAGE: ("family", "family-divorce"),
    HelpTopic.FAMILY: ("family", "family-dispute"),
    HelpTopic.WORK: ("labour", "labour-rights"),
    HelpTopic.PROPERTY: ("property", None),
    HelpTopic.CHILD: ("children", "children-abuse"),
    HelpTopic.ADVICE: ("consultation", None),
    HelpTopic.OTHER: ("other", None),
}

# A violence category needs a GBVIMS type; the portal's first guess, which the worker checks.
TOPIC_GBV_TYPE = {
    HelpTopic.VIOLENCE: "physical",
    HelpTopic.SEXUAL: "sexual_assault",
    HelpTopic.CHILD: "physical",
}


class ContactWay(models.TextChoices):
    NONE = "none", _("不要联系我，我自己用查询码查看")
    PHONE = "phone", _("可以打电话给我")
    SMS = "sms", _("只能发短信给我")


class PageKind(models.TextChoices):
    PAGE = "page", _("知识文章")
    FAQ = "faq", _("常见问题")


class ConsultWay(models.TextChoices):
    ONLINE = "online", _("网上咨询")
    PHONE = "phone", _("电话咨询")
    IN_PERSON = "in_person", _("现场咨询")


# Campaign dates the portal announces every year: (month, day, name, what it is about).
CAMPAIGN_DATES = [
    (3, 8, _("三八国际妇女节"), _("妇女权益宣传周，各级妇联集中开展普法和维权咨询。")),
    (6, 26, _("6·26 国际禁毒日"), _("远离毒品、守护家庭的宣传活动。")),
    (11, 25, _("11·25 国际消除对妇女的暴力日"), _("反对家庭暴力、拒绝性别暴力的宣传活动。")),
    (12, 4, _("12·4 国家宪法日"), _("宪法宣传周，宣讲男女平等和妇女儿童权益保障的法律。")),
]
