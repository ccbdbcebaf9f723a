"""Forms of the screening concern: issuing a campaign, a unit's return and its entries, an
entry becoming a case or a mediation, the public-opinion log and the statistics picker.
Choice fields are scoped for the user filling the form; the services check everything again."""

import datetime
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.cases.choices import GbvType, MediationMode, MediationOutcome, Urgency
from jinguo.cases.models import Case, Category
from jinguo.core.forms import ScopedForm
from jinguo.orgs.forms import UnitChoiceField
from jinguo.orgs.models import OrgUnit
from jinguo.orgs.selectors import choice_units

from .. import choices
from .common import DateInput, DateTimeInput, textarea


class CampaignForm(ScopedForm):
    title = forms.CharField(
        label=_("排查主题"), max_length=100, help_text=_("例如：2027年春节前矛盾纠纷专项排查")
    )
    kind = forms.ChoiceField(label=_("排查类型"), choices=choices.CampaignKind.choices)
    scope = forms.MultipleChoiceField(
        label=_("排查范围"),
        choices=choices.DisputeKind.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=choices.DisputeKind.values,
    )
    targets = forms.ChoiceField(
        label=_("下发到"),
        choices=choices.CampaignTargets.choices,
        initial=choices.CampaignTargets.COMMUNITIES,
        help_text=_("每个收到任务的单位各有一份上报；网格员可协助所在社区填报。"),
    )
    due_on = forms.DateField(label=_("上报截止日期"), widget=DateInput)
    instructions = forms.CharField(label=_("工作要求"), widget=textarea(5), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The checkbox list is not a select: no form-select class on it.
        self.fields["scope"].widget.attrs.pop("class", None)


class CampaignUpdateForm(ScopedForm):
    title = forms.CharField(label=_("排查主题"), max_length=100)
    due_on = forms.DateField(label=_("上报截止日期"), widget=DateInput)
    instructions = forms.CharField(label=_("工作要求"), widget=textarea(5), required=False)


class ReportSubmitForm(ScopedForm):
    note = forms.CharField(
        label=_("情况说明"),
        widget=textarea(3),
        required=False,
        help_text=_("未发现矛盾纠纷的，请写明排查了哪些范围（如走访户数）。"),
    )


class EntryForm(ScopedForm):
    kind = forms.ChoiceField(label=_("纠纷类型"), choices=choices.DisputeKind.choices)
    risk = forms.ChoiceField(
        label=_("激化风险"),
        choices=choices.DisputeRisk.choices,
        initial=choices.DisputeRisk.LOW,
    )
    found_on = forms.DateField(label=_("发现日期"), widget=DateInput, initial=timezone.localdate)
    parties = forms.CharField(
        label=_("当事各方"),
        widget=textarea(2),
        help_text=_("例如：张某与李某（邻居）。加密保存，页面上脱敏显示。"),
    )
    description = forms.CharField(label=_("纠纷情况"), widget=textarea(4))
    action_taken = forms.CharField(label=_("已采取措施"), widget=textarea(3), required=False)


class EntryUpdateForm(EntryForm):
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[
            (choices.DisputeStatus.OPEN, choices.DisputeStatus.OPEN.label),
            (choices.DisputeStatus.RESOLVED, choices.DisputeStatus.RESOLVED.label),
        ],
    )


def category_choices():
    return (
        Category.objects.filter(is_active=True)
        .select_related("parent")
        .order_by("parent__sort", "parent_id", "sort", "id")
    )


