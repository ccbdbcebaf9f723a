"""What the forms of this app share: the base form and the small widgets.

Choice fields are scoped for the user filling the form; the services check everything again.
A service error naming a field the form lacks is shown at the top of the form.
"""

from django import forms

from jinguo.core.forms import ScopedForm


class BaseForm(ScopedForm):
    pass


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def textarea(rows=3, **attrs):
    return forms.Textarea({"rows": rows, **attrs})
