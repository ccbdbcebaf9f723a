"""Forms of the notices app: issuing (with the unit picker and files), completing a task,
withdrawing. Choice fields are scoped for the user; the services check everything again."""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from jinguo.cases.forms.common import textarea
from jinguo.core.forms import ScopedForm
from jinguo.orgs.choices import UnitKind
from jinguo.orgs.forms import unit_label
from jinguo.orgs.models import OrgUnit
from jinguo.people.forms.common import DateInput
from jinguo.stats.services.prefill import prefill_cells

from . import choices
from .files import MAX_FILES
from .services import MAX_FIGURES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class UnitMultiSearchInput(forms.SelectMultiple):
    """Units picked one by one from a server search (orgs' unit search, name or pinyin
    initials); each pick becomes a removable chip holding a hidden input. Script:
    notices/unit_multi_picker.js."""

    template_name = "notices/widgets/unit_multi.html"
    search_url = reverse_lazy("orgs:unit_search")

    def get_context(self, name, value, attrs):
        ctx = super().get_context(name, value, attrs)
        ids = [int(v) for v in (value or ()) if str(v).isdigit() and len(str(v)) < 19]
        queryset = getattr(self.choices, "queryset", OrgUnit.objects.none())
        picked = queryset.filter(pk__in=ids).select_related("parent").order_by("path")
        ctx["widget"].update(
            url=str(self.search_url),
            picked=[(u.pk, unit_label(u)) for u in picked],
        )
        return ctx


class ReportCellChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.form.name} · {obj.row.label} · {obj.column.header}"


