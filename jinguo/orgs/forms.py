from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from jinguo.core.forms import ScopedForm, ScopedModelForm

from . import rules, selectors
from .choices import TERRITORIAL_PARENT, UnitKind
from .importing.readers import ALLOWED_SUFFIXES, MAX_UPLOAD_BYTES
from .models import OrgUnit


class UnitChoiceIterator(ModelChoiceIterator):
    """Lists the upper levels of the user's subtree, indented, plus the selected units."""

    selected: tuple = ()

    def __iter__(self):
        field = self.field
        if field.empty_label is not None:
            yield ("", field.empty_label)
        units = selectors.choice_units(
            field.queryset, user=field.user, depth=field.depth, include=self.selected
        )
        top = min((u.level for u in units), default=0)
        for unit in units:
            label = "\u3000" * (unit.level - top) + field.label_from_instance(unit)
            yield (ModelChoiceIteratorValue(field.prepare_value(unit), unit), label)


class UnitSelect(forms.Select):
    def optgroups(self, name, value, attrs=None):
        if isinstance(self.choices, UnitChoiceIterator):
            selected = []
            for v in value:
                try:
                    selected.append(int(v))
                except (TypeError, ValueError):
                    continue
            self.choices.selected = tuple(selected)
        return super().optgroups(name, value, attrs)


class UnitChoiceField(forms.ModelChoiceField):
    """A unit chosen from a scoped queryset (validation covers all of it; see choice_units)."""

    iterator = UnitChoiceIterator
    widget = UnitSelect

    def __init__(self, queryset=None, *, user=None, depth=2, **kwargs):
        self.user = user
        self.depth = depth
        if queryset is None:
            queryset = OrgUnit.objects.none()
        super().__init__(queryset, **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.code}）"


class UnitSearchInput(forms.Widget):
    """A text box that searches units on the server as one types (name or pinyin initials).

    The chosen unit's id travels in a hidden input under the field's name; ↓/↑ move through
    the results, Enter picks one (the first when none is highlighted) and moves on. The script
    is orgs/unit_picker.js, which a page using the widget includes.
    """

    template_name = "orgs/widgets/unit_search.html"
    search_url = reverse_lazy("orgs:unit_search")

    def __init__(self, attrs=None, *, kinds=()):
        super().__init__(attrs)
        self.kinds = tuple(kinds)
        self.choices = ()

    def selected_label(self, value) -> str:
        if value in (None, "") or not str(value).isdigit():
            return ""
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:
            return ""
        unit = queryset.filter(pk=int(value)).select_related("parent").first()
        return unit_label(unit) if unit is not None else ""

    def get_context(self, name, value, attrs):
        ctx = super().get_context(name, value, attrs)
        query = "&".join(f"kind={k}" for k in self.kinds)
        ctx["widget"].update(
            url=f"{self.search_url}?{query}" if query else str(self.search_url),
            label=self.selected_label(value),
        )
        return ctx

    def format_value(self, value):
        return "" if value in (None, "") else str(value)


def unit_label(unit: OrgUnit) -> str:
    """A unit as the picker lists it: its name and its parent's, since village names repeat."""
    if unit.parent_id:
        return f"{unit.name}（{unit.parent.name}）"
    return unit.name


class UnitSearchField(forms.ModelChoiceField):
    """A unit typed and searched rather than scrolled for; the queryset still decides what is
    valid, so the caller scopes it with restrict() as for UnitChoiceField."""

    def __init__(self, queryset=None, *, kinds=(), **kwargs):
        kwargs.setdefault("widget", UnitSearchInput(kinds=kinds))
        kwargs.setdefault("empty_label", None)
        if queryset is None:
            queryset = OrgUnit.objects.none()
        super().__init__(queryset, **kwargs)
        self.error_messages["invalid_choice"] = _("所选单位不存在或不在您的管辖范围内。")

    def label_from_instance(self, obj):
        return unit_label(obj)


