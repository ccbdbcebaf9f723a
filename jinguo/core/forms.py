from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from . import workdays
from .concurrency import StaleVersion
from .models import CalendarDayKind
from .serializers import CONTROL_CHARACTER_MESSAGE, CONTROL_CHARACTER_RE


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
        invalid = form.is_bound and form._errors is not None and name in form._errors
        if invalid and "is-invalid" not in classes.split():
            classes += " is-invalid"
        widget.attrs["class"] = classes


class ServiceErrorsMixin:
    """Puts a service's ValidationError on the form: each message by the field it names when
    the form shows that field, the rest (and unkeyed messages) on top of the form.

    Views call ``form.add_service_error(exc)`` and render the bound form again, so what was
    typed stays; a stale version shows as the conflict message on top.
    """

    # A service's name for a field → the form's name for it (None: on top of the form). A
    # field named here gets its messages even when hidden: the form shows them itself.
    service_error_fields: dict[str, str | None] = {}
    # Where a message that names no field goes (None: on top of the form).
    service_error_default: str | None = None
    # On a stale version, move the hidden ``version`` input to the record's current one, so
    # that her next submit, once she has checked, goes through. Only for pages that show the
    # record as it is now beside the form; otherwise she must reload to see what changed.
    resubmit_after_conflict = False

    def service_error_field(self, key: str) -> str | None:
        return self.service_error_fields.get(key, key)

    def _error_target(self, name: str | None, *, declared: bool) -> str | None:
        if name is None or name == NON_FIELD_ERRORS or name not in self.fields:
            return None
        if self.fields[name].widget.is_hidden and not declared:
            return None  # nobody would see it there
        return name

    def add_service_error(self, exc: ValidationError) -> None:
        stale = isinstance(exc, StaleVersion) and exc.current_version is not None
        if stale and self.resubmit_after_conflict:
            self._take_version(exc.current_version)
        if not hasattr(exc, "error_dict"):
            target = self._error_target(self.service_error_default, declared=True)
            self.add_error(target, exc.error_list)
            return
        for key, errors in exc.error_dict.items():
            target = self._error_target(
                self.service_error_field(key), declared=key in self.service_error_fields
            )
            self.add_error(target, errors)

    def _take_version(self, version: int) -> None:
        if self.is_bound and "version" in self.fields:
            data = self.data.copy()
            data[self.add_prefix("version")] = version
            self.data = data


class StyledFormMixin(ServiceErrorsMixin):
    # Every form of the UI is styled by this mixin, so every one also takes service errors.

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Django's own refusal of NUL, in the words used for every control character.
            field.error_messages["null_characters_not_allowed"] = CONTROL_CHARACTER_MESSAGE
        style_fields(self)

    def full_clean(self):
        super().full_clean()
        if hasattr(self, "cleaned_data"):
            self._refuse_control_characters()
        style_fields(self)

    def _refuse_control_characters(self) -> None:
        # The API's rule (core.serializers): invisible characters never get into a record.
        for name, value in list(self.cleaned_data.items()):
            texts = value if isinstance(value, list | tuple) else [value]
            if any(isinstance(t, str) and CONTROL_CHARACTER_RE.search(t) for t in texts):
                self.add_error(name, CONTROL_CHARACTER_MESSAGE)

    def add_service_error(self, exc: ValidationError) -> None:
        super().add_service_error(exc)
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
                self.add_service_error(exc)
        return data


class ConfirmDeleteForm(ScopedForm):
    pass