class NoticeForm(ScopedForm):
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=choices.NoticeKind.choices,
        widget=forms.RadioSelect,
        initial=choices.NoticeKind.NOTICE,
        help_text=_("通知只需各单位签收；任务还要各单位报告完成情况。"),
    )
    title = forms.CharField(
        label=_("标题"), max_length=100, help_text=_("例如：关于开展三八维权周法治宣传活动的通知")
    )
    body = forms.CharField(label=_("正文"), widget=textarea(8), max_length=10000)
    due_on = forms.DateField(
        label=_("完成期限"), required=False, widget=DateInput, help_text=_("任务必填。")
    )
    targets = forms.ChoiceField(
        label=_("发送范围"),
        choices=choices.NoticeTargets.choices,
        widget=forms.RadioSelect,
        initial=choices.NoticeTargets.CHILDREN,
    )
    target_kind = forms.ChoiceField(
        label=_("单位层级"),
        required=False,
        choices=[("", _("请选择")), *UnitKind.choices],
        help_text=_("发送范围为“某一级的全部下级单位”时选择，如全部村（社区）妇联。"),
    )
    units = forms.ModelMultipleChoiceField(
        label=_("指定单位"),
        required=False,
        queryset=OrgUnit.objects.none(),
        widget=UnitMultiSearchInput,
        help_text=_("发送范围为“指定单位”时，输入名称或拼音首字母逐个添加。"),
        error_messages={"invalid_choice": _("所选单位不存在或不是本单位的下级单位。")},
    )
    files = MultipleFileField(
        label=_("附件"),
        help_text=_("可多选，最多 %(n)d 个，支持 PDF、Word、Excel、图片等。") % {"n": MAX_FILES},
    )
    report_cell = ReportCellChoiceField(
        label=_("数据填入报表（可选）"),
        required=False,
        queryset=prefill_cells(),
        help_text=_(
            "仅任务：各单位报告完成情况时须填这一项数据，它会预先填入该单位当期报表的这个单元格，"
            "上报前仍可修改。"
        ),
        error_messages={"invalid_choice": _("请选择一个手工填报的数值单元格。")},
    )
    report_period = forms.DateField(
        label=_("填入哪一期报表"),
        required=False,
        widget=DateInput,
        help_text=_("报告期内任一日期；不填则按完成期限所在的报告期。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report_cell"].queryset = prefill_cells()
        home = getattr(self.user, "home_unit", None)
        if home is not None:
            self.fields["units"].queryset = OrgUnit.objects.filter(
                path__subtree=home.path, is_active=True
            ).exclude(pk=home.pk)


class FigureRowsWidget(forms.Widget):
    """Rows of (name, number) inputs; what was typed comes back on an error."""

    template_name = "notices/widgets/figures.html"
    rows = 5

    def value_from_datadict(self, data, files, name):
        keys = data.getlist(f"{name}_key") if hasattr(data, "getlist") else []
        values = data.getlist(f"{name}_value") if hasattr(data, "getlist") else []
        return list(zip(keys, values, strict=False))

    def get_context(self, name, value, attrs):
        ctx = super().get_context(name, value, attrs)
        typed = list(value or [])
        typed += [("", "")] * max(self.rows - len(typed), 1)
        ctx["widget"]["pairs"] = typed
        return ctx


class FiguresField(forms.Field):
    widget = FigureRowsWidget

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        rows = [
            (k.strip(), v.strip())
            for k, v in (value or ())
            if (k or "").strip() or (v or "").strip()
        ]
        if len(rows) > MAX_FIGURES:
            raise forms.ValidationError(_("最多填写 %(n)d 项数据。") % {"n": MAX_FIGURES})
        return rows


class CompleteForm(ScopedForm):
    note = forms.CharField(
        label=_("完成情况"),
        widget=textarea(5),
        max_length=5000,
        help_text=_("简要说明做了什么、覆盖多少人、有什么问题。"),
    )
    figures = FiguresField(
        label=_("数据"), help_text=_("可选：每行一项，如“开展活动场次 3”、“覆盖人数 120”。")
    )
    files = MultipleFileField(label=_("附件"), help_text=_("可选：照片、签到表、总结材料等。"))


class WithdrawForm(ScopedForm):
    reason = forms.CharField(label=_("撤回原因"), max_length=200)


# --- target assessment -----------------------------------------------------------------------


class IndicatorForm(ScopedForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    name = forms.CharField(
        label=_("指标名称"), max_length=100, help_text=_("例如：维权站点覆盖率、诉求按期办结率")
    )
    weight = forms.DecimalField(label=_("分值"), max_digits=6, decimal_places=2, min_value=0)
    target = forms.DecimalField(label=_("目标值"), max_digits=14, decimal_places=2, min_value=0)
    method = forms.ChoiceField(label=_("取值方式"), choices=choices.IndicatorMethod.choices)
    direction = forms.ChoiceField(label=_("评分规则"), choices=choices.IndicatorDirection.choices)
    source = forms.ChoiceField(
        label=_("统计项"), required=False, help_text=_("取值方式为统计数或统计占比时选择。")
    )
    dimension = forms.CharField(
        label=_("统计维度"),
        required=False,
        max_length=60,
        help_text=_("可选：只计某一维度的部分取值，如 state（办理状态）。"),
    )
    values = forms.CharField(
        label=_("计入的取值"),
        required=False,
        max_length=500,
        help_text=_(
            "多个取值用逗号分隔，如 completed；占比指标按“计入的件数 ÷ 全部件数 × 100”计算。"
        ),
    )
    description = forms.CharField(label=_("考核说明"), required=False, widget=textarea(3))

    def __init__(self, *args, sources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", _("（填报指标不选）")), *sources]

    def clean_values(self):
        raw = self.cleaned_data.get("values") or ""
        return [v.strip() for v in raw.replace("，", ",").split(",") if v.strip()]


class AssessmentEnterForm(ScopedForm):
    actual = forms.DecimalField(label=_("实际值"), max_digits=16, decimal_places=2, min_value=0)
    evidence = forms.CharField(
        label=_("佐证说明"),
        widget=textarea(4),
        max_length=5000,
        help_text=_("写明数据来源和可核查的材料，如台账名称、活动照片、文件编号。"),
    )


class AssessmentAdjustForm(ScopedForm):
    score = forms.DecimalField(label=_("调整后得分"), max_digits=8, decimal_places=2, min_value=0)
    reason = forms.CharField(label=_("调整理由"), max_length=200)
