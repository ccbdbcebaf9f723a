"""Forms of referrals: the referral form of the case page and the text of each action."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .common import BaseForm, textarea


class ReferralCreateForm(BaseForm):
    agency = forms.TypedChoiceField(label=_("转介机构"), coerce=int)
    request = forms.CharField(
        label=_("转介事项"),
        widget=textarea(5),
        help_text=_("请写明需要对方做什么，例如：请为当事人提供法律援助，协助申请人身安全保护令。"),
    )
    share_identity = forms.BooleanField(
        label=_("向机构提供当事人身份信息（姓名、电话、证件号）"),
        required=False,
        initial=True,
        help_text=_(
            "须有当事人对此类机构的单独同意；不勾选时机构只看到转介事项、诉求摘要和类别，看不到当事人身份和诉求内容。"
        ),
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = {a.pk: a for a in agencies}
        groups: dict[str, list] = {}
        for agency in agencies:
            groups.setdefault(agency.get_kind_display(), []).append((agency.pk, agency.name))
        self.fields["agency"].choices = [("", _("请选择机构")), *groups.items()]

    def clean_agency(self):
        agency = self.agencies.get(self.cleaned_data["agency"])
        if agency is None:
            raise ValidationError(_("请选择一个可以转介的机构。"))
        return agency


class ReferralActionForm(BaseForm):
    """The text that goes with an action: a note, a reason or a report."""

    TEXT = {
        "accept": (_("接收说明"), False, _("可选，例如：已安排律师张律师跟进。")),
        "decline": (_("退回理由"), True, _("请说明不能办理的原因，便于妇联另行安排。")),
        "report": (_("办理情况"), True, _("已做了什么、结果如何；可多次反馈。")),
        "close": (_("完结说明"), False, ""),
        "withdraw": (_("撤回理由"), True, ""),
        "urge": None,
    }
    text = forms.CharField(widget=textarea(3), required=False)
    # Whatever the service says about the action goes by its one text box.
    service_error_fields = {"note": "text", "reason": "text", "report": "text"}
    service_error_default = "text"

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        spec = self.TEXT.get(action)
        if spec is None:
            del self.fields["text"]
            return
        label, required, help_text = spec
        field = self.fields["text"]
        field.label, field.required, field.help_text = label, required, help_text
        if required:
            field.error_messages["required"] = _("请填写%(label)s。") % {"label": label}
