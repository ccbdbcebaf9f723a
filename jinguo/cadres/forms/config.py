"""Forms of the configuration pages: position types and retraining rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.core.forms import ScopedForm

from .. import choices
from ..models import PositionType


class PositionTypeForm(ScopedForm):
    code = forms.CharField(
        label=_("代码"),
        max_length=40,
        help_text=_("小写字母、数字或下划线，用于接口和导入；保存后不能修改。"),
    )
    name = forms.CharField(label=_("名称"), max_length=40)
    kind = forms.ChoiceField(label=_("类别"), choices=choices.PostKind.choices)
    is_executive = forms.BooleanField(
        label=_("属于执委会（有挂牌上岗卡，计入执委人数）"), required=False
    )
    is_grid_worker = forms.BooleanField(
        label=_("网格员（计入“执委兼任网格员”的比例）"), required=False
    )
    sort = forms.IntegerField(
        label=_("排序"),
        min_value=0,
        max_value=32767,
        initial=100,
        help_text=_("数字小的排在前面。"),
    )
    is_active = forms.BooleanField(
        label=_("启用"),
        required=False,
        initial=True,
        help_text=_("停用后不能再登记新的任职，已有任职和历史名册不受影响。"),
    )

    def __init__(self, *args, instance: PositionType | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if instance is not None:
            del self.fields["code"]


class RetrainingRuleForm(ScopedForm):
    name = forms.CharField(label=_("名称"), max_length=60, help_text=_("例如：维权干部每两年复训"))
    position_type = forms.ModelChoiceField(
        label=_("适用职务"),
        queryset=PositionType.objects.order_by("sort", "id"),
        empty_label=_("请选择"),
        error_messages={"invalid_choice": _("所选职务类型不存在。")},
    )
    kind = forms.ChoiceField(label=_("须参加的培训类别"), choices=choices.TrainingKind.choices)
    every_months = forms.IntegerField(
        label=_("复训周期（月）"),
        min_value=1,
        max_value=120,
        initial=24,
        help_text=_("现任该职务的人员，在这么多个月内没有完成该类培训即列入待复训名单。"),
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
