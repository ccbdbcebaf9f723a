from django import forms


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
