import django_filters
from django import forms

from .forms import style_fields


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
            form._jinguo_styled = True
        return form

    @property
    def user(self):
        return getattr(self.request, "user", None)

    def _only_unknown_records(self) -> bool:
        errors = self.form.errors.as_data()
        if not errors:
            return False
        for name, field_errors in errors.items():
            field = self.form.fields.get(name)
            if not isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
                return False
            if any(e.code not in ("invalid_choice", "invalid_pk_value") for e in field_errors):
                return False
        return True

    def is_valid(self):
        if super().is_valid():
            return True
        return self._only_unknown_records()

    @property
    def qs(self):
        if self.is_bound and self.form.errors and self._only_unknown_records():
            return self.queryset.none()
        return super().qs
