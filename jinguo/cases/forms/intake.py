"""Intake forms: the 12338 hotline page, the general intake page and the grid report.

The forms only parse what was typed; the rules (sensitivity, repeat appeals, who may file
where) live in services.intake.case_create, whose errors are put back on the fields here.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jinguo.core.forms import ScopedForm, StyledFormMixin
from jinguo.core.pinyin import name_initials, name_pinyin
from jinguo.orgs.forms import UnitChoiceField, UnitSearchField
from jinguo.orgs.models import OrgUnit
from jinguo.people.choices import Gender
from jinguo.people.models import Person
from jinguo.people.services.persons import PERSON_UNIT_KINDS, placeable_units

from .. import choices
from ..models import Category

HOTLINE_CHANNELS = [
    (choices.Channel.HOTLINE_12338, choices.Channel.HOTLINE_12338.label),
    (choices.Channel.HOTLINE_OTHER, choices.Channel.HOTLINE_OTHER.label),
]
# Channels an operator registers by hand (the portal and API enter by themselves).
DESK_CHANNELS = [c for c in choices.Channel.choices if c[0] != choices.Channel.PORTAL]
URGENCY_KEYS = {
    choices.Urgency.NORMAL: "n",
    choices.Urgency.PRIORITY: "p",
    choices.Urgency.URGENT: "u",
}
# Which field of the form shows a service error about a case_create argument.
SERVICE_FIELDS = {
    "category": "category_node",
    "subcategory": "category_node",
    "complainant": "complainant",
    "complainant_name": "nc_name",
    "complainant_gender": "nc_gender",
    "complainant_phone": "nc_phone",
    "complainant_org": "nc_org",
    "caller_phone": "caller_phone",
    "parties": None,
    "org": "org",
}


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class CategorySelect(forms.Select):
    """Options carry what the picker script needs: violence flag and pinyin for typing."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            text = str(label).strip()
            option["attrs"].update(
                {
                    "data-violence": "1" if instance.is_violence else "0",
                    "data-search": " ".join(
                        [text, name_pinyin(text), name_initials(text), instance.code]
                    ),
                }
            )
        return option


class CategoryField(forms.ModelChoiceField):
    widget = CategorySelect

    def __init__(self, **kwargs):
        queryset = (
            Category.objects.filter(is_active=True)
            .filter(Q(parent__isnull=True) | Q(parent__is_active=True))
            .select_related("parent")
            .order_by("sort", "id")
        )
        super().__init__(queryset, **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.parent.name} › {obj.name}" if obj.parent_id else obj.name

    @staticmethod
    def tree_order(categories):
        """Parents followed by their children, as the picker lists them."""
        parents = [c for c in categories if not c.parent_id]
        children = {}
        for c in categories:
            if c.parent_id:
                children.setdefault(c.parent_id, []).append(c)
        ordered = []
        for p in parents:
            ordered.append(p)
            ordered.extend(children.get(p.pk, []))
        return ordered


