"""Protective follow-up (家暴回访干预): writes.

- plan_for_resolved_case(*, case, user) -> FollowUpPlan | None    (receiver of case_resolved)
- plan_schedule_next(*, plan, today=None) -> ProtectiveVisit | None
- visit_record(*, user, visit, mode, reached, safe="", recurred=None, needs="",
               next_step="", recurrence="", done_at=None, version=None) -> ProtectiveVisit
- plan_end(*, user, plan, reason, version=None) -> FollowUpPlan
- visits_mark_missed(now=None) -> int                               (scheduler job)

The schedule: visits ``schedule_days`` after the plan's start (default 7, 30, 90 days), then
every ``repeat_every_days`` while the person's latest risk level is medium or high (a person
never assessed counts as still at risk: an unknown risk is not a low one). A plan ends only by
a recorded decision with a reason; an unreachable victim never ends it.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.cases import choices as case_choices
from jinguo.cases.selectors import is_violence_case
from jinguo.cases.services import intake as case_intake
from jinguo.cases.services import workflow as case_workflow
from jinguo.core import audit
from jinguo.core.concurrency import check_version
from jinguo.core.notifications import notify, notify_unit_leaders
from jinguo.core.scoping import permission_name

from ..choices import PlanStatus, RecurrenceAction, SafeAnswer, VisitMode, VisitState
from ..models import FollowUpPlan, FollowUpSchedule, ProtectiveVisit
from ..selectors.followup import CONTINUING, latest_risk_level

DEFAULT_SCHEDULE = (7, 30, 90)
DEFAULT_REPEAT = 90
TEXT_MAX = 2000


def default_schedule() -> tuple[list[int], int]:
    """The schedule a new plan gets: the one the system administrator set on the
    configuration page (``FollowUpSchedule``), else ``PROTECTION_FOLLOWUP_DAYS`` and
    ``PROTECTION_FOLLOWUP_REPEAT_DAYS`` in the settings, else 7/30/90 then every 90 days."""
    row = FollowUpSchedule.objects.order_by("pk").first()
    if row is not None and row.days:
        return sorted({int(d) for d in row.days}), int(row.repeat_every_days)
    days = getattr(settings, "PROTECTION_FOLLOWUP_DAYS", DEFAULT_SCHEDULE)
    repeat = getattr(settings, "PROTECTION_FOLLOWUP_REPEAT_DAYS", DEFAULT_REPEAT)
    return sorted({int(d) for d in days if int(d) > 0}), int(repeat)


def victim_of(case):
    """The person a violence case protects: the victim named among its parties, else the
    complainant (None for an anonymous case: nobody to visit)."""
    party = (
        case.parties.filter(role=case_choices.PartyRole.VICTIM, person__isnull=False)
        .order_by("id")
        .first()
    )
    if party is not None:
        return party.person
    return case.complainant


def _text(value, field: str) -> str:
    value = (value or "").strip()
    if len(value) > TEXT_MAX:
        raise ValidationError({field: _("不能超过 %(n)d 个字。") % {"n": TEXT_MAX}})
    return value


def _plan_url(plan) -> str:
    return plan.get_absolute_url()


# --- the plan --------------------------------------------------------------------------------


def plan_for_resolved_case(*, case, user=None):
    """Start protective follow-up for a resolved violence case (one active plan per person:
    a second case joins the plan she already has). Returns the plan, or None when the case
    is not about violence or names nobody to visit."""
    if not is_violence_case(case):
        return None
    person = victim_of(case)
    if person is None:
        return None
    with transaction.atomic():
        existing = (
            FollowUpPlan.objects.select_for_update()
            .filter(person=person, status=PlanStatus.ACTIVE)
            .first()
        )
        if existing is not None:
            plan_schedule_next(plan=existing)
            return existing
        days, repeat = default_schedule()
        started = timezone.localdate(case.resolved_at) if case.resolved_at else None
        plan = FollowUpPlan.objects.create(
            person=person,
            case=case,
            org=case.org,
            schedule_days=days,
            repeat_every_days=repeat,
            started_on=started or timezone.localdate(),
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        visit = plan_schedule_next(plan=plan)
        audit.record_change(
            user,
            plan,
            "create",
            after=audit.snapshot(plan),
            case_id=case.pk,
            first_visit_on=str(visit.due_on) if visit else None,
        )
    return plan


def next_due_on(plan, visits_so_far: int, last_due_on, level: str | None):
    """When the next visit falls due, or None when the schedule is done (risk standard)."""
    if visits_so_far < len(plan.schedule_days):
        return plan.started_on + timedelta(days=plan.schedule_days[visits_so_far])
    if level is not None and level not in CONTINUING:
        return None
    base = last_due_on or plan.started_on
    return base + timedelta(days=plan.repeat_every_days or DEFAULT_REPEAT)


def plan_schedule_next(*, plan, today=None):
    """Give an active plan its next visit when none is waiting. Idempotent; returns the visit
    waiting (new or existing) or None."""
    if plan.status != PlanStatus.ACTIVE:
        return None
    waiting = plan.visits.filter(state=VisitState.DUE).order_by("due_on").first()
    if waiting is not None:
        return waiting
    visits = plan.visits.exclude(state=VisitState.CANCELLED)
    count = visits.count()
    last = visits.order_by("-due_on").values_list("due_on", flat=True).first()
    due = next_due_on(plan, count, last, latest_risk_level(plan.person_id))
    if due is None:
        return None
    today = today or timezone.localdate()
    # A plan resumed after a long pause (risk rose again) is not born overdue.
    due = max(due, today)
    return ProtectiveVisit.objects.create(
        plan=plan,
        person_id=plan.person_id,
        case_id=plan.case_id,
        org_id=plan.org_id,
        due_on=due,
        created_by=None,
    )


def plan_end(*, user, plan, reason, version=None):
    """End a plan by a recorded decision; waiting visits are cancelled."""
    reason = _text(reason, "reason")
    if not reason:
        raise ValidationError(
            {"reason": _("请填写结束回访的理由（例如风险评估已降为一般、当事人迁出本地）。")}
        )
    if not user.has_perm(permission_name(FollowUpPlan, "end")):
        raise PermissionDenied
    with transaction.atomic():
        plan = (
            FollowUpPlan.objects.restrict(user, "view")
            .select_for_update()
            .filter(pk=plan.pk)
            .first()
        )
        if plan is None:
            raise ValidationError(_("该回访计划不存在，或您无权进行此项操作。"), code="not_found")
        check_version(plan, version)
        if plan.status != PlanStatus.ACTIVE:
            raise ValidationError(_("该回访计划已经结束。"))
        before = audit.snapshot(plan)
        plan.status, plan.ended_at, plan.ended_by = PlanStatus.ENDED, timezone.now(), user
        plan.end_reason = reason
        plan.version += 1
        plan.save(
            update_fields=["status", "ended_at", "ended_by", "end_reason", "version", "updated_at"]
        )
        cancelled = list(plan.visits.filter(state=VisitState.DUE).values_list("pk", flat=True))
        ProtectiveVisit.objects.filter(pk__in=cancelled).update(
            state=VisitState.CANCELLED, updated_at=timezone.now()
        )
        audit.record_change(
            user,
            plan,
            "update",
            before=before,
            after=audit.snapshot(plan),
            step="followup_end",
            cancelled_visits=cancelled,
        )
    return plan


# --- visits ----------------------------------------------------------------------------------


def _clean_visit(mode, reached, safe, recurred, recurrence) -> dict:
    errors = {}
    if mode not in VisitMode.values:
        errors["mode"] = _("请选择回访方式。")
    if reached:
        if safe not in SafeAnswer.values:
            errors["safe"] = _("请填写当事人目前是否安全。")
        if recurred is None:
            errors["recurred"] = _("请填写是否再次发生家庭暴力。")
        elif recurred and recurrence not in RecurrenceAction.values:
            errors["recurrence"] = _("再次发生暴力时，请选择重新办理原个案或登记新的关联个案。")
    if errors:
        raise ValidationError(errors)
    return {}


def visit_record(
    *,
    user,
    visit,
    mode,
    reached,
    safe="",
    recurred=None,
    needs="",
    next_step="",
    recurrence="",
    done_at=None,
    version=None,
):
    """Record a visit (a due or missed one). Not reaching her keeps the plan going and warns
    the unit's leaders; violence again reopens the case or opens a linked one and asks for a
    reassessment."""
    _clean_visit(mode, reached, safe, recurred, recurrence)
    needs, next_step = _text(needs, "needs"), _text(next_step, "next_step")
    now = timezone.now()
    done_at = done_at or now
    if done_at > now + timedelta(minutes=5):
        raise ValidationError({"done_at": _("回访时间不能晚于现在。")})
    if not user.has_perm(permission_name(ProtectiveVisit, "change")):
        raise PermissionDenied
    with transaction.atomic():
        visit = (
            ProtectiveVisit.objects.restrict(user, "change")
            .select_for_update()
            .select_related("plan")
            .filter(pk=visit.pk)
            .first()
        )
        if visit is None:
            raise ValidationError(_("该回访不存在，或您无权进行此项操作。"), code="not_found")
        check_version(visit, version)
        if visit.state not in (VisitState.DUE, VisitState.MISSED):
            raise ValidationError(_("这次回访已经记录过了。"))
        if visit.plan.status != PlanStatus.ACTIVE:
            raise ValidationError(_("回访计划已经结束，不能再记录回访。"))
        if done_at.date() < visit.plan.started_on:
            raise ValidationError({"done_at": _("回访时间不能早于回访计划开始的日期。")})
        before = audit.snapshot(visit)
        visit.mode, visit.done_at, visit.done_by = mode, done_at, user
        visit.needs, visit.next_step = needs, next_step
        if reached:
            visit.state, visit.safe, visit.recurred = VisitState.DONE, safe, recurred
        else:
            visit.state, visit.safe, visit.recurred = VisitState.UNREACHABLE, "", None
        fields = ["mode", "done_at", "done_by", "needs", "next_step", "state", "safe", "recurred"]
        if reached and recurred:
            visit.recurrence_case = _handle_recurrence(user, visit, recurrence)
            fields.append("recurrence_case")
        visit.version += 1
        visit.save(update_fields=[*fields, "version", "updated_at"])
        next_visit = plan_schedule_next(plan=visit.plan)
        audit.record_change(
            user,
            visit,
            "update",
            before=before,
            after=audit.snapshot(visit),
            step="followup_visit",
            next_visit_on=str(next_visit.due_on) if next_visit else None,
        )
        if not reached:
            notify_unit_leaders(
                visit.org,
                _("保护性回访未联系上当事人"),
                _("回访计划继续，请安排再次联系或上门核实当事人安全。"),
                _plan_url(visit.plan),
                "warning",
            )
        elif safe == SafeAnswer.UNSAFE and not recurred:
            notify_unit_leaders(
                visit.org,
                _("保护性回访：当事人表示不安全"),
                _("请尽快联系承办人研判风险。"),
                _plan_url(visit.plan),
                "warning",
            )
    return visit


def _handle_recurrence(user, visit, recurrence):
    """Violence again: reopen the case (closed) or register a new one linked to it, with the
    workflow services and the recorder's own rights; if she may not, the unit's leaders are
    asked to. Always asks for a reassessment (the recurrence warning does too)."""
    case = visit.case
    result = None
    try:
        with transaction.atomic():
            if (
                recurrence == RecurrenceAction.REOPEN
                and case is not None
                and case.status in case_choices.FINAL_STATUSES
            ):
                result = case_workflow.case_reopen(
                    user=user, case=case, reason=_("保护性回访发现再次发生家庭暴力")
                )
            elif case is not None and case.is_open and case.status != case_choices.Status.RESOLVED:
                result = case  # still being handled: nothing to reopen
            else:
                result = _linked_case(user, visit, case)
    except (ValidationError, PermissionDenied):
        result = None
    url = result.get_absolute_url() if result is not None else _plan_url(visit.plan)
    if result is None:
        notify_unit_leaders(
            visit.org,
            _("保护性回访发现再次发生家庭暴力"),
            _("回访人无权重新办理个案，请安排重新办理并重新评估风险。"),
            url,
            "danger",
        )
    worker = result.assigned_to if result is not None and result.assigned_to_id else None
    for recipient in {r for r in (worker, visit.plan.created_by, user) if r is not None}:
        notify(
            recipient,
            _("再次发生家庭暴力：请重新评估风险"),
            _("保护性回访发现再次发生暴力，请尽快重新进行风险评估并复核安全计划。"),
            url,
            "danger",
        )
    return result


def _linked_case(user, visit, case):
    """A new case for the recurrence, in the plan's unit, linked to the earlier one."""
    source = case
    channel = (
        case_choices.Channel.WALK_IN
        if visit.mode == VisitMode.IN_PERSON
        else case_choices.Channel.HOTLINE_OTHER
    )
    new = case_intake.case_create(
        user=user,
        channel=channel,
        summary=_("保护性回访发现再次发生家庭暴力"),
        category=source.category if source else None,
        subcategory=source.subcategory if source else None,
        gbv_type=(source.gbv_type if source else "") or case_choices.GbvType.PHYSICAL,
        urgency=case_choices.Urgency.PRIORITY,
        complainant=visit.person,
        org=visit.org,
        involves_minor=bool(source and source.involves_minor),
    )
    if source is not None and new.repeat_of_id is None:
        new.repeat_of, new.is_repeat = source, True
        new.save(update_fields=["repeat_of", "is_repeat", "updated_at"])
    return new


