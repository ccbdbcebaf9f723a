"""Sending notifications to the bell in the top bar.

A notification is a side effect: it is created only after the surrounding transaction commits,
so a rolled-back change notifies nobody.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils.http import url_has_allowed_host_and_scheme

from .models import Notification

LEVELS = ("info", "success", "warning", "danger")
LEADER_ROLE = "leader"
VIEW_SENSITIVE = ("core", "view_sensitive")


def _build(user, title: str, body: str, url: str, level: str) -> Notification:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    if url and not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        raise ValueError("a notification links only to a page of this site")
    return Notification(
        recipient_id=user.pk, title=str(title)[:200], body=str(body), url=url[:300], level=level
    )


def notify(user, title: str, body: str = "", url: str = "", level: str = "info") -> None:
    """Tell one user something, once the current transaction has committed."""
    note = _build(user, title, body, url, level)
    transaction.on_commit(note.save)


def unit_leaders(unit):
    """Active users of ``unit`` itself (not its subtree) who lead it.

    A leader holds the shipped leader role, or any role granting ``core.view_sensitive`` —
    the people who answer for the unit's sensitive work.
    """
    app_label, codename = VIEW_SENSITIVE
    return (
        get_user_model()
        .objects.filter(home_unit=unit, is_active=True)
        .filter(
            Q(roles__code=LEADER_ROLE)
            | Q(
                roles__permissions__content_type__app_label=app_label,
                roles__permissions__codename=codename,
            )
        )
        .distinct()
        .order_by("pk")
    )


def notify_unit_leaders(
    unit, title: str, body: str = "", url: str = "", level: str = "info"
) -> list:
    """Notify every leader of ``unit`` after commit; returns the recipients."""
    recipients = list(unit_leaders(unit))
    notes = [_build(user, title, body, url, level) for user in recipients]
    if notes:
        transaction.on_commit(lambda: Notification.objects.bulk_create(notes))
    return recipients