class CategoryField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class EntryCaseForm(ScopedForm):
    category = CategoryField(label=_("诉求类别"), queryset=Category.objects.none())
    gbv_type = forms.ChoiceField(
        label=_("暴力类型"),
        choices=[("", "—"), *GbvType.choices],
        required=False,
        help_text=_("涉及暴力的类别须选择。"),
    )
    urgency = forms.ChoiceField(
        label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL
    )
    summary = forms.CharField(
        label=_("诉求摘要"),
        max_length=100,
        help_text=_("一句话概括，不写姓名、电话等身份信息。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = category_choices()

    def case_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "category": data["category"],
            "gbv_type": data.get("gbv_type") or "",
            "urgency": data["urgency"],
            "summary": data["summary"],
        }


class EntryMediationForm(EntryCaseForm):
    held_at = forms.DateTimeField(label=_("调解时间"), widget=DateTimeInput)
    mode = forms.ChoiceField(label=_("调解方式"), choices=MediationMode.choices)
    place = forms.CharField(label=_("调解地点"), max_length=100, required=False)
    parties = forms.CharField(
        label=_("参加调解的当事人"),
        widget=textarea(3),
        required=False,
        help_text=_("留空则使用排查记录中的当事各方。"),
    )
    mediators = forms.CharField(label=_("调解员"), max_length=200)
    statements = forms.CharField(label=_("各方陈述"), widget=textarea(4), required=False)
    outcome = forms.ChoiceField(label=_("调解结果"), choices=MediationOutcome.choices)
    agreement = forms.CharField(label=_("协议内容"), widget=textarea(4), required=False)

    CASE_FIELDS = ("category", "gbv_type", "urgency", "summary")

    def __init__(self, *args, has_case=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_case = has_case
        if has_case:
            for name in self.CASE_FIELDS:
                del self.fields[name]

    def mediation_fields(self) -> dict:
        names = ("held_at", "mode", "place", "parties", "mediators", "statements", "outcome")
        return {n: self.cleaned_data[n] for n in (*names, "agreement")}


# --- the public-opinion log ----------------------------------------------------------------

CASE_NUMBERS = re.compile(r"[\s,，、;；]+")


class OpinionForm(ScopedForm):
    title = forms.CharField(label=_("标题"), max_length=100)
    source = forms.ChoiceField(label=_("来源"), choices=choices.OpinionSource.choices)
    occurred_on = forms.DateField(label=_("发现日期"), widget=DateInput, initial=timezone.localdate)
    level = forms.ChoiceField(
        label=_("舆情等级"),
        choices=choices.OpinionLevel.choices,
        initial=choices.OpinionLevel.GENERAL,
    )
    summary = forms.CharField(
        label=_("内容摘要"),
        widget=textarea(4),
        help_text=_("概述公开报道或网络反映的内容；不写当事人姓名、电话等身份信息。"),
    )
    units = forms.ModelMultipleChoiceField(
        label=_("涉及单位"), queryset=OrgUnit.objects.none(), required=False
    )
    case_numbers = forms.CharField(
        label=_("关联个案编号"),
        required=False,
        help_text=_("多个编号用空格或逗号分隔；只能关联您能查看的个案。"),
    )
    handling = forms.CharField(label=_("处置情况"), widget=textarea(4), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.restrict(self.user, "view")
        field = self.fields["units"]
        field.queryset = units
        selected = [
            int(v)
            for v in (self.data.getlist("units") if self.is_bound else [])
            if str(v).isdigit()
        ]
        initial = [getattr(u, "pk", u) for u in self.initial.get("units") or ()]
        field.choices = [
            (u.pk, u.name)
            for u in choice_units(units, user=self.user, include=[*selected, *initial])
        ]

    def clean_case_numbers(self):
        numbers = [n for n in CASE_NUMBERS.split(self.cleaned_data["case_numbers"] or "") if n]
        if len(numbers) > 50:
            raise forms.ValidationError(_("最多关联 50 个个案。"))
        found = dict(
            Case.objects.restrict(self.user, "view")
            .filter(number__in=numbers)
            .values_list("number", "pk")
        )
        missing = [n for n in numbers if n not in found]
        if missing:
            raise forms.ValidationError(
                _("找不到以下个案，或您无权查看：%(numbers)s") % {"numbers": "、".join(missing)}
            )
        return [found[n] for n in dict.fromkeys(numbers)]

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        data["cases"] = data.pop("case_numbers")
        data["units"] = [u.pk for u in data["units"]]
        return data


class OpinionCloseForm(ScopedForm):
    note = forms.CharField(label=_("办结说明"), widget=textarea(4))

    service_error_fields = {"closing_note": "note"}


# --- the anonymised statistics -------------------------------------------------------------


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m")


class StatsForm(ScopedForm):
    unit = UnitChoiceField(label=_("统计单位"), required=False)
    start = forms.DateField(label=_("起始月份"), widget=MonthInput, input_formats=["%Y-%m"])
    end = forms.DateField(label=_("截止月份"), widget=MonthInput, input_formats=["%Y-%m"])
    by = forms.ChoiceField(
        label=_("分组"),
        choices=[("unit", _("按下级单位")), ("month", _("按月份"))],
        initial="unit",
    )

    MAX_MONTHS = 36

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        field.queryset = OrgUnit.objects.restrict(self.user, "view")
        field.user = self.user

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                self.add_error("end", _("截止月份不能早于起始月份。"))
            elif (end.year - start.year) * 12 + end.month - start.month >= self.MAX_MONTHS:
                self.add_error("end", _("一次最多统计 %(n)d 个月。") % {"n": self.MAX_MONTHS})
        if not data.get("unit"):
            data["unit"] = self.user.home_unit
        return data


def default_stats_period() -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate().replace(day=1)
    year, month = today.year, today.month - 11
    if month < 1:
        year, month = year - 1, month + 12
    return datetime.date(year, month, 1), today
