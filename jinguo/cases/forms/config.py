"""Forms of the configuration pages: appeal categories and deadline policies."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import choices
from ..models import Category
from .common import BaseForm


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        label = str(obj)
        return label if obj.is_active else f"{label}（{_('停用')}）"


class CategoryForm(BaseForm):
    name = forms.CharField(label=_("名称"), max_length=40)
    parent = CategoryChoiceField(
        label=_("上级类别"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("（无，作为一级类别）"),
        help_text=_("诉求类别分两级：一级为权益领域，二级为具体事项。"),
    )
    code = forms.SlugField(
        label=_("代码"),
        max_length=40,
        required=False,
        help_text=_("用于接口和导入，留空自动生成；保存后不能修改。"),
    )
    is_violence = forms.BooleanField(
        label=_("涉及暴力（须选择暴力类型，自动列为敏感个案）"), required=False
    )
    sensitive = forms.BooleanField(
        label=_("敏感（只有有“查看敏感记录”权限的人员可见）"), required=False
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    sort = forms.IntegerField(
        label=_("排序"),
        min_value=0,
        max_value=32767,
        initial=100,
        help_text=_("数字小的排在前面。"),
    )

    def __init__(self, *args, instance: Category | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Category.objects.filter(parent__isnull=True).order_by("sort", "id")
        if instance is not None:
            parents = parents.exclude(pk=instance.pk)
            del self.fields["code"]
        self.fields["parent"].queryset = parents


def _amount_field(label, initial, help_text=""):
    return forms.IntegerField(label=label, min_value=1, initial=initial, help_text=help_text)


def _unit_field(label, initial=choices.DeadlineUnit.DAYS):
    return forms.ChoiceField(label=label, choices=choices.DeadlineUnit.choices, initial=initial)


class PolicyForm(BaseForm):
    name = forms.CharField(label=_("名称"), max_length=60)
    category = CategoryChoiceField(
        label=_("适用类别"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("所有类别"),
        help_text=_("选择一级类别时也适用于其下的子类别。"),
    )
    urgency = forms.ChoiceField(
        label=_("适用紧急程度"),
        choices=[("", _("所有紧急程度")), *choices.Urgency.choices],
        required=False,
    )
    decide_amount = _amount_field(_("受理期限"), 15, _("信访工作条例：15 日内决定是否受理。"))
    decide_unit = _unit_field(_("受理期限单位"))
    finish_amount = _amount_field(_("办结期限"), 60, _("信访工作条例：60 日内办结。"))
    finish_unit = _unit_field(_("办结期限单位"))
    max_extension_days = forms.IntegerField(
        label=_("最多可延期（天）"),
        min_value=0,
        initial=30,
        help_text=_("信访工作条例：可延长 30 日。"),
    )
    follow_up_amount = _amount_field(_("回访期限"), 7)
    follow_up_unit = _unit_field(_("回访期限单位"), choices.DeadlineUnit.WORKING_DAYS)
    referral_amount = _amount_field(_("转介答复期限"), 5)
    referral_unit = _unit_field(_("转介答复期限单位"), choices.DeadlineUnit.WORKING_DAYS)
    warn_hours = forms.IntegerField(
        label=_("提前提醒（小时）"),
        min_value=0,
        initial=72,
        help_text=_("到期前多少小时列入“即将到期”并提醒承办人。"),
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    # Pairs shown side by side on the page.
    PAIRS = (
        ("decide_amount", "decide_unit"),
        ("finish_amount", "finish_unit"),
        ("follow_up_amount", "follow_up_unit"),
        ("referral_amount", "referral_unit"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.select_related("parent").order_by(
            "parent__sort", "parent_id", "sort", "id"
        )
        for name in self.fields:
            if name.endswith("_amount") or name in ("max_extension_days", "warn_hours"):
                self.fields[name].error_messages.update(
                    {
                        "required": _("请填写%(label)s。") % {"label": self.fields[name].label},
                        "min_value": _("不能小于 %(limit_value)s。"),
                        "invalid": _("请输入整数。"),
                    }
                )

    def pairs(self):
        return [(self[a], self[b]) for a, b in self.PAIRS]
