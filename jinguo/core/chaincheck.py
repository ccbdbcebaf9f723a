"""Verifying the audit chain as a background task, from the auditor's page or the scheduler.

Each run is a ChainCheck row the auditor sees; a broken chain notifies every security auditor.
"""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from . import audit
from .models import ChainCheck
from .notifications import notify

logger = logging.getLogger(__name__)


def chain_check_request(*, user) -> ChainCheck:
    """Queue a verification (one at a time: a queued or running one is returned instead)."""
    pending = ChainCheck.objects.filter(
        outcome__in=[ChainCheck.Outcome.QUEUED, ChainCheck.Outcome.RUNNING]
    ).first()
    if pending is not None:
        return pending
    check = ChainCheck.objects.create(requested_by=user)
    audit.record_access(user, check, action="verify")
    transaction.on_commit(lambda: verify_chain_task.enqueue(check.pk))
    return check


@task()
def verify_chain_task(check_id: int) -> str:
    check = ChainCheck.objects.filter(pk=check_id).first()
    if check is None:
        return "missing"
    return chain_check_run(check).outcome


def chain_check_run(check: ChainCheck) -> ChainCheck:
    check.outcome = ChainCheck.Outcome.RUNNING
    check.started_at = timezone.now()
    check.save(update_fields=["outcome", "started_at"])
    try:
        result = audit.verify_chain()
    except Exception as exc:
        logger.error("audit chain verification failed with %s", type(exc).__name__)
        check.outcome = ChainCheck.Outcome.FAILED
        check.finished_at = timezone.now()
        check.save(update_fields=["outcome", "finished_at"])
        return check
    check.checked = result.checked
    check.finished_at = timezone.now()
    if result.ok:
        check.outcome = ChainCheck.Outcome.INTACT
    else:
        check.outcome = ChainCheck.Outcome.BROKEN
        check.broken_at = result.broken_at
        check.reason = result.reason or ""
    check.save(update_fields=["outcome", "checked", "finished_at", "broken_at", "reason"])
    if not result.ok:
        _tell_auditors(check)
    return check


def _tell_auditors(check: ChainCheck) -> None:
    auditors = (
        get_user_model()
        .objects.filter(
            is_active=True,
            roles__permissions__content_type__app_label="core",
            roles__permissions__codename="view_audit",
        )
        .distinct()
    )
    from django.urls import reverse

    for user in auditors:
        notify(
            user,
            title=_("审计链校验发现异常"),
            body=_("第一条异常记录为 #%(id)s：%(reason)s。请立即核查。")
            % {"id": check.broken_at, "reason": audit.BREAK_REASONS.get(check.reason, "")},
            url=reverse("core:audit_chain"),
            level="danger",
        )


def scheduled_chain_check() -> str:
    """The daily verification the scheduler runs (core/contrib.py)."""
    check = chain_check_run(ChainCheck.objects.create())
    return check.get_outcome_display() + f"（{check.checked} 条）"
