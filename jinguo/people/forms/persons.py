"""Forms for persons: the sectioned create/edit form, reveal, deactivate and merge.

The forms only parse what was typed; every rule (ID check digit, cross-checks, duplicates,
scope) lives in the services, whose errors are put back on the fields.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jinguo.core.forms import ScopedForm, ServiceErrorsMixin
from jinguo.orgs.forms import UnitChoiceField

from .. import choices
from ..services.persons import EDITABLE_FIELDS, REVEALABLE_FIELDS, placeable_units

SECTIONS = [
    (
        _("身份信息"),
        ["name", "gender", "birth_date", "id_type", "id_number", "ethnicity", "nationality"],
    ),
    (_("联系方式"), ["phone", "phone2", "address"]),
    (_("户籍与居住"), ["org", "registration", "origin_place", "living_situation"]),
    (_("家庭与就业"), ["marital_status", "education", "employment"]),
    (_("健康与备注"), ["disability", "health_notes", "notes"]),
]
PROTECTED_LABELS = {
    "id_number": _("证件号码"),
    "phone": _("手机号"),
    "phone2": _("其他电话"),
    "address": _("现住址"),
    "health_notes": _("健康状况"),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class PersonForm(ScopedForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    gender = forms.ChoiceField(
        label=_("性别"),
        required=False,
        choices=[("", _("按证件号码识别")), *choices.Gender.choices],
    )
    birth_date = forms.DateField(
        label=_("出生日期"),
        required=False,
        widget=DateInput,
        help_text=_("填写居民身份证号码时可不填，系统自动识别并核对。"),
    )
    id_type = forms.ChoiceField(
        label=_("证件类型"), choices=choices.IdType.choices, initial=choices.IdType.RESIDENT
    )
    id_number = forms.CharField(
        label=_("证件号码"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("外籍人员和无证件人员也可建档：选择相应证件类型，号码可不填。"),
    )
    ethnicity = forms.CharField(label=_("民族"), required=False, max_length=20, initial="汉族")
    nationality = forms.CharField(label=_("国籍"), required=False, max_length=40, initial="中国")
    phone = forms.CharField(
        label=_("手机号"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    phone2 = forms.CharField(
        label=_("其他电话"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("座机请带区号。"),
    )
    address = forms.CharField(
        label=_("现住址"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    org = UnitChoiceField(label=_("所属社区/网格"), empty_label=_("请选择社区或网格"), depth=4)
    registration = forms.ChoiceField(
        label=_("户籍类型"),
        choices=choices.Registration.choices,
        initial=choices.Registration.LOCAL,
    )
    origin_place = forms.CharField(label=_("户籍地/来源地"), required=False, max_length=100)
    living_situation = forms.ChoiceField(
        label=_("居住状况"),
        choices=choices.LivingSituation.choices,
        initial=choices.LivingSituation.WITH_FAMILY,
    )
    marital_status = forms.ChoiceField(
        label=_("婚姻状况"),
        choices=choices.MaritalStatus.choices,
        initial=choices.MaritalStatus.UNKNOWN,
    )
    education = forms.ChoiceField(
        label=_("文化程度"), choices=choices.Education.choices, initial=choices.Education.UNKNOWN
    )
    employment = forms.ChoiceField(
        label=_("就业状况"),
        choices=choices.Employment.choices,
        initial=choices.Employment.UNKNOWN,
    )
    disability = forms.ChoiceField(
        label=_("残疾情况"), choices=choices.Disability.choices, initial=choices.Disability.NONE
    )
    health_notes = forms.CharField(
        label=_("健康状况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("加密保存；只填写工作需要的信息。"),
    )
    notes = forms.CharField(
        label=_("备注"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("可被全文检索；请勿在备注中填写证件号码、电话等个人信息。"),
    )

    # Shown only with the warning that the ID's area code is unknown (see the template).
    confirm_unknown_area = forms.BooleanField(label=_("仍然保存"), required=False)

    sections = SECTIONS

    def __init__(self, *args, person=None, **kwargs):
        self.person = person
        super().__init__(*args, **kwargs)
        org = self.fields["org"]
        org.queryset = placeable_units(self.user)
        org.user = self.user

    def section_fields(self):
        """[(title, [bound fields])] for the template."""
        return [(title, [self[n] for n in names if n in self.fields]) for title, names in SECTIONS]

    def values(self) -> dict:
        """Cleaned editable values for the service (protected fields left blank are omitted)."""
        return {n: self.cleaned_data[n] for n in EDITABLE_FIELDS if n in self.cleaned_data}

    def add_service_error(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            # An unknown area code is a question beside the form, not a field in error.
            kept = {
                field: [e for e in errors if e.code != "unknown_area"]
                for field, errors in exc.error_dict.items()
            }
            kept = {field: errors for field, errors in kept.items() if errors}
            if not kept:
                return
            exc = ValidationError(kept)
        super().add_service_error(exc)


class PersonCreateForm(PersonForm):
    confirm_duplicates = forms.BooleanField(
        label=_("我已核对上面的疑似重复档案，确认是另一个人，继续建档"), required=False
    )


class PersonUpdateForm(PersonForm):
    """Editing never prints a protected value: those inputs start blank and keep the stored
    value unless something is typed (or the "clear" box is ticked)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    clear = forms.MultipleChoiceField(
        label=_("清空以下信息"),
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, person=person, **kwargs)
        present = []
        for name in REVEALABLE_FIELDS:
            field = self.fields[name]
            stored = getattr(person, name)
            if stored:
                present.append((name, PROTECTED_LABELS[name]))
                masked = _masked(person, name)
                field.widget.attrs["placeholder"] = masked
                field.help_text = _("已保存：%(masked)s。留空表示不修改。") % {"masked": masked}
        self.fields["clear"].choices = present
        if not present:
            del self.fields["clear"]

    def values(self) -> dict:
        values = super().values()
        to_clear = set(self.cleaned_data.get("clear") or ())
        for name in REVEALABLE_FIELDS:
            if name in to_clear:
                values[name] = ""
            elif not values.get(name):
                values.pop(name, None)
        return values


def _masked(person, name: str) -> str:
    if name == "health_notes":
        return "****"
    return getattr(person, f"masked_{name}")


def person_initial(person) -> dict:
    initial = {n: getattr(person, n) for n in EDITABLE_FIELDS if n not in REVEALABLE_FIELDS}
    initial.update(org=person.org_id, version=person.version)
    return initial


class RevealForm(ServiceErrorsMixin, forms.Form):
    service_error_default = "reason"  # the only input of the small inline form
    reason = forms.CharField(
        label=_("查看理由"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )


class DeactivateForm(ScopedForm):
    reason = forms.CharField(
        label=_("停用原因"),
        max_length=200,
        help_text=_("例如：已迁出本辖区、已去世、误建档案。会记入审计日志。"),
    )


class MergeForm(ScopedForm):
    KEEP_THIS, KEEP_OTHER = "this", "other"

    other = forms.IntegerField(
        label=_("另一份档案的编号"),
        min_value=1,
        help_text=_("档案编号见档案页标题（档案 #编号）或疑似重复列表。"),
    )
    keep = forms.ChoiceField(
        label=_("保留哪一份"),
        choices=[(KEEP_THIS, _("保留本档案，合并进来另一份")), (KEEP_OTHER, _("保留另一份"))],
        initial=KEEP_THIS,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("合并原因"), max_length=200, required=False)
    confirm = forms.BooleanField(label=_("我已核对两份档案是同一个人"), required=False)
