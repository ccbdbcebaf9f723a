from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import workdays
from .models import CalendarDayKind


def style_fields(form: forms.BaseForm) -> None:
    """Give every widget the Tabler/Bootstrap class it needs; mark invalid fields."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        classes = widget.attrs.get("class", "")
        if css not in classes:
            classes = f"{classes} {css}".strip()
        # Only mark fields already validated: reading form.errors here would validate the form
        # before a subclass has narrowed its choice fields.
        if form.is_bound and form._errors is not None and name in form._errors:
            classes += " is-invalid"
        widget.attrs["class"] = classes


class StyledFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def full_clean(self):
        super().full_clean()
        style_fields(self)


class ScopedForm(StyledFormMixin, forms.Form):
    """A form that knows who is filling it, so choice fields can be scoped by restrict()."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class ScopedModelForm(StyledFormMixin, forms.ModelForm):
    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


# --- the holiday calendar's pages (the checks themselves live in workdays.validate_day) ---


class CalendarDayForm(ScopedForm):
    date = forms.DateField(
        label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=CalendarDayKind.choices,
        help_text=_("调休上班日须为星期六或星期日。"),
    )
    name = forms.CharField(
        label=_("节日名称"), max_length=60, required=False, help_text=_("例如：春节、国庆节")
    )

    def __init__(self, *args, instance=None, **kwargs):
        self.instance = instance
        if instance is not None:
            current = {"date": instance.date, "kind": instance.kind, "name": instance.name}
            kwargs["initial"] = {**current, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("kind"):
            try:
                workdays.validate_day(date=data["date"], kind=data["kind"], instance=self.instance)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        self.add_error(field, error)
        return data


class ConfirmDeleteForm(ScopedForm):
    pass
