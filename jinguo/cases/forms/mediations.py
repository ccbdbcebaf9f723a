"""The form of a mediation session."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import choices
from .common import BaseForm, DateTimeInput, textarea


class MediationForm(BaseForm):
    held_at = forms.DateTimeField(
        label=_("调解时间"), widget=DateTimeInput, initial=lambda: timezone.localtime()
    )
    mode = forms.ChoiceField(label=_("调解方式"), choices=choices.MediationMode.choices)
    place = forms.CharField(label=_("调解地点"), max_length=100, required=False)
    parties = forms.CharField(
        label=_("参加调解的当事人"),
        widget=textarea(3),
        help_text=_(
            "每行一人，写明身份和姓名，例如：申请人：张丽。加密保存，打印和页面上脱敏显示。"
        ),
    )
    mediators = forms.CharField(
        label=_("调解员"), max_length=200, help_text=_("多人用顿号或逗号分隔。")
    )
    statements = forms.CharField(label=_("各方陈述"), widget=textarea(5), required=False)
    outcome = forms.ChoiceField(label=_("调解结果"), choices=choices.MediationOutcome.choices)
    agreement = forms.CharField(
        label=_("协议内容"),
        widget=textarea(6),
        required=False,
        help_text=_("达成协议时填写双方同意的条款，每条一行；可打印调解协议书。"),
    )
