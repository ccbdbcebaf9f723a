"""Forms of the follow-up concern. Each carries the version the user saw (a stale submission
becomes a conflict message, what she typed is kept)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.forms import ScopedForm

from ..choices import RecurrenceAction, SafeAnswer, VisitMode
from ..services.alerts import assignable_users

YES_NO = [("", _("请选择")), ("yes", _("是")), ("no", _("否"))]


def _text(label, required=False, rows=3, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class VersionedForm(ScopedForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    resubmit_after_conflict = True

    def __init__(self, *args, obj=None, **kwargs):
        self.obj = obj
        super().__init__(*args, **kwargs)
        if obj is not None and not self.is_bound:
            self.initial.setdefault("version", obj.version)


class VisitForm(VersionedForm):
    done_at = forms.DateTimeField(
        label=_("回访时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    mode = forms.ChoiceField(
        label=_("回访方式"), choices=VisitMode.choices, widget=forms.RadioSelect
    )
    reached = forms.TypedChoiceField(
        label=_("是否联系上当事人"),
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        help_text=_("联系不上不会结束回访计划，系统会提醒单位负责人。"),
    )
    safe = forms.ChoiceField(
        label=_("当事人目前是否安全"),
        required=False,
        choices=[("", _("请选择")), *SafeAnswer.choices],
    )
    recurred = forms.TypedChoiceField(
        label=_("是否再次发生家庭暴力"),
        required=False,
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        empty_value=None,
    )
    recurrence = forms.ChoiceField(
        label=_("再次发生暴力时"),
        required=False,
        choices=[("", _("请选择")), *RecurrenceAction.choices],
        help_text=_("已结案的个案可重新办理；否则登记新的关联个案。都会提醒重新评估风险。"),
    )
    needs = _text(_("当事人的需求"), help_text=_("加密保存。"))
    next_step = _text(_("下一步"), help_text=_("加密保存。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault(
                "done_at", timezone.localtime().replace(second=0, microsecond=0)
            )


class PlanEndForm(VersionedForm):
    reason = _text(
        _("结束回访的理由"),
        required=True,
        help_text=_("例如：多次评估均为一般风险且当事人已安全生活；当事人迁出本辖区并已转介。"),
    )


class AlertAcknowledgeForm(VersionedForm):
    pass


class AlertAssignForm(VersionedForm):
    worker = forms.ModelChoiceField(label=_("处置人"), queryset=None, empty_label=_("请选择"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["worker"]
        field.queryset = assignable_users(self.user, self.obj)
        field.label_from_instance = lambda u: f"{u.real_name}（{u.home_unit.name}）"


class AlertActionForm(VersionedForm):
    action = _text(_("处置措施"), required=True, help_text=_("加密保存；每次记录追加一行。"))


class AlertResolveForm(VersionedForm):
    reason = _text(_("解除理由"), required=True)
