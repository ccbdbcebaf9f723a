"""Forms of the risk concern: the assessment (one radio question per item of the instrument),
the safety plan, an instrument's definition and its Excel import."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.cases.models import Case
from jinguo.core.forms import ScopedForm, StyledFormMixin

from ..choices import AnswerType, RiskLevel
from ..models import Instrument, SafetyPlan
from ..services.risk import ANSWERS, PLAN_FIELDS
from ..services.risk_instruments import BandSpec, InstrumentSpec, ItemSpec

ANSWER_CHOICES = {"yes": _("是"), "no": _("否"), "unknown": _("不清楚")}
DATE = {"type": "date"}


class AssessmentForm(ScopedForm):
    """The questions of ``instrument`` (``item_<n>``), then the judgement and the dates."""

    case = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("关联个案"),
        empty_label=_("（不关联个案）"),
    )
    judged_level = forms.ChoiceField(
        required=False,
        label=_("专业判断等级"),
        choices=[("", _("与计算结果一致")), *RiskLevel.choices],
        help_text=_("可依专业判断提高风险等级（不能降低），提高时须填写理由。"),
    )
    judgement_reason = forms.CharField(
        required=False,
        label=_("判断理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    next_review_on = forms.DateField(
        required=False,
        label=_("下次评估日期"),
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        help_text=_(
            "留空则按风险等级自动确定（高风险 7 天、中风险 30 天、一般风险 90 天，以工具设置为准）。"
        ),
    )
    notes = forms.CharField(
        required=False, label=_("备注"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    service_error_fields = {"person": None, "instrument": None, "answers": None}

    def __init__(self, *args, instrument: Instrument, cases=None, **kwargs):
        self.instrument = instrument
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases if cases is not None else Case.objects.none()
        self.fields["case"].label_from_instance = lambda c: f"{c.number} {c.summary}"
        questions = {}
        for item in instrument.items.all():
            name = f"item_{item.number}"
            questions[name] = forms.ChoiceField(
                label=f"{item.number}. {item.question}",
                help_text=item.help_text,
                choices=[(v, ANSWER_CHOICES[v]) for v in ANSWERS[item.answer_type]],
                widget=forms.RadioSelect,
                error_messages={"required": _("请回答本题。")},
            )
            questions[name].item = item
        # Questions first, in the instrument's order; the judgement after them.
        self.fields = {**questions, **self.fields}

    def question_fields(self):
        return [self[n] for n in self.fields if n.startswith("item_")]

    def other_fields(self):
        return [self[n] for n in self.fields if not n.startswith("item_")]

    def answers(self) -> dict[str, str]:
        return {
            name.removeprefix("item_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("item_")
        }


class SafetyPlanForm(ScopedForm):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    safe_contacts = forms.CharField(
        required=False,
        label=_("紧急联系人"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("危险时可以立即联系的人和电话。"),
    )
    safe_place = forms.CharField(
        required=False,
        label=_("安全去处"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("需要离开时去哪里，怎样过去。"),
    )
    code_word = forms.CharField(
        required=False,
        label=_("求助暗号"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("与亲友、工作人员约定的暗号或信号，说出或发出时表示需要报警或接应。"),
    )
    ready_items = forms.CharField(
        required=False,
        label=_("备好的证件和物品"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("身份证、户口本、银行卡、病历与伤情照片、钥匙、药品、现金等，放在哪里。"),
    )
    children_arrangements = forms.CharField(
        required=False,
        label=_("子女安排"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("孩子由谁接送、危险时由谁照看，学校是否知情。"),
    )
    agencies_informed = forms.CharField(
        required=False,
        label=_("已告知的机构"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("已知情的派出所、居（村）委会、学校、单位等。"),
    )

    def __init__(self, *args, instance: SafetyPlan | None = None, **kwargs):
        if instance is not None:
            initial = {n: getattr(instance, n) for n in PLAN_FIELDS}
            initial["version"] = instance.version
            kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        for name in PLAN_FIELDS:
            self.fields[name].max_length = 2000

    def values(self) -> dict:
        return {n: self.cleaned_data.get(n, "") for n in PLAN_FIELDS}


class InstrumentForm(ScopedForm):
    """An instrument's header and bands; the items come from ``ItemFormSet``."""

    code = forms.CharField(
        label=_("工具代码"),
        max_length=40,
        help_text=_("字母、数字、“-”或“_”；同一代码的工具按版本保存。"),
    )
    name = forms.CharField(label=_("名称"), max_length=100)
    description = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    locally_validated = forms.BooleanField(
        label=_("已本地验证"),
        required=False,
        help_text=_("经本地个案检验后再勾选；未勾选的工具在评估页面标明“待本地验证”。"),
    )
    medium_min = forms.DecimalField(
        label=_("中风险分数线"), min_value=0, max_digits=6, decimal_places=2, initial=10
    )
    high_min = forms.DecimalField(
        label=_("高风险分数线"), min_value=0, max_digits=6, decimal_places=2, initial=14
    )
    standard_days = forms.IntegerField(
        label=_("一般风险复评间隔（天）"), min_value=1, max_value=366, initial=90
    )
    medium_days = forms.IntegerField(
        label=_("中风险复评间隔（天）"), min_value=1, max_value=366, initial=30
    )
    high_days = forms.IntegerField(
        label=_("高风险复评间隔（天）"), min_value=1, max_value=366, initial=7
    )

    service_error_fields = {"bands": None, "items": None}

    def __init__(self, *args, instrument: Instrument | None = None, **kwargs):
        if instrument is not None:
            bands = {b.level: b for b in instrument.bands.all()}
            initial = {
                "code": instrument.code,
                "name": instrument.name,
                "description": instrument.description,
                "locally_validated": instrument.locally_validated,
            }
            if RiskLevel.MEDIUM in bands and RiskLevel.HIGH in bands:
                initial |= {
                    "medium_min": bands[RiskLevel.MEDIUM].min_score,
                    "high_min": bands[RiskLevel.HIGH].min_score,
                    "medium_days": bands[RiskLevel.MEDIUM].review_days,
                    "high_days": bands[RiskLevel.HIGH].review_days,
                }
            if RiskLevel.STANDARD in bands:
                initial["standard_days"] = bands[RiskLevel.STANDARD].review_days
            kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        if instrument is not None:
            self.fields["code"].disabled = True

    def spec(self, items: list[ItemSpec] | None = None) -> InstrumentSpec:
        d = self.cleaned_data
        return InstrumentSpec(
            code=d["code"],
            name=d["name"],
            description=d.get("description", ""),
            locally_validated=bool(d.get("locally_validated")),
            bands=[
                BandSpec(RiskLevel.STANDARD, Decimal(0), d["standard_days"]),
                BandSpec(RiskLevel.MEDIUM, d["medium_min"], d["medium_days"]),
                BandSpec(RiskLevel.HIGH, d["high_min"], d["high_days"]),
            ],
            items=items or [],
        )


