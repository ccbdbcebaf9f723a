"""Forms of households: create, edit, add a member."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.orgs.forms import UnitChoiceField
from jinguo.orgs.models import OrgUnit

from ..choices import Relationship
from ..selectors.persons import visible_persons
from .common import OUT_OF_SCOPE, RelatedForm, date_field


class HouseholdCreateForm(RelatedForm):
    org = UnitChoiceField(label=_("所属单位"), empty_label=_("请选择所属单位"))
    name = forms.CharField(label=_("户名"), max_length=60, help_text=_("通常为“户主姓名+家”。"))
    address = forms.CharField(
        label=_("住址"), max_length=200, required=False, help_text=_("加密保存，页面上脱敏显示。")
    )
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        home = getattr(self.user, "home_path", "") or ""
        field.queryset = (
            OrgUnit.objects.restrict(self.user, "view").filter(path__subtree=home)
            if home
            else OrgUnit.objects.none()
        )
        field.user = self.user
        field.depth = 4


class HouseholdUpdateForm(RelatedForm):
    name = forms.CharField(label=_("户名"), max_length=60)
    address = forms.CharField(
        label=_("住址"),
        max_length=200,
        required=False,
        help_text=_("为保护隐私不显示原住址；留空表示不修改，填写则替换。"),
    )
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args, household=None, **kwargs):
        super().__init__(*args, **kwargs)
        if household is not None and household.address:
            self.fields["address"].widget.attrs["placeholder"] = household.masked_address


class HouseholdMemberForm(RelatedForm):
    person = forms.ModelChoiceField(
        queryset=None,
        label=_("人员档案编号"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("填写人员档案页地址中的编号。"),
        error_messages={"invalid_choice": OUT_OF_SCOPE},
    )
    relationship = forms.ChoiceField(label=_("与户主关系"), choices=Relationship.choices)
    joined_on = date_field(_("加入日期"), initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = visible_persons(self.user)
