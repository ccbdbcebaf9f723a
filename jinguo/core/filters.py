import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from .forms import style_fields
from .ids import MAX_ID, valid_id

ID_OUT_OF_RANGE = _("编号须是 1 到 %(max)d 之间的整数。")


class BoundedIntegerFilter(django_filters.NumberFilter):
    """A whole number between bounds: anything else is a form error (400 on the API), never a
    number the database cannot hold (a year out of range, a bigint overflow: 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, min_value: int, max_value: int, **kwargs):
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)
        # The published schema states the same bounds (drf-spectacular reads this override).
        self._spectacular_annotation = {
            "field": {"type": "integer", "minimum": min_value, "maximum": max_value}
        }


class IdFilter(BoundedIntegerFilter):
    """A record's id given as a number (?person=): a positive bigint."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("error_messages", {"invalid": ID_OUT_OF_RANGE % {"max": MAX_ID}})
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


# What a yes/no filter accepts: the API's true/false, the UI's select and checkbox values.
BOOLEAN_VALUES = {"", "unknown", "true", "false", "True", "False", "1", "0", "on"}


def _strict_boolean(field):
    """A yes/no filter refuses what is neither (?mine=abc), instead of silently showing all."""
    to_python = field.to_python
    from_data = field.widget.value_from_datadict

    def raw_when_unknown(data, files, name):
        # The select widget turns anything it does not know into "all"; let the field see it.
        raw = data.get(name)
        if isinstance(raw, str) and raw not in BOOLEAN_VALUES:
            return raw
        return from_data(data, files, name)

    field.widget.value_from_datadict = raw_when_unknown
    # BooleanField.has_changed calls to_python unguarded; the form asks it while the filter bar
    # renders, so the refusal below must read as "changed", not escape as a server error.
    has_changed = field.has_changed

    def guarded_has_changed(initial, data):
        try:
            return has_changed(initial, data)
        except ValidationError:
            return True

    field.has_changed = guarded_has_changed

    def checked(value):
        if value is not None and not isinstance(value, bool) and value not in BOOLEAN_VALUES:
            raise ValidationError(_("请填写 true 或 false。"), code="invalid")
        return to_python(value)

    return checked


def _integer_pk(field) -> bool:
    pk = field.queryset.model._meta.pk
    while isinstance(pk, models.OneToOneField):
        pk = pk.target_field
    return field.to_field_name is None and isinstance(pk, models.IntegerField | models.AutoField)


def _bounded_ids(field):
    """A record filter (?unit=, ?parent=) refuses what cannot be an id before any query: the
    database would overflow on a number past bigint."""
    to_python = field.to_python

    def checked(value):
        if value not in field.empty_values and not valid_id(value):
            raise ValidationError(ID_OUT_OF_RANGE, code="invalid", params={"max": MAX_ID})
        return to_python(value)

    return checked


class BaseFilterSet(django_filters.FilterSet):
    """FilterSet whose form is styled and whose choice fields are scoped to the request user.

    Filtering by a record that does not exist, or that lies outside the user's scope (a unit,
    a worker, a category id), matches nothing: the list is empty rather than an error, and
    nothing tells whether that record exists.
    """

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_jinguo_styled", False):
            style_fields(form)
            for field in form.fields.values():
                single = not isinstance(field, forms.ModelMultipleChoiceField)
                if isinstance(field, forms.ModelChoiceField) and single and _integer_pk(field):
                    field.to_python = _bounded_ids(field)
                elif isinstance(field, forms.NullBooleanField):
                    field.to_python = _strict_boolean(field)
            form._jinguo_styled = True
        return form

    @property
    def user(self):
        return getattr(self.request, "user", None)

    def _unknown_records(self) -> set[str]:
        """The filters whose only error is naming a record that does not exist or is out of
        scope: no error to the user, but a filter that matches nothing."""
        names = set()
        for name, field_errors in self.form.errors.as_data().items():
            field = self.form.fields.get(name)
            if isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField) and all(
                e.code in ("invalid_choice", "invalid_pk_value") for e in field_errors
            ):
                names.add(name)
        return names

    def _only_unknown_records(self) -> bool:
        errors = self.form.errors
        return bool(errors) and set(errors) <= self._unknown_records()

    @property
    def errors(self):
        # What the API reports as a 400: the real mistakes only, not an unknown record beside
        # them, which alone would have been an empty list.
        unknown = self._unknown_records()
        return ErrorDict((name, e) for name, e in self.form.errors.items() if name not in unknown)

    @property
    def ignored_conditions(self) -> list[tuple[str, str]]:
        """(label, message) of each condition a list page could not apply and left out; none
        when the only problem is a record the user may not see (that list is simply empty)."""
        if not self.is_bound or not self.form.errors or self._only_unknown_records():
            return []
        return [(str(field.label), str(message)) for field in self.form for message in field.errors]

    def is_valid(self):
        if super().is_valid():
            return True
        return self._only_unknown_records()

    @property
    def qs(self):
        if self.is_bound and self.form.errors and self._only_unknown_records():
            return self.queryset.none()
        return super().qs