CODE_HELP = _(
    "区划单位填写统计用区划代码：省 2 位、市 4 位、县（区）6 位、乡镇（街道）9 位、村（社区）12 位，"
    "并以上级单位的代码开头；其他单位可用数字和英文字母。创建后不能修改。"
)
PARENT_HELP = _(
    "下拉列表只列出较高层级的单位；要在更下层的单位下新增，请在该单位的详情页点击“新增下级单位”。"
)


class OrgUnitCreateForm(ScopedModelForm):
    class Meta:
        model = OrgUnit
        fields = ["parent", "kind", "code", "name", "short_name", "phone", "address"]
        field_classes = {"parent": UnitChoiceField}
        help_texts = {"code": CODE_HELP, "parent": PARENT_HELP}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        parent = self.fields["parent"]
        parent.queryset = OrgUnit.objects.restrict(user, "add")
        parent.user = user
        parent.required = True
        parent.empty_label = _("请选择上级单位")
        self.fields["kind"].choices = [("", _("请选择类型")), *UnitKind.choices]
        self.fields["code"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean(self):
        # Early feedback on the code's form; the service checks everything again.
        data = super().clean()
        code, kind = (data.get("code") or "").strip(), data.get("kind")
        if code and "code" not in self.errors:
            message = rules.code_error(code, kind) if kind else rules.code_error(code, "")
            if message:
                self.add_error("code", message)
        return data

    def validate_unique(self):
        # The service checks the code with a clearer message (and under a lock).
        pass


def suggested_child_kind(parent: OrgUnit) -> str:
    for child, expected in TERRITORIAL_PARENT.items():
        if expected == parent.kind:
            return child
    if parent.kind == UnitKind.COMMUNITY:
        return UnitKind.GRID
    return ""


class OrgUnitUpdateForm(ScopedModelForm):
    class Meta:
        model = OrgUnit
        fields = ["name", "short_name", "phone", "address", "is_active"]
        help_texts = {
            "is_active": _("停用前须先停用全部下级单位和本单位的用户账号。"),
        }

    def validate_unique(self):
        pass


class OrgUnitMoveForm(ScopedForm):
    new_parent = UnitChoiceField(
        label=_("新的上级单位"),
        empty_label=_("请选择新的上级单位"),
        help_text=_("本单位及全部下级单位、用户和业务记录都会随之调整到新的上级单位之下。"),
    )
    reason = forms.CharField(
        label=_("调整原因"),
        required=False,
        max_length=200,
        help_text=_("例如：行政区划调整文件文号。会记入审计日志。"),
    )

    def __init__(self, *args, unit: OrgUnit, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["new_parent"]
        field.queryset = (
            OrgUnit.objects.restrict(self.user, "move")
            .exclude(path__subtree=unit.path)
            .exclude(pk=unit.parent_id or 0)
        )
        field.user = self.user


class OrgUnitImportForm(ScopedForm):
    file = forms.FileField(
        label=_("区划代码文件"),
        help_text=_("CSV 或 xlsx 文件，三列：代码、名称、上级代码；不超过 20 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_SUFFIXES)}),
    )
    under = forms.CharField(
        label=_("只导入此代码及其下级"),
        required=False,
        max_length=32,
        help_text=_("可选。例如 3205：只导入苏州市及其下级（和文件中的上级单位）。"),
    )
    version = forms.CharField(
        label=_("区划版本"),
        required=False,
        max_length=20,
        help_text=_("可选。例如 2023，记录在新增和改名的单位上。"),
    )
    dry_run = forms.BooleanField(label=_("仅校验，不导入"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(_("只支持 CSV 或 xlsx 文件（.xls 请另存为 .xlsx）。"))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("文件不能超过 %(n)d MB。") % {"n": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload

    def clean_under(self):
        value = self.cleaned_data["under"].strip()
        if value and not value.isdigit():
            raise forms.ValidationError(_("代码只能包含数字。"))
        return value
