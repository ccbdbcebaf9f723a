"""Forms of consents: record one, withdraw one."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import ConsentMethod, ConsentPurpose
from .common import RelatedForm, date_field


class ConsentForm(RelatedForm):
    purpose = forms.ChoiceField(label=_("同意事项"), choices=ConsentPurpose.choices)
    method = forms.ChoiceField(label=_("方式"), choices=ConsentMethod.choices)
    given_on = date_field(_("同意日期"), initial=timezone.localdate)
    scope = forms.CharField(
        label=_("范围说明"),
        max_length=200,
        required=False,
        help_text=_("例如：同意向区法律援助中心提供身份信息和联系方式，用于申请法律援助。"),
    )
    guardian_name = forms.CharField(
        label=_("监护人姓名"), max_length=50, required=False, help_text=_("未满 14 周岁必填。")
    )
    guardian_relation = forms.CharField(
        label=_("监护人关系"), max_length=20, required=False, help_text=_("例如：母亲、祖母。")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._target_fields()
        self.order_fields(["person"])


class ConsentWithdrawForm(RelatedForm):
    withdrawn_on = date_field(_("撤回日期"), initial=timezone.localdate)
    reason = forms.CharField(label=_("说明"), max_length=200, required=False)
