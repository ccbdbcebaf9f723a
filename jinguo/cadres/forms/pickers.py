"""Person and household pickers: a text box that searches the user's scope on the server as
she types (name or pinyin initials), instead of a select listing every person she may see.

The widget is the unit picker's (orgs.forms.UnitSearchInput, script orgs/unit_picker.js): the
chosen id travels in a hidden input, so the field validates it against its queryset — which
the caller scopes with restrict() — exactly as a select would.
"""

from urllib.parse import urlencode

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from jinguo.orgs.forms import UnitSearchInput

OUT_OF_SCOPE = _("该记录不存在或不在您的管辖范围内。")


def person_label(person) -> str:
    return f"{person.name}（{person.org.name}）"


def household_label(household) -> str:
    return f"{household.name}（{household.org.name}）"


class _SearchInput(UnitSearchInput):
    label_of = staticmethod(person_label)
    placeholder = _("输入姓名或拼音首字母；↓↑ 选择，回车确认")

    def __init__(self, attrs=None, *, params=None):
        super().__init__(attrs)
        self.params = dict(params or {})

    def selected_label(self, value) -> str:
        if value in (None, "") or not str(value).isdigit() or len(str(value)) > 18:
            return ""
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:
            return ""
        row = queryset.filter(pk=int(value)).select_related("org").first()
        return self.label_of(row) if row is not None else ""

    def get_context(self, name, value, attrs):
        attrs = {**(attrs or {}), "placeholder": self.placeholder}
        ctx = super().get_context(name, value, attrs)
        query = urlencode({k: v for k, v in self.params.items() if v not in (None, "")})
        ctx["widget"]["url"] = f"{self.search_url}?{query}" if query else str(self.search_url)
        return ctx


class PersonSearchInput(_SearchInput):
    search_url = reverse_lazy("cadres:person_search")


class HouseholdSearchInput(_SearchInput):
    search_url = reverse_lazy("cadres:household_search")
    label_of = staticmethod(household_label)
    placeholder = _("输入户名；↓↑ 选择，回车确认")


class PersonSearchField(forms.ModelChoiceField):
    """A person of ``queryset`` (scoped by the caller), found by typing. ``women_only`` and
    ``under`` (a unit) narrow both the search and what is accepted."""

    widget_class = PersonSearchInput

    def __init__(self, queryset, *, women_only=False, under=None, **kwargs):
        params = {}
        if women_only:
            queryset = queryset.filter(gender="F")
            params["gender"] = "F"
        if under is not None:
            queryset = queryset.filter(org_path__subtree=under.path)
            params["under"] = under.pk
        kwargs.setdefault("widget", self.widget_class(params=params))
        kwargs.setdefault("empty_label", None)
        super().__init__(queryset, **kwargs)
        self.error_messages["invalid_choice"] = OUT_OF_SCOPE

    def label_from_instance(self, obj):
        return person_label(obj)


class HouseholdSearchField(PersonSearchField):
    widget_class = HouseholdSearchInput

    def label_from_instance(self, obj):
        return household_label(obj)
