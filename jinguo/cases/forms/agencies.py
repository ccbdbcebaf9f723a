"""Forms of partner agencies and of their members' accounts."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jinguo.orgs.forms import UnitChoiceField
from jinguo.orgs.models import OrgUnit

from .. import choices
from .common import BaseForm, textarea


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
