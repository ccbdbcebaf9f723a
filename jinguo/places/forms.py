"""Forms of service places. Choice fields are scoped through restrict() for the user filling
them; the services check everything again."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.forms import ScopedForm
from jinguo.orgs.forms import UnitChoiceField
from jinguo.orgs.models import OrgUnit

from . import choices
from .models import PlaceKind
from .services import shelters_for

ADDRESS_HIDDEN = _("保密场所：地址仅对本场所工作人员可见")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class StaffField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        unit = getattr(obj.home_unit, "name", "")
        name = obj.real_name or obj.username
        return f"{name}（{unit}）" if unit else name


def staff_candidates(user):
    found = get_user_model().objects.filter(is_active=True).select_related("home_unit")
    if not user.home_path:
        return found.none()
    return found.filter(org_path__subtree=user.home_path).order_by("org_path", "username")


class PlaceForm(ScopedForm):
    org = UnitChoiceField(label=_("所属单位"))
    kind = forms.ModelChoiceField(
        queryset=PlaceKind.objects.none(), label=_("类型"), empty_label=_("请选择")
    )
    name = forms.CharField(label=_("名称"), max_length=100)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    opening_hours = forms.CharField(
        label=_("开放时间"),
        max_length=100,
        required=False,
        help_text=_("例如：周一至周五 9:00-17:00"),
    )
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    latitude = forms.DecimalField(
        label=_("纬度"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
    )
    longitude = forms.DecimalField(
        label=_("经度"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
    )
    staff = StaffField(
        queryset=get_user_model().objects.none(),
        label=_("工作人员（系统用户）"),
        required=False,
        help_text=_("保密场所的地址只有这些人能看到。"),
    )
    volunteers = forms.CharField(
        label=_("志愿者"),
        required=False,
        max_length=1000,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("不是系统用户的值守人员、志愿者，每行一人。"),
    )
    is_public = forms.BooleanField(
        label=_("对外公开"),
        required=False,
        help_text=_("公开的阵地出现在公众网站的“附近求助点”中；保密场所不能公开。"),
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    shelter = forms.ModelChoiceField(
        queryset=None,
        label=_("对应庇护场所"),
        required=False,
        empty_label=_("无"),
        help_text=_(
            "保密场所可关联“反家暴与预警”中的庇护场所：能看到该庇护场所地址的人也能看到本场所地址。"
        ),
    )

    def __init__(self, *args, editing=False, located=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = OrgUnit.objects.restrict(self.user, "view").filter(
            is_active=True
        )
        self.fields["org"].user = self.user
        self.fields["kind"].queryset = PlaceKind.objects.filter(is_active=True)
        self.fields["staff"].queryset = staff_candidates(self.user)
        self.fields["shelter"].queryset = shelters_for(self.user)
        if editing:
            del self.fields["org"]
            del self.fields["kind"]
            if not located:
                self.fields["address"].help_text = _(
                    "%(hidden)s。留空则保持不变；填写则替换原地址。"
                ) % {"hidden": ADDRESS_HIDDEN}


class PlaceCheckForm(ScopedForm):
    checked_on = forms.DateField(label=_("核查日期"), widget=DateInput, initial=timezone.localdate)

    def __init__(self, *args, items=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        self.items = list(items)
        for item in self.items:
            state = current.get(item.pk)
            self.fields[f"item_{item.pk}"] = forms.BooleanField(
                label=item.label, required=False, initial=bool(state and state.met)
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("说明"),
                required=False,
                max_length=200,
                initial=state.note if state else "",
            )
        from jinguo.core.forms import style_fields

        style_fields(self)

    def results(self) -> dict:
        return {i.pk: bool(self.cleaned_data.get(f"item_{i.pk}")) for i in self.items}

    def notes(self) -> dict:
        return {i.pk: self.cleaned_data.get(f"note_{i.pk}") or "" for i in self.items}

    def item_rows(self):
        return [(i, self[f"item_{i.pk}"], self[f"note_{i.pk}"]) for i in self.items]


class ActivityForm(ScopedForm):
    kind = forms.ChoiceField(
        label=_("活动类型"), choices=[("", _("请选择")), *choices.ActivityKind.choices]
    )
    held_on = forms.DateField(label=_("日期"), widget=DateInput, initial=timezone.localdate)
    title = forms.CharField(label=_("主题"), max_length=100)
    attendance = forms.IntegerField(label=_("参加人数"), min_value=0, max_value=100000, initial=0)
    note = forms.CharField(
        label=_("说明"), required=False, max_length=2000, widget=forms.Textarea({"rows": 3})
    )


class KindForm(ScopedForm):
    name = forms.CharField(label=_("名称"), max_length=50)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)
    confidential = forms.BooleanField(
        label=_("保密场所"),
        required=False,
        help_text=_("保密场所从不对外公开，地址只有本场所工作人员能看到。"),
    )
    is_active = forms.BooleanField(label=_("启用"), required=False)
    items = forms.CharField(
        label=_("建设标准"),
        widget=forms.Textarea({"rows": 6}),
        error_messages={"required": _("请至少填写一个标准项（每行一项）。")},
        help_text=_("每行一项。某阵地的每一项都核查为“达到”才算达标；修改后所有该类阵地重新评定。"),
    )

    def clean_items(self):
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]


class CoverageForm(ScopedForm):
    unit = UnitChoiceField(label=_("单位"), required=False, empty_label=_("本单位"))
    level = forms.ChoiceField(
        label=_("统计层级"), choices=choices.CoverageLevel.choices, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.restrict(self.user, "view").filter(
            is_active=True
        )
        self.fields["unit"].user = self.user


class PlaceImportForm(ScopedForm):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))


class PhotoForm(ScopedForm):
    upload = forms.FileField(label=_("照片（JPG 或 PNG，不超过 5 MB）"))
    caption = forms.CharField(label=_("说明"), max_length=100, required=False)
