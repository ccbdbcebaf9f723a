"""The statistics app's tables: the summary (summary.py) and the report forms (reports.py)."""

from .reports import (
    Indicator,
    Report,
    ReportCell,
    ReportColumn,
    ReportEvent,
    ReportForm,
    ReportPrefill,
    ReportReminder,
    ReportRow,
    ReportRule,
)
from .summary import DIMENSIONS, VALUE_FIELDS, VALUE_LENGTH, StatsCount, StatsEntry

__all__ = [
    "DIMENSIONS",
    "VALUE_FIELDS",
    "VALUE_LENGTH",
    "Indicator",
    "Report",
    "ReportCell",
    "ReportColumn",
    "ReportEvent",
    "ReportForm",
    "ReportPrefill",
    "ReportReminder",
    "ReportRow",
    "ReportRule",
    "StatsCount",
    "StatsEntry",
]
