"""The follow-up concern listens here: a resolved violence case starts its plan, and every
write the early-warning checks read is checked at once after it commits (the sweep would find
it too, up to ten minutes later). Connected from contributions/followup.py."""

import logging

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from jinguo.cases.models import Case, FollowUp
from jinguo.cases.signals import case_resolved

from ..models import EmergencyAction, OrderBreach, ProtectionOrder, ProtectiveVisit, RiskAssessment

logger = logging.getLogger(__name__)


@receiver(case_resolved, dispatch_uid="protection.followup.plan_on_resolve")
def plan_on_resolve(sender, case, user=None, **kwargs):
    from .followup import plan_for_resolved_case

    plan_for_resolved_case(case=case, user=user)


PENDING = "_jinguo_alert_changes"


def _evaluate(changed: dict) -> None:
    from .alert_sweep import alerts_evaluate

    try:
        alerts_evaluate(changed)
    except Exception:
        # The sweep catches up; a write must never fail because of its warning check.
        logger.exception("early-warning check after a write failed")


def _check_later(**changed) -> None:
    """Check what a transaction touched once, after it commits. One intake saves the case
    several times (number, deadlines, events); each save used to run every rule again. The
    ids are gathered on the connection and one callback checks them all. Should a savepoint
    roll back the callback away (Django drops the hooks registered inside it), the next write
    registers a new one."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _evaluate({k: set(v) for k, v in changed.items()})
        return
    pending = getattr(connection, PENDING, None)
    hooks = [func for _sids, func, _robust in connection.run_on_commit]
    if pending is None or pending["run"] not in hooks:
        pending = {"changes": {}}

        def run(pending=pending):
            if getattr(connection, PENDING, None) is pending:
                delattr(connection, PENDING)
            _evaluate(pending["changes"])

        pending["run"] = run
        setattr(connection, PENDING, pending)
        transaction.on_commit(run)
    for kind, ids in changed.items():
        pending["changes"].setdefault(kind, set()).update(i for i in ids if i)


@receiver(post_save, sender=RiskAssessment, dispatch_uid="protection.alerts.assessment")
def assessment_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    _check_later(persons={instance.person_id})

    def resume_plan():
        # Risk back at medium or high: a plan whose schedule had run out visits again.
        from ..choices import PlanStatus
        from ..models import FollowUpPlan
        from .followup import plan_schedule_next

        for plan in FollowUpPlan.objects.filter(
            person_id=instance.person_id, status=PlanStatus.ACTIVE
        ):
            plan_schedule_next(plan=plan)

    transaction.on_commit(resume_plan)


@receiver(post_save, sender=OrderBreach, dispatch_uid="protection.alerts.breach")
def breach_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _check_later(breaches={instance.pk})


@receiver(post_save, sender=ProtectionOrder, dispatch_uid="protection.alerts.order")
def order_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _check_later(orders={instance.pk})


@receiver(post_save, sender=ProtectiveVisit, dispatch_uid="protection.alerts.visit")
def visit_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _check_later(visits={instance.pk}, persons={instance.person_id})


@receiver(post_save, sender=Case, dispatch_uid="protection.alerts.case")
def case_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    persons = {instance.complainant_id} if instance.complainant_id else set()
    _check_later(cases={instance.pk}, persons=persons)


@receiver(post_save, sender=FollowUp, dispatch_uid="protection.alerts.follow_up")
def follow_up_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and created:
        _check_later(followups={instance.pk}, cases={instance.case_id})


@receiver(post_save, sender=EmergencyAction, dispatch_uid="protection.alerts.emergency")
def emergency_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _check_later(cases={instance.case_id})
