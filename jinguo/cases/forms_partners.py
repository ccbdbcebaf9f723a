"""Forms of partner agencies, referrals, mediation sessions and attachments.

Choice fields are scoped for the user filling the form; the services check everything again.
A service error naming a field the form lacks is shown at the top of the form.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.forms import ScopedForm
from jinguo.orgs.forms import UnitChoiceField
from jinguo.orgs.models import OrgUnit

from . import choices


class BaseForm(ScopedForm):
    pass


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def textarea(rows=3, **attrs):
    return forms.Textarea({"rows": rows, **attrs})


# --- agencies -------------------------------------------------------------------------------


class AgencyForm(BaseForm):
    org = UnitChoiceField(
        label=_("管理单位"),
        help_text=_("与该机构对接的妇联；其下级单位也可以向它转介。"),
    )
    name = forms.CharField(label=_("机构名称"), max_length=100)
    kind = forms.ChoiceField(label=_("机构类型"), choices=choices.AgencyKind.choices)
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    services = forms.CharField(
        label=_("服务内容"),
        required=False,
        widget=textarea(4),
        help_text=_("例如：法律咨询、代写文书、申请法律援助、代理诉讼。"),
    )

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        home = getattr(self.user, "home_path", "") or ""
        field.queryset = (
            OrgUnit.objects.restrict(self.user, "view").filter(path__subtree=home)
            if home
            else OrgUnit.objects.none()
        )
        field.user = self.user
        field.depth = 3
        if editing:
            # Moving an agency to another unit would silently change who may refer to it.
            del self.fields["org"]


class AgencyUserForm(BaseForm):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        help_text=_("登录用，字母、数字或 @ . + - _，例如 legalaid_wang。"),
    )
    real_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    password = forms.CharField(
        label=_("初始密码"),
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
        help_text=_("至少 8 位，含大写、小写、数字、符号中至少三类；首次登录须修改。"),
    )


# --- referrals ------------------------------------------------------------------------------


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


# --- mediation ------------------------------------------------------------------------------


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


# --- attachments ----------------------------------------------------------------------------


def _size_label(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


class AttachmentForm(BaseForm):
    """The service checks type, content and size; the form only says what is accepted."""

    upload = forms.FileField(
        label=_("文件"), error_messages={"required": _("请选择要上传的文件。")}
    )
    description = forms.CharField(
        label=_("说明"),
        max_length=200,
        required=False,
        help_text=_("例如：验伤报告、聊天记录截图、告诫书。请勿在说明中写当事人姓名。"),
    )

    def __init__(self, *args, allowed=(), max_bytes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed:
            self.fields["upload"].help_text = _("可上传：%(types)s；不超过 %(size)s。") % {
                "types": "、".join(allowed),
                "size": _size_label(max_bytes) if max_bytes else "—",
            }
            self.fields["upload"].widget.attrs["accept"] = ",".join(f".{e}" for e in allowed)