class CategoryIterator(forms.models.ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in CategoryField.tree_order(list(self.queryset)):
            yield self.choice(obj)


CategoryField.iterator = CategoryIterator


def split_category(node: Category) -> tuple[Category, Category | None]:
    if node.parent_id:
        return node.parent, node
    return node, None


class BaseIntakeForm(ScopedForm):
    """What every intake page asks; subclasses drop or preset fields."""

    caller_phone = forms.CharField(
        label=_("来电号码"),
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    channel = forms.ChoiceField(label=_("来源渠道"), choices=DESK_CHANNELS)
    received_at = forms.DateTimeField(
        label=_("收到时间"),
        widget=DateTimeLocalInput,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    category_node = CategoryField(
        label=_("诉求类别"),
        empty_label=_("请选择类别"),
        error_messages={"required": _("请选择诉求类别。")},
    )
    gbv_type = forms.ChoiceField(
        label=_("暴力类型"),
        required=False,
        choices=[("", _("请选择（涉及暴力时必填）")), *choices.GbvType.choices],
        help_text=_("按 GBVIMS 六类核心类型；家庭暴力、亲密关系是情境，不是类型。"),
    )
    urgency = forms.ChoiceField(
        label=_("紧急程度"),
        choices=choices.Urgency.choices,
        initial=choices.Urgency.NORMAL,
        widget=forms.RadioSelect,
    )
    summary = forms.CharField(
        label=_("诉求摘要"),
        max_length=100,
        error_messages={"required": _("请用一句话概括诉求。")},
        help_text=_("一句话概括，不写姓名、电话等身份信息；用于列表和检索。"),
    )
    narrative = forms.CharField(
        label=_("诉求内容"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("加密保存。记录来电人讲述的经过、诉求和已采取的措施。"),
    )
    involves_minor = forms.BooleanField(label=_("涉及未成年人"), required=False)
    anonymous = forms.BooleanField(label=_("匿名（不登记诉求人身份）"), required=False)
    complainant = forms.IntegerField(required=False, widget=forms.HiddenInput)
    nc_name = forms.CharField(label=_("诉求人姓名"), required=False, max_length=50)
    nc_gender = forms.ChoiceField(
        label=_("性别"), required=False, choices=Gender.choices, initial=Gender.FEMALE
    )
    nc_phone = forms.CharField(
        label=_("联系电话"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("不填时使用来电号码。"),
    )
    # Required whenever a new named caller is entered (see clean); the label says so.
    nc_org = UnitSearchField(
        label=_("诉求人所在社区（村）/网格"),
        required=False,
        kinds=PERSON_UNIT_KINDS,
        help_text=_("新建档案时必填：档案归属到社区（村）妇联或网格。输入名称或拼音首字母查找。"),
    )
    org = UnitChoiceField(
        label=_("承办单位"),
        required=False,
        empty_label=_("本单位"),
        help_text=_("默认由本单位登记承办；可直接登记给下级单位。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "received_at" in self.fields and not self.is_bound:
            self.initial.setdefault(
                "received_at", timezone.localtime().replace(second=0, microsecond=0)
            )
        if "org" in self.fields:
            self.fields["org"].queryset = (
                OrgUnit.objects.restrict(self.user, "view") if self.user else OrgUnit.objects.none()
            )
            self.fields["org"].user = self.user
        home = getattr(self.user, "home_unit", None)
        if home is not None and home.kind in PERSON_UNIT_KINDS:
            del self.fields["nc_org"]  # her own community or grid files the new person
        else:
            self.fields["nc_org"].queryset = placeable_units(self.user)
            self.fields["nc_org"].user = self.user

    def clean_complainant(self):
        pk = self.cleaned_data.get("complainant")
        if not pk:
            return None
        person = Person.objects.restrict(self.user, "view").filter(pk=pk).first()
        if person is None:
            raise ValidationError(_("所选人员档案不存在或不在您的管辖范围内。"))
        return person

    def clean(self):
        data = super().clean()
        node = data.get("category_node")
        if node is not None and node.is_violence and not data.get("gbv_type"):
            self.add_error("gbv_type", _("涉及暴力的诉求须选择暴力类型。"))
        if data.get("anonymous"):
            data["complainant"] = None
        if self.needs_unit() and data.get("nc_org") is None and "nc_org" not in self.errors:
            handling = data.get("org")
            if handling is not None and handling.kind in PERSON_UNIT_KINDS:
                data["nc_org"] = handling  # registered straight to her community: file her there
            else:
                self.add_error("nc_org", _("新建诉求人档案须选择她所在的社区（村）或网格。"))
        return data

    def needs_unit(self) -> bool:
        """A new named caller is entered and this form, not the user's unit, files her."""
        if "nc_org" not in self.fields or not self.is_bound:
            return False
        data = self.data
        return bool(
            (data.get("nc_name") or "").strip()
            and not data.get("anonymous")
            and not data.get("complainant")
        )

    def new_complainant(self) -> dict | None:
        data = self.cleaned_data
        if data.get("anonymous") or data.get("complainant") or not data.get("nc_name"):
            return None
        values = {
            "name": data["nc_name"].strip(),
            "gender": data.get("nc_gender") or "",
            "phone": (data.get("nc_phone") or data.get("caller_phone") or "").strip(),
        }
        if data.get("nc_org") is not None:
            values["org"] = data["nc_org"]
        return values

    def service_kwargs(self, parties=()) -> dict:
        data = self.cleaned_data
        category, subcategory = split_category(data["category_node"])
        kwargs = {
            "channel": data.get("channel") or self.preset_channel,
            "summary": data["summary"].strip(),
            "category": category,
            "subcategory": subcategory,
            "narrative": data.get("narrative", ""),
            "gbv_type": data.get("gbv_type") or "",
            "urgency": data.get("urgency") or choices.Urgency.NORMAL,
            "received_at": data.get("received_at") or timezone.now(),
            "complainant": data.get("complainant"),
            "new_complainant": self.new_complainant(),
            "anonymous": bool(data.get("anonymous")),
            "caller_phone": (data.get("caller_phone") or "").strip(),
            "parties": list(parties),
            "involves_minor": bool(data.get("involves_minor")),
        }
        if data.get("org") is not None:
            kwargs["org"] = data["org"]
        return kwargs

    preset_channel = ""

    service_error_fields = SERVICE_FIELDS

    def service_error_field(self, key: str) -> str | None:
        name = super().service_error_field(key)
        if name not in self.fields and key.startswith("complainant_"):
            return "nc_name"  # about the new complainant: by her name
        return name


class HotlineIntakeForm(BaseIntakeForm):
    channel = forms.ChoiceField(
        label=_("来源渠道"), choices=HOTLINE_CHANNELS, initial=choices.Channel.HOTLINE_12338
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["org"]
        phone = self.fields["caller_phone"]
        phone.widget.attrs.update({"autofocus": True, "placeholder": _("输入来电号码即查历史")})


class IntakeForm(BaseIntakeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caller_phone"].label = _("诉求人电话")
        self.fields["channel"].initial = choices.Channel.WALK_IN
        self.fields["summary"].widget.attrs["autofocus"] = True


class GridReportForm(BaseIntakeForm):
    """A grid worker's report at the door: few fields, one column, her own unit."""

    preset_channel = choices.Channel.GRID
    KEEP = (
        "category_node",
        "gbv_type",
        "urgency",
        "summary",
        "narrative",
        "involves_minor",
        "anonymous",
        "nc_name",
        "nc_phone",
        "nc_org",
        "complainant",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in self.KEEP:
                del self.fields[name]
        self.fields["nc_name"].label = _("反映人姓名")
        self.fields["nc_phone"].label = _("反映人电话")
        self.fields["nc_phone"].help_text = ""
        self.fields["narrative"].label = _("情况说明")
        self.fields["narrative"].widget.attrs["rows"] = 4
        self.fields["narrative"].help_text = _("加密保存。写清发生了什么、现在需要什么帮助。")

    def new_complainant(self):
        found = super().new_complainant()
        if found is not None:
            found.setdefault("gender", Gender.FEMALE)
            found["gender"] = found["gender"] or Gender.FEMALE
        return found


class PartyRowForm(StyledFormMixin, forms.Form):
    """One person the case concerns; a person on file (by record number) or a description."""

    role = forms.ChoiceField(
        label=_("身份"), required=False, choices=[("", "—"), *choices.PartyRole.choices]
    )
    description = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("如：丈夫，约40岁，酗酒")}),
    )
    person = forms.IntegerField(
        label=_("档案号"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"placeholder": _("已建档时填写")}),
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if not role and (data.get("description") or data.get("person")):
            self.add_error("role", _("请选择此人的身份。"))
        if role and not data.get("description") and not data.get("person"):
            self.add_error("description", _("请填写说明或档案号。"))
        pk = data.get("person")
        if pk and self.user is not None:
            person = Person.objects.restrict(self.user, "view").filter(pk=pk).first()
            if person is None:
                self.add_error(
                    "person", _("档案 #%(pk)d 不存在或不在您的管辖范围内。") % {"pk": pk}
                )
            data["person"] = person
        return data

    def party(self) -> dict | None:
        data = getattr(self, "cleaned_data", None) or {}
        if not data.get("role"):
            return None
        return {
            "person": data.get("person"),
            "role": data["role"],
            "description": (data.get("description") or "").strip(),
        }


PartyFormSet = formset_factory(PartyRowForm, extra=2, max_num=20, validate_max=True)


def party_formset(data=None, *, user):
    return PartyFormSet(data, prefix="party", form_kwargs={"user": user})


def formset_parties(formset) -> list[dict]:
    return [p for p in (f.party() for f in formset.forms) if p]
