"""Forms for households, tags, tag types, visits, consents and contacts.

Every choice field is scoped through restrict() for the user filling the form; the services
check everything again. The person or household a record hangs off travels as a hidden field
(set from ``?person=`` / ``?household=``); an error on it is shown at the top of the form.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.forms import ScopedForm, style_fields
from jinguo.orgs.forms import UnitChoiceField
from jinguo.orgs.models import OrgUnit

from .choices import ConsentMethod, ConsentPurpose, Relationship, VisitMethod
from .models import FocusTagType
from .selectors.common import assignable_workers
from .selectors.households import visible_households
from .selectors.persons import visible_persons
from .services.contacts import MAX_VISIT_EVERY_DAYS
from .services.tags import MAX_REVIEW_DAYS

OUT_OF_SCOPE = _("该记录不存在或不在您的管辖范围内。")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def date_field(label, *, required=True, initial=None, help_text=""):
    return forms.DateField(
        label=label, required=required, initial=initial, widget=DateInput, help_text=help_text
    )


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        unit = getattr(obj.home_unit, "name", "")
        return f"{obj.real_name or obj.username}（{unit}）" if unit else str(obj)


class RelatedForm(ScopedForm):
    """Hidden target fields report their errors at the top of the form (a service's errors
    go there too: see ServiceErrorsMixin)."""

    def full_clean(self):
        super().full_clean()
        if not self._errors:
            return
        for name, field in self.fields.items():
            if field.widget.is_hidden and name in self._errors:
                for error in self._errors.pop(name):
                    self._errors.setdefault(NON_FIELD_ERRORS, self.error_class()).append(error)
                self.cleaned_data.pop(name, None)

    def _target_fields(self, *, person=True, household=False):
        if person:
            self.fields["person"] = forms.ModelChoiceField(
                queryset=visible_persons(self.user),
                required=not household,
                widget=forms.HiddenInput,
                error_messages={"invalid_choice": OUT_OF_SCOPE, "required": OUT_OF_SCOPE},
            )
        if household:
            self.fields["household"] = forms.ModelChoiceField(
                queryset=visible_households(self.user),
                required=False,
                widget=forms.HiddenInput,
                error_messages={"invalid_choice": OUT_OF_SCOPE},
            )

    def _worker_field(self, name, label, *, required=True, help_text=""):
        self.fields[name] = WorkerChoiceField(
            queryset=assignable_workers(self.user).select_related("home_unit"),
            label=label,
            required=required,
            help_text=help_text,
            empty_label=_("请选择"),
        )
        style_fields(self)

    def clean(self):
        data = super().clean()
        if (
            "person" in self.fields
            and "household" in self.fields
            and not data.get("person")
            and not data.get("household")
            and not self.has_error("person")
            and not self.has_error("household")
        ):
            raise forms.ValidationError(_("请从人员或家庭页面进入，选择走访或联系的对象。"))
        return data


# --- households -------------------------------------------------------------------------


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


# --- tags and tag types -----------------------------------------------------------------


class TagCreateForm(RelatedForm):
    tag_type = forms.ModelChoiceField(
        queryset=FocusTagType.objects.filter(is_active=True),
        label=_("关注类型"),
        empty_label=_("请选择"),
    )
    since = date_field(_("关注起始日期"), initial=timezone.localdate)
    reason = forms.CharField(label=_("关注原因"), max_length=200, required=False)
    review_days = forms.IntegerField(
        label=_("复核周期（天）"),
        min_value=1,
        max_value=MAX_REVIEW_DAYS,
        required=False,
        help_text=_("留空则按关注类型的默认周期。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._target_fields()
        self._worker_field(
            "responsible",
            _("责任人"),
            required=False,
            help_text=_("负责定期复核的干部或网格员；她将可以查看这份档案。"),
        )
        self.order_fields(["person", "tag_type", "since", "reason", "responsible"])


class TagUpdateForm(RelatedForm):
    reason = forms.CharField(label=_("关注原因"), max_length=200, required=False)
    review_days = forms.IntegerField(
        label=_("复核周期（天）"), min_value=1, max_value=MAX_REVIEW_DAYS
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._worker_field("responsible", _("责任人"), required=False)


class TagReviewForm(RelatedForm):
    reviewed_on = date_field(_("复核日期"), initial=timezone.localdate)
    note = forms.CharField(
        label=_("复核说明"),
        required=False,
        max_length=500,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("记入操作日志，例如：情况稳定，继续关注。"),
    )


class TagEndForm(RelatedForm):
    ended_on = date_field(_("解除日期"), initial=timezone.localdate)
    reason = forms.CharField(label=_("解除原因"), max_length=200)


class TagTypeCreateForm(RelatedForm):
    code = forms.CharField(
        label=_("代码"),
        max_length=40,
        help_text=_("小写英文字母、数字和下划线，创建后不能修改，例如 war_widow。"),
    )
    name = forms.CharField(label=_("名称"), max_length=40)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)
    review_days = forms.IntegerField(
        label=_("复核周期（天）"), min_value=1, max_value=MAX_REVIEW_DAYS, initial=90
    )
    sensitive = forms.BooleanField(
        label=_("敏感（带此标签的档案只对有权限或被指派的人员可见）"), required=False
    )
    sort = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767, initial=100)


class TagTypeUpdateForm(TagTypeCreateForm):
    is_active = forms.BooleanField(label=_("启用"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["code"]


# --- visits ---------------------------------------------------------------------------------


class VisitForm(RelatedForm):
    """One column, big touch targets, sensible defaults: made to be filled on a phone."""

    visited_on = date_field(_("走访日期"), initial=timezone.localdate)
    method = forms.ChoiceField(
        label=_("方式"),
        choices=VisitMethod.choices,
        initial=VisitMethod.HOME,
        widget=forms.RadioSelect,
    )
    met_whom = forms.CharField(
        label=_("见到的人"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("例如：本人、婆婆、孩子")}),
    )
    situation = forms.CharField(
        label=_("情况记录"),
        max_length=5000,
        widget=forms.Textarea({"rows": 5}),
        help_text=_("加密保存，只有能查看这份档案的人可以看到。"),
    )
    needs = forms.CharField(
        label=_("提出的需求"), max_length=5000, required=False, widget=forms.Textarea({"rows": 3})
    )
    follow_up_needed = forms.BooleanField(label=_("需要跟进"), required=False)
    follow_up_on = date_field(_("跟进日期"), required=False)

    def __init__(self, *args, with_target=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_target:
            self._target_fields(person=True, household=True)
            self._worker_field("worker", _("走访人"), required=False, help_text=_("留空则为本人。"))
            self.order_fields(["person", "household", "visited_on", "method", "worker"])
        style_fields(self)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.CheckboxInput) or widget.is_hidden:
                continue
            large = "form-select-lg" if isinstance(widget, forms.Select) else "form-control-lg"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {large}".strip()

    def clean(self):
        data = super().clean()
        if data.get("follow_up_needed") and not data.get("follow_up_on"):
            self.add_error("follow_up_on", _("需要跟进时请填写跟进日期。"))
        return data


# --- consents -------------------------------------------------------------------------------


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


# --- contacts -------------------------------------------------------------------------------


class ContactForm(RelatedForm):
    since = date_field(_("联系起始日期"), initial=timezone.localdate)
    visit_every_days = forms.IntegerField(
        label=_("走访周期（天）"), min_value=1, max_value=MAX_VISIT_EVERY_DAYS, initial=30
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._target_fields(person=True, household=True)
        self._worker_field(
            "worker",
            _("联系人"),
            help_text=_("联系人将可以查看和更新这份档案，结束联系后自动收回。"),
        )
        self.order_fields(["person", "household", "worker"])


class ContactUpdateForm(RelatedForm):
    visit_every_days = forms.IntegerField(
        label=_("走访周期（天）"), min_value=1, max_value=MAX_VISIT_EVERY_DAYS
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class ContactEndForm(RelatedForm):
    ended_on = date_field(_("结束日期"), initial=timezone.localdate)
    reason = forms.CharField(label=_("结束原因"), max_length=200, required=False)
