"""Key-focus tag types (data) and tags on persons."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ..models import FocusTagType

# code, name, review days, sensitive, description
DEFAULT_TAG_TYPES = [
    ("left_behind_woman", _("留守妇女"), 90, False, _("配偶长期外出务工、留在户籍地生活的妇女")),
    (
        "left_behind_child",
        _("留守儿童"),
        30,
        True,
        _("父母双方外出务工或一方外出另一方无监护能力的未成年人"),
    ),
    ("floating_woman", _("流动妇女"), 90, False, _("离开户籍地居住半年以上的妇女")),
    (
        "child_in_difficulty",
        _("困境儿童"),
        30,
        True,
        _("孤儿、事实无人抚养儿童及因贫困、残疾等陷入困境的儿童"),
    ),
    ("single_mother", _("单亲母亲"), 90, False, _("独自抚养未成年子女的母亲")),
    ("poor_mother", _("贫困母亲"), 90, False, _("纳入低保、特困或防止返贫监测的母亲")),
    ("disabled_woman", _("残疾妇女"), 90, False, _("持有残疾人证的妇女")),
    ("two_cancers", _("两癌患病妇女"), 60, True, _("患宫颈癌、乳腺癌的妇女")),
    ("dv_victim", _("家庭暴力受害人"), 7, True, _("遭受或正在遭受家庭暴力的人员，须重点跟进回访")),
    ("landless_unemployed", _("失业失地妇女"), 90, False, _("失去工作或失去承包土地的妇女")),
    ("elderly_alone", _("独居高龄妇女"), 30, False, _("80 岁以上独自居住的妇女")),
]


def ensure_default_tag_types(*, using: str = "default") -> int:
    created = 0
    with transaction.atomic(using=using):
        for sort, (code, name, days, sensitive, description) in enumerate(DEFAULT_TAG_TYPES):
            _obj, was_created = FocusTagType.objects.using(using).get_or_create(
                code=code,
                defaults={
                    "name": str(name),
                    "review_days": days,
                    "sensitive": sensitive,
                    "description": str(description),
                    "is_builtin": True,
                    "sort": sort * 10,
                },
            )
            created += was_created
    return created
