"""Shipped defaults: the appeal category tree (the six rights areas of the Women's Rights
Protection Law plus children's rights, other and consultation) and the deadline policies of
the petition regulation. Created when missing after migrate, never overwritten, so a
federation's own edits survive upgrades."""

from django.db import transaction

from .choices import DeadlineUnit, Urgency

# (code, name, is_violence, sensitive, children: [(code, name, is_violence, sensitive)])
CATEGORIES = [
    ("political", "政治权利", False, False, []),
    (
        "personal",
        "人身和人格权益",
        False,
        False,
        [
            ("personal-violence", "人身伤害", True, True),
            ("personal-sexual", "性骚扰、性侵害", True, True),
            ("personal-trafficking", "拐卖、绑架", True, True),
            ("personal-dignity", "名誉、隐私等人格权", False, False),
        ],
    ),
    ("culture", "文化教育权益", False, False, []),
    (
        "labour",
        "劳动和社会保障权益",
        False,
        False,
        [
            ("labour-rights", "劳动权益", False, False),
            ("labour-security", "社会保障", False, False),
            ("labour-insurance", "社会保险", False, False),
            ("labour-discrimination", "性别歧视", False, False),
        ],
    ),
    (
        "property",
        "财产权益",
        False,
        False,
        [
            ("property-land", "土地承包经营权", False, False),
            ("property-housing", "房产、宅基地", False, False),
            ("property-inheritance", "继承", False, False),
        ],
    ),
    (
        "family",
        "婚姻家庭权益",
        False,
        False,
        [
            ("family-dispute", "家庭纠纷", False, False),
            ("family-interference", "干涉婚姻自由", False, False),
            ("family-affair", "配偶外遇、重婚、同居", False, False),
            ("family-divorce", "离婚", False, False),
            ("family-violence", "家庭暴力", True, True),
            ("family-custody", "子女抚养", False, False),
            ("family-cohabitation", "同居纠纷", False, False),
        ],
    ),
    (
        "children",
        "儿童权益",
        False,
        True,
        [
            ("children-abuse", "侵害未成年人", True, True),
            ("children-neglect", "监护缺失", False, True),
            ("children-education", "受教育权", False, True),
        ],
    ),
    ("other", "综合/其他", False, False, []),
    ("consultation", "咨询", False, False, []),
]

# (name, category code or None, urgency or "", decide (n, unit), finish (n, unit))
POLICIES = [
    ("默认（信访工作条例）", None, "", (15, DeadlineUnit.DAYS), (60, DeadlineUnit.DAYS)),
    ("紧急诉求", None, Urgency.URGENT, (1, DeadlineUnit.DAYS), (15, DeadlineUnit.DAYS)),
    (
        "紧急家庭暴力",
        "family-violence",
        Urgency.URGENT,
        (2, DeadlineUnit.HOURS),
        (7, DeadlineUnit.DAYS),
    ),
    ("家庭暴力", "family-violence", "", (1, DeadlineUnit.DAYS), (30, DeadlineUnit.DAYS)),
    (
        "紧急性侵害",
        "personal-sexual",
        Urgency.URGENT,
        (2, DeadlineUnit.HOURS),
        (7, DeadlineUnit.DAYS),
    ),
    (
        "紧急侵害未成年人",
        "children-abuse",
        Urgency.URGENT,
        (2, DeadlineUnit.HOURS),
        (7, DeadlineUnit.DAYS),
    ),
    ("咨询", "consultation", "", (3, DeadlineUnit.WORKING_DAYS), (15, DeadlineUnit.DAYS)),
]


def ensure_default_categories(using: str = "default") -> None:
    from .models import Category

    with transaction.atomic(using=using):
        for sort, (code, name, violence, sensitive, children) in enumerate(CATEGORIES, 1):
            parent, _created = Category.objects.using(using).get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "is_violence": violence,
                    "sensitive": sensitive,
                    "is_builtin": True,
                    "sort": sort * 10,
                },
            )
            for sub_sort, (sub_code, sub_name, sub_violence, sub_sensitive) in enumerate(
                children, 1
            ):
                Category.objects.using(using).get_or_create(
                    code=sub_code,
                    defaults={
                        "name": sub_name,
                        "parent": parent,
                        "is_violence": sub_violence,
                        "sensitive": sub_sensitive,
                        "is_builtin": True,
                        "sort": sort * 10 + sub_sort,
                    },
                )


def ensure_default_policies(using: str = "default") -> None:
    from .models import Category, DeadlinePolicy

    with transaction.atomic(using=using):
        if DeadlinePolicy.objects.using(using).filter(is_builtin=True).exists():
            return
        for name, code, urgency, decide, finish in POLICIES:
            category = Category.objects.using(using).filter(code=code).first() if code else None
            if code and category is None:
                continue
            DeadlinePolicy.objects.using(using).create(
                name=name,
                category=category,
                urgency=urgency,
                decide_amount=decide[0],
                decide_unit=decide[1],
                finish_amount=finish[0],
                finish_unit=finish[1],
                is_builtin=True,
                warn_hours=4 if decide[1] == DeadlineUnit.HOURS else 72,
            )
