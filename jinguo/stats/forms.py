"""Forms of the report forms' settings (the report grid itself is read by its view)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.core.forms import ScopedForm, ScopedModelForm
from jinguo.orgs.choices import UnitKind

from .choices import PeriodKind
from .models import ReportCell

FORMULA_HELP = _(
    '自动计算的单元格填写公式，例如 ind("appeals_total") 或 '
    'count("cases.case", channel="hotline_12338")；手工填报的单元格留空。'
)


class ReportCellForm(ScopedModelForm):
    class Meta:
        model = ReportCell
        fields = ["kind", "formula", "required", "min_value", "max_value"]
        widgets = {"formula": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"formula": FORMULA_HELP}


class ReportFormHeaderForm(ScopedForm):
    name = forms.CharField(label=_("名称"), max_length=80)
    description = forms.CharField(
        label=_("填报说明"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    unit_kinds = forms.MultipleChoiceField(
        label=_("填报单位类型"), choices=UnitKind.choices, widget=forms.CheckboxSelectMultiple
    )
    deadline_days = forms.IntegerField(
        label=_("截止（期末后第几个工作日）"), min_value=0, max_value=60, initial=5
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The checkbox list is not a text box: no form-control class on each box.
        self.fields["unit_kinds"].widget.attrs.pop("class", None)


class ReportFormCreateForm(ReportFormHeaderForm):
    code = forms.SlugField(
        label=_("代码"), max_length=40, help_text=_("小写字母开头，只含小写字母、数字和下划线。")
    )
    period_kind = forms.ChoiceField(label=_("报送周期"), choices=PeriodKind.choices)
    field_order = ["code", "name", "period_kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["is_active"]


class ReportLineForm(ScopedForm):
    """A row (label) or a column (header with levels separated by " / ")."""

    code = forms.SlugField(label=_("代码"), max_length=40)
    label = forms.CharField(label=_("名称"), max_length=200)
    sort = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767, initial=100)


class ReportRuleForm(ScopedForm):
    total = forms.CharField(label=_("合计单元格"), max_length=90, help_text=_("行代码.列代码"))
    parts = forms.CharField(
        label=_("分项单元格"), max_length=1000, help_text=_("用 + 连接，例如 a.total + b.total")
    )
    message = forms.CharField(label=_("提示"), max_length=200, required=False)
