"""Every write of the notices app, by concept: notices and tasks (``notices``) and target
assessment (``assessment``)."""

from .notices import (
    FIGURE_KEY_MAX,
    MAX_FIGURES,
    NOTE_MAX,
    clean_figures,
    notice_issue,
    notice_remind,
    notice_withdraw,
    receipt_acknowledge,
    receipt_complete,
    remind_due,
    target_units,
)

__all__ = [
    "FIGURE_KEY_MAX",
    "MAX_FIGURES",
    "NOTE_MAX",
    "clean_figures",
    "notice_issue",
    "notice_remind",
    "notice_withdraw",
    "receipt_acknowledge",
    "receipt_complete",
    "remind_due",
    "target_units",
]
