"""The shipped place kinds and their standards. Created once, when no kind exists at all, so
a federation's own edits (renamed items, a deactivated kind) survive every later migrate."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

# code, name, confidential, standard items
DEFAULT_KINDS = [
    (
        "womens_home",
        _("妇女之家/妇女微家"),
        False,
        [_("有人员"), _("有牌子"), _("有场所")],
    ),
    (
        "rights_station",
        _("维权站点/维权工作室"),
        False,
        [_("有办公场所"), _("有热线电话"), _("有电脑"), _("有一套制度"), _("有一支队伍")],
    ),
    (
        "family_mediation",
        _("家事调解工作室"),
        False,
        [_("有调解场所"), _("有专兼职调解员"), _("有调解工作制度")],
    ),
    (
        "dispute_window",
        _("矛盾纠纷调处中心窗口"),
        False,
        [_("有窗口"), _("有妇联干部值守"), _("有受理登记")],
    ),
    ("migrant_home", _("流动妇女平安之家"), False, [_("有场所"), _("有牌子"), _("有联络员")]),
    (
        "family_education",
        _("家庭教育指导站"),
        False,
        [_("有场所"), _("有指导师"), _("有年度活动计划")],
    ),
    (
        "counselling_room",
        _("心理咨询室"),
        False,
        [_("有独立房间"), _("有持证咨询师"), _("有预约制度")],
    ),
    ("childrens_home", _("儿童之家"), False, [_("有场所"), _("有专兼职儿童主任"), _("有活动制度")]),
    (
        "shelter",
        _("反家暴庇护场所"),
        True,
        [_("有独立安全的房间"), _("有值班人员"), _("有入住登记制度")],
    ),
    (
        "volunteer_station",
        _("巾帼志愿服务站"),
        False,
        [_("有场所"), _("有志愿者队伍"), _("有服务项目")],
    ),
]


def load_defaults(using: str = "default") -> None:
    from .models import PlaceKind, StandardItem

    with transaction.atomic(using=using):
        if PlaceKind.objects.using(using).exists():
            return
        for order, (code, name, confidential, items) in enumerate(DEFAULT_KINDS, start=1):
            kind = PlaceKind.objects.using(using).create(
                code=code, name=str(name), confidential=confidential, order=order * 10
            )
            StandardItem.objects.using(using).bulk_create(
                StandardItem(kind=kind, label=str(label), order=n)
                for n, label in enumerate(items, start=1)
            )
