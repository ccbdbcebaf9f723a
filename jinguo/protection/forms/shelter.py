"""Forms of the shelter concern. Choice fields are scoped through restrict() for the user
filling them; the services check everything again."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.cases import choices as case_choices
from jinguo.cases.models import Agency, AgencyMember, Case
from jinguo.core.forms import ScopedForm
from jinguo.core.ids import MAX_ID
from jinguo.orgs.forms import UnitChoiceField
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import HouseholdMember, Person

from .. import choices
from ..models import Shelter
from .common import DateInput, DateTimeInput

OUT_OF_SCOPE = _("该记录不存在或不在您的管辖范围内。")
ADDRESS_HIDDEN = _("地址仅对庇护所工作人员可见")


def now_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class StaffField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        unit = getattr(obj.home_unit, "name", "")
        return (
            f"{obj.real_name or obj.username}（{unit}）" if unit else obj.real_name or obj.username
        )


def staff_candidates(user):
    """Active users of her subtree and members of the partner agencies she sees."""
    User = get_user_model()
    agencies = Agency.objects.restrict(user, "view").values("pk")
    members = AgencyMember.objects.filter(agency__in=agencies).values("user_id")
    found = User.objects.filter(is_active=True)
    if user.home_path:
        return found.filter(Q(org_path__subtree=user.home_path) | Q(pk__in=members)).select_related(
            "home_unit"
        )
    return found.filter(pk__in=members).select_related("home_unit")


class ShelterForm(ScopedForm):
    org = UnitChoiceField(label=_("所属单位"))
    name = forms.CharField(label=_("名称"), max_length=100)
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), label=_("运营机构"), required=False, empty_label=_("无")
    )
    address = forms.CharField(
        label=_("地址"),
        max_length=200,
        help_text=_("加密保存，只有本场所工作人员能看到。"),
    )
    phone = forms.CharField(label=_("值班电话"), max_length=30, required=False)
    rooms = forms.IntegerField(label=_("房间数"), min_value=0, max_value=10000, initial=0)
    beds = forms.IntegerField(label=_("床位数"), min_value=0, max_value=10000, initial=0)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    staff = StaffField(
        queryset=get_user_model().objects.none(),
        label=_("庇护所工作人员"),
        required=False,
        help_text=_("可以看到地址、管理入住的人员（本辖区干部或运营机构的成员）。"),
    )

    def __init__(self, *args, located=True, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = OrgUnit.objects.restrict(self.user, "view").filter(
            is_active=True
        )
        self.fields["org"].user = self.user
        self.fields["agency"].queryset = Agency.objects.restrict(self.user, "view").filter(
            is_active=True
        )
        self.fields["staff"].queryset = staff_candidates(self.user)
        if editing:
            del self.fields["org"]
            self.fields["address"].required = False
            if not located:
                # She may edit the shelter without ever reading where it is.
                self.fields["address"].help_text = _(
                    "%(hidden)s。留空则保持不变；填写则替换原地址。"
                ) % {"hidden": ADDRESS_HIDDEN}
                self.fields["phone"].help_text = _("留空则保持不变。")


class StayAdmitForm(ScopedForm):
    shelter = forms.ModelChoiceField(
        queryset=Shelter.objects.none(), label=_("庇护场所"), empty_label=_("请选择")
    )
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": OUT_OF_SCOPE, "required": OUT_OF_SCOPE},
    )
    case = forms.ModelChoiceField(
        queryset=Case.objects.none(), label=_("关联个案"), required=False, empty_label=_("无")
    )
    children = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        label=_("随住子女"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("从当事人家庭成员中选择；每人占一张床位。"),
    )
    admitted_at = forms.DateTimeField(label=_("入住时间"), widget=DateTimeInput, initial=now_minute)
    planned_leave_on = forms.DateField(label=_("计划离开日期"), widget=DateInput)
    reason = forms.CharField(label=_("入住原因"), widget=forms.Textarea({"rows": 3}))
    confirm_full = forms.BooleanField(
        label=_("确认超员入住"),
        required=False,
        help_text=_("床位已满时，确需临时安置的请勾选。"),
    )

    def __init__(self, *args, shelters=None, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shelter"].queryset = shelters
        self.fields["shelter"].label_from_instance = lambda s: (
            _("%(name)s（空床位 %(free)s / %(beds)s）")
            % {"name": s.name, "free": max(getattr(s, "free_beds", 0), 0), "beds": s.beds}
        )
        self.fields["person"].queryset = Person.objects.restrict(self.user, "view")
        self.fields["case"].queryset = Case.objects.restrict(self.user, "view").none()
        if person is not None:
            self.fields["case"].queryset = (
                Case.objects.restrict(self.user, "view")
                .filter(Q(complainant=person) | Q(parties__person=person))
                .distinct()
                .order_by("-received_at")
            )
            households = HouseholdMember.objects.filter(person=person).values("household_id")
            self.fields["children"].queryset = (
                Person.objects.restrict(self.user, "view")
                .filter(memberships__household_id__in=households, is_active=True)
                .exclude(pk=person.pk)
                .distinct()
            )
            self.fields["children"].label_from_instance = lambda p: (
                p.masked_name + (_("（%(age)s 岁）") % {"age": p.age()} if p.birth_date else "")
            )
        self.fields["case"].label_from_instance = lambda c: f"{c.number} {c.summary}"

    def full_clean(self):
        super().full_clean()
        if self._errors and "person" in self._errors:
            self._errors.setdefault(NON_FIELD_ERRORS, self.error_class()).extend(
                self._errors.pop("person")
            )


class StayUpdateForm(ScopedForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_ID)
    planned_leave_on = forms.DateField(label=_("计划离开日期"), widget=DateInput)
    reason = forms.CharField(label=_("入住原因"), widget=forms.Textarea({"rows": 3}))


class StayLeaveForm(ScopedForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_ID)
    left_at = forms.DateTimeField(label=_("离开时间"), widget=DateTimeInput, initial=now_minute)
    destination = forms.ChoiceField(
        label=_("去向"), choices=[("", _("请选择")), *choices.StayDestination.choices]
    )
    destination_note = forms.CharField(
        label=_("去向说明"),
        required=False,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("加密保存，例如投靠的亲友、后续安置安排。"),
    )


class StayShareForm(ScopedForm):
    grantee = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(), label=_("共享给"), empty_label=_("请选择")
    )
    reason = forms.CharField(label=_("原因"), max_length=200)
    expires_at = forms.DateTimeField(
        label=_("到期时间"), widget=DateTimeInput, required=False, help_text=_("留空则至离开时止。")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["grantee"]
        field.queryset = staff_candidates(self.user).exclude(pk=self.user.pk)
        field.label_from_instance = StaffField.label_from_instance.__get__(field)


class EmergencyTickForm(ScopedForm):
    step = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_ID)
    done_at = forms.DateTimeField(
        label=_("处置时间"), widget=DateTimeInput, initial=now_minute, required=False
    )
    note = forms.CharField(label=_("说明"), max_length=1000, required=False)


class ReportForm(ScopedForm):
    org = UnitChoiceField(label=_("受理单位"))
    reporter_kind = forms.ChoiceField(
        label=_("报告单位类型"), choices=[("", _("请选择")), *choices.ReporterKind.choices]
    )
    reporter_organisation = forms.CharField(label=_("报告单位"), max_length=100)
    reporter_name = forms.CharField(label=_("报告人"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("报告人电话"), max_length=30, required=False)
    reported_at = forms.DateTimeField(label=_("报告时间"), widget=DateTimeInput, initial=now_minute)
    victim = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        widget=forms.HiddenInput,
        required=False,
        error_messages={"invalid_choice": OUT_OF_SCOPE},
    )
    victim_description = forms.CharField(
        label=_("受害人情况"),
        required=False,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("未建档时填写，如“某小学五年级女生，约11岁”。"),
    )
    victim_is_minor = forms.BooleanField(label=_("未成年人"), required=False, initial=True)
    lacks_capacity = forms.BooleanField(label=_("无民事行为能力或限制民事行为能力"), required=False)
    suspicion = forms.CharField(label=_("疑似受暴情况"), widget=forms.Textarea({"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = OrgUnit.objects.restrict(self.user, "view").filter(
            is_active=True
        )
        self.fields["org"].user = self.user
        self.fields["victim"].queryset = Person.objects.restrict(self.user, "view")


class ReportRegisterForm(ScopedForm):
    gbv_type = forms.ChoiceField(
        label=_("暴力类型"),
        choices=case_choices.GbvType.choices,
        initial=case_choices.GbvType.PHYSICAL,
    )
    summary = forms.CharField(
        label=_("诉求摘要"),
        max_length=100,
        required=False,
        help_text=_("留空则自动生成；不写姓名、电话等身份信息。"),
    )


class ReportJoinForm(ScopedForm):
    case_number = forms.CharField(
        label=_("并入个案编号"), max_length=40, help_text=_("填写本辖区内办理中的个案编号。")
    )

    def clean_case_number(self):
        number = self.cleaned_data["case_number"].strip()
        case = (
            Case.objects.restrict(self.user, "change")
            .filter(number=number, status__in=case_choices.OPEN_STATUSES)
            .first()
        )
        if case is None:
            raise forms.ValidationError(_("没有找到您可办理的、尚未办结的这一编号的个案。"))
        self.cleaned_data["case"] = case
        return number


class ReportDismissForm(ScopedForm):
    reason = forms.CharField(label=_("不予立案理由"), widget=forms.Textarea({"rows": 3}))
