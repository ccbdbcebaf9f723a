"""Widgets the protection forms share, from the apps below that already define them: the
browser's own date and date-time pickers (with the formats they send back) and a textarea of
a given height."""

from jinguo.cases.forms.common import DateTimeInput, textarea
from jinguo.people.forms.common import DateInput

__all__ = ["DateInput", "DateTimeInput", "textarea"]
