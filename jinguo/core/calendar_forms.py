"""Forms of the holiday-calendar pages; the checks themselves live in workdays.validate_day."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import workdays
from .forms import ScopedForm
from .models import CalendarDayKind


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
