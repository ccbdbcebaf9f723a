"""Forms of the configuration pages: early-warning rules and emergency checklists. The
services validate everything again (ranges, overlaps); the forms only shape the input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.cases.choices import GbvType
from jinguo.core.forms import ScopedForm, style_fields

from ..choices import AlertAudience, AlertLevel
from ..services.alert_rule_config import alert_rule_params
from ..services.followup_schedule import parse_days


def _whole_number(label, *, required=True, help_text=""):
    return forms.IntegerField(
        label=label,
        required=required,
        help_text=help_text,
        min_value=1,
        error_messages={
            "invalid": _("“%(label)s”须为正整数。") % {"label": label},
            "min_value": _("“%(label)s”须为正整数。") % {"label": label},
            "required": _("请填写“%(label)s”。") % {"label": label},
        },
    )


class AlertRuleForm(ScopedForm):
    """Level, audience, escalation, switch, and one whole-number field per parameter the
    rule's check reads (``param_<key>``)."""

    name = forms.CharField(
        label=_("名称"), max_length=100, error_messages={"required": _("请填写规则名称。")}
    )
    level = forms.ChoiceField(label=_("预警级别"), choices=AlertLevel.choices)
    audience = forms.ChoiceField(label=_("通知对象"), choices=AlertAudience.choices)
    escalate_after_hours = _whole_number(
        _("未签收几小时后上报上一级"),
        required=False,
        help_text=_("留空则不上报。红色预警建议 2 小时。"),
    )
    description = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("告诉工作人员这条规则何时预警、何时解除；修改参数后请同步修改说明。"),
    )
    is_active = forms.BooleanField(
        label=_("启用（停用后不再产生新预警，已有预警仍须处置）"), required=False
    )

    def __init__(self, *args, rule=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule
        self.param_specs = alert_rule_params(rule) if rule is not None else ()
        for param in self.param_specs:
            self.fields[f"param_{param.key}"] = _whole_number(
                param.label, help_text=param.help_text
            )
            if rule is not None and not self.is_bound:
                self.initial.setdefault(f"param_{param.key}", (rule.params or {}).get(param.key))
        if rule is not None and not self.is_bound:
            for name in ("name", "level", "audience", "escalate_after_hours", "description"):
                self.initial.setdefault(name, getattr(rule, name))
            self.initial.setdefault("is_active", rule.is_active)
        style_fields(self)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "level": data["level"],
            "audience": data["audience"],
            "escalate_after_hours": data["escalate_after_hours"],
            "description": data["description"],
            "is_active": data["is_active"],
            "params": {p.key: data[f"param_{p.key}"] for p in self.param_specs},
        }


class GbvTypesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(
            label=_("适用暴力类型"),
            choices=GbvType.choices,
            required=False,
            help_text=_("不选表示适用于所有紧急家暴个案（没有专门清单的类型用它）。"),
            **kwargs,
        )


class ChecklistForm(ScopedForm):
    name = forms.CharField(
        label=_("名称"), max_length=100, error_messages={"required": _("请填写清单名称。")}
    )
    gbv_types = GbvTypesField()
    act_within_hours = _whole_number(
        _("须在几小时内处置"),
        help_text=_("紧急家暴个案登记后超过这个时间仍无人处置，提醒单位负责人。"),
    )
    steps = forms.CharField(
        label=_("处置事项"),
        widget=forms.Textarea(attrs={"rows": 7}),
        error_messages={"required": _("请至少填写一个处置事项，每行一项。")},
        help_text=_("每行一项，按处置顺序填写；保存后可调整顺序、增删事项。"),
    )
    is_active = forms.BooleanField(label=_("启用"), required=False)

    def __init__(self, *args, template=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        if template is None:
            del self.fields["is_active"]
            self.initial.setdefault("act_within_hours", 2)
        else:
            del self.fields["steps"]
            if not self.is_bound:
                for name in ("name", "gbv_types", "act_within_hours", "is_active"):
                    self.initial.setdefault(name, getattr(template, name))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            "name": data["name"],
            "gbv_types": list(data["gbv_types"]),
            "act_within_hours": data["act_within_hours"],
        }
        if self.template is None:
            kwargs["steps"] = data["steps"].splitlines()
        else:
            kwargs["is_active"] = data["is_active"]
        return kwargs


class ChecklistStepForm(ScopedForm):
    label = forms.CharField(
        label=_("处置事项"), max_length=100, error_messages={"required": _("请填写处置事项。")}
    )
    required = forms.BooleanField(label=_("必做"), required=False, initial=True)


class FollowUpScheduleForm(ScopedForm):
    """The days after resolution of the first visits, and the interval after them."""

    days = forms.CharField(
        label=_("固定回访（办结后第几天）"),
        max_length=100,
        help_text=_("用逗号分隔，如 7, 30, 90。"),
        error_messages={"required": _("请至少填写一次回访（办结后第几天）。")},
    )
    repeat_every_days = _whole_number(
        _("此后回访间隔（天）"),
        help_text=_("固定回访之后，只要当事人仍为中、高风险，每隔这么多天回访一次。"),
    )

    def __init__(self, *args, days=None, repeat_every_days=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and days is not None:
            self.initial.setdefault("days", ", ".join(str(d) for d in days))
            self.initial.setdefault("repeat_every_days", repeat_every_days)
        style_fields(self)

    def clean_days(self):
        return parse_days(self.cleaned_data["days"])

    def service_kwargs(self) -> dict:
        return {
            "days": self.cleaned_data["days"],
            "repeat_every_days": self.cleaned_data["repeat_every_days"],
        }