def visits_mark_missed(now=None) -> int:
    """Due visits whose date has passed become missed (the missed-visit warning follows), and
    their plan gets its next visit. Runs from the scheduler."""
    today = timezone.localdate(now) if now else timezone.localdate()
    ids = list(
        ProtectiveVisit.objects.filter(
            state=VisitState.DUE, due_on__lt=today, plan__status=PlanStatus.ACTIVE
        ).values_list("pk", flat=True)[:5000]
    )
    if not ids:
        return 0
    with transaction.atomic():
        visits = list(
            ProtectiveVisit.objects.select_for_update().filter(pk__in=ids, state=VisitState.DUE)
        )
        stamp = timezone.now()
        with audit.batched():
            for visit in visits:
                visit.state, visit.version = VisitState.MISSED, visit.version + 1
                visit.updated_at = stamp
                audit.record_change(
                    None,
                    visit,
                    "update",
                    before={"state": VisitState.DUE},
                    after={"state": VisitState.MISSED},
                    step="followup_missed",
                )
        ProtectiveVisit.objects.bulk_update(visits, ["state", "version", "updated_at"])
        plans = FollowUpPlan.objects.filter(pk__in={v.plan_id for v in visits})
        for plan in plans:
            plan_schedule_next(plan=plan, today=today)
    return len(visits)