class ItemForm(StyledFormMixin, forms.Form):
    number = forms.IntegerField(label=_("序号"), min_value=1, max_value=9999)
    question = forms.CharField(label=_("问题"), max_length=300)
    help_text = forms.CharField(
        label=_("提示"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    answer_type = forms.ChoiceField(
        label=_("回答方式"), choices=AnswerType.choices, initial=AnswerType.YES_NO
    )
    weight = forms.DecimalField(
        label=_("分值"), min_value=0, max_digits=5, decimal_places=2, initial=1
    )
    forces_level = forms.ChoiceField(
        label=_("强制等级"), required=False, choices=[("", _("无")), *RiskLevel.choices]
    )

    def item(self) -> ItemSpec:
        d = self.cleaned_data
        return ItemSpec(
            d["number"],
            d["question"],
            d.get("help_text", ""),
            d["answer_type"],
            d["weight"],
            d.get("forces_level", ""),
        )


ItemFormSet = forms.formset_factory(
    ItemForm, extra=2, can_delete=True, max_num=200, validate_max=True, absolute_max=250
)


def items_initial(instrument: Instrument | None) -> list[dict]:
    if instrument is None:
        return []
    return [
        {
            "number": i.number,
            "question": i.question,
            "help_text": i.help_text,
            "answer_type": i.answer_type,
            "weight": i.weight,
            "forces_level": i.forces_level,
        }
        for i in instrument.items.order_by("number")
    ]


class InstrumentImportForm(InstrumentForm):
    upload = forms.FileField(
        label=_("Excel 文件"),
        help_text=_("每行一道题：序号、问题、提示、回答方式、分值、强制等级。请先下载模板。"),
    )

    service_error_fields = {"bands": None, "items": "upload"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["upload"])


def default_assessed_at():
    return timezone.localtime().replace(second=0, microsecond=0)
