"""Widgets the protection forms share: the browser's own date and date-time pickers, with the
formats they send back, and a textarea of a given height."""

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def textarea(rows=3, **attrs):
    return forms.Textarea({"rows": rows, **attrs})
