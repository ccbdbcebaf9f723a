"""Deadlines of cases and referrals from DeadlinePolicy rows, in hours, calendar days or
working days (jinguo.core.workdays). Never raises for a year without holiday data.

CONTRACT:
- policy_for(case) -> DeadlinePolicy
- apply_deadlines(case, *, now=None) -> list[str]   sets decide/finish/follow_up/due_at and
  due_state on ``case`` (no save) and returns the changed field names
- referral_due_at(referral_or_case, sent_at) -> datetime
- sweep(*, now=None) -> dict   marks soon-due and overdue cases, notifies owners and leaders
- how_late(due_at, now) -> {"text", "late"}   逾期 3 天 / 逾期 5 小时 / 剩 2 天 (queues, panels)

A deadline counted in days (calendar or working) falls at the end of its last local day
(23:59:59 Asia/Shanghai): "within 15 days" leaves the whole 15th day. Hours are exact.
Counting starts the day after the start, as the petition regulation counts.
"""

import contextvars
import datetime
from contextlib import contextmanager

from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.core import audit
from jinguo.core.models import AuditKind
from jinguo.core.notifications import notify, notify_unit_leaders
from jinguo.core.workdays import add_days

from .choices import OPEN_STATUSES, DeadlineUnit, DueState, EventKind, ReferralStatus, Status
from .models import Case, DeadlinePolicy

DEADLINE_FIELDS = ["decide_due_at", "finish_due_at", "follow_up_due_at", "due_at", "due_state"]

_FINISH_STATUSES = (Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS)


def end_of_local_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(23, 59, 59)),
        timezone.get_default_timezone(),
    )


def add_amount(
    start: datetime.datetime, amount: int, unit: str, *, extra_days: int = 0
) -> datetime.datetime:
    """``start`` plus ``amount`` of ``unit``, plus ``extra_days`` calendar days (extensions)."""
    if unit == DeadlineUnit.HOURS:
        return start + datetime.timedelta(hours=amount, days=extra_days)
    day = add_days(start, amount, working=unit == DeadlineUnit.WORKING_DAYS)
    return end_of_local_day(day + datetime.timedelta(days=extra_days))


# --- policies ------------------------------------------------------------------------------


def _category_chain(case) -> list[int]:
    """The case's category ids, most specific first (sub-category, category, its parent)."""
    ids = []
    for category in (case.subcategory, case.category):
        if category is not None:
            ids += [category.pk, category.parent_id]
    return list(dict.fromkeys(i for i in ids if i))


def pick_policy(policies, category_ids: list[int], urgency: str) -> DeadlinePolicy:
    """The most specific of ``policies``: category + urgency, category, urgency, default."""

    def rank(policy):
        if policy.category_id is not None:
            if policy.category_id not in category_ids:
                return None
            depth = category_ids.index(policy.category_id)
            if policy.urgency == urgency:
                return (0, depth, policy.pk)
            if not policy.urgency:
                return (1, depth, policy.pk)
            return None
        if policy.urgency == urgency:
            return (2, 0, policy.pk)
        if not policy.urgency:
            return (3, 0, policy.pk)
        return None

    ranked = sorted((r, p) for p in policies if (r := rank(p)) is not None)
    if ranked:
        return ranked[0][1]
    # Every policy deleted or switched off: the petition regulation's defaults still hold.
    return DeadlinePolicy(name="默认", is_active=True)


_cached_policies: contextvars.ContextVar = contextvars.ContextVar(
    "jinguo_deadline_policies", default=None
)


@contextmanager
def policies_cached():
    """Inside the block ``policy_for`` picks from the active policies read once at its start:
    for a worker registering a batch of appeals in one transaction."""
    token = _cached_policies.set(list(DeadlinePolicy.objects.filter(is_active=True)))
    try:
        yield
    finally:
        _cached_policies.reset(token)


def policy_for(case) -> DeadlinePolicy:
    cached = getattr(case, "_deadline_policy", None)
    key = (case.category_id, case.subcategory_id, case.urgency)
    if cached is not None and cached[0] == key:
        return cached[1]
    category_ids = _category_chain(case)
    policies = _cached_policies.get()
    if policies is None:
        policies = DeadlinePolicy.objects.filter(is_active=True).filter(
            Q(category__isnull=True) | Q(category_id__in=category_ids),
            Q(urgency="") | Q(urgency=case.urgency),
        )
    policy = pick_policy(list(policies), category_ids, case.urgency)
    case._deadline_policy = (key, policy)
    return policy


# --- computing -----------------------------------------------------------------------------


def due_state_for(due_at, warn_hours: int, now: datetime.datetime) -> str:
    if due_at is None:
        return DueState.NONE
    if due_at < now:
        return DueState.OVERDUE
    if due_at - now <= datetime.timedelta(hours=warn_hours):
        return DueState.SOON
    return DueState.OK


def compute_deadlines(case, policy: DeadlinePolicy, now: datetime.datetime) -> dict:
    received = case.received_at or now
    values = {
        "decide_due_at": add_amount(received, policy.decide_amount, policy.decide_unit),
        "finish_due_at": add_amount(
            received, policy.finish_amount, policy.finish_unit, extra_days=case.extension_days
        ),
        "follow_up_due_at": (
            add_amount(case.resolved_at, policy.follow_up_amount, policy.follow_up_unit)
            if case.resolved_at
            else None
        ),
    }
    if case.status == Status.REGISTERED:
        due_at = values["decide_due_at"]
    elif case.status in _FINISH_STATUSES:
        due_at = values["finish_due_at"]
    elif case.status == Status.RESOLVED:
        due_at = values["follow_up_due_at"]
    else:
        due_at = None
    values["due_at"] = due_at
    values["due_state"] = due_state_for(due_at, policy.warn_hours, now)
    return values


def apply_deadlines(case, *, now=None) -> list[str]:
    """Set the deadline fields on ``case`` (not saved); returns the names that changed."""
    now = now or timezone.now()
    values = compute_deadlines(case, policy_for(case), now)
    changed = []
    for name, value in values.items():
        if getattr(case, name) != value:
            setattr(case, name, value)
            changed.append(name)
    return changed


def referral_due_at(referral_or_case, sent_at) -> datetime.datetime:
    case = referral_or_case if isinstance(referral_or_case, Case) else referral_or_case.case
    policy = policy_for(case)
    return add_amount(sent_at, policy.referral_amount, policy.referral_unit)


# --- the periodic sweep --------------------------------------------------------------------

SWEEP_BATCH = 1000


def _url(obj) -> str:
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:  # the page is not wired (a bare test settings module)
        return ""


def _policy_lookup():
    policies = list(DeadlinePolicy.objects.filter(is_active=True))
    max_warn = max([p.warn_hours for p in policies], default=72)
    found: dict = {}

    def lookup(case) -> DeadlinePolicy:
        key = (case.category_id, case.subcategory_id, case.urgency)
        if key not in found:
            found[key] = pick_policy(policies, _category_chain(case), case.urgency)
        return found[key]

    return lookup, max_warn


def _alert_case(case, state: str, now) -> None:
    """Timeline event and notifications for a case that has just become soon-due or overdue:
    its worker, or the owning unit's leaders when nobody is assigned (and on overdue)."""
    from .services.common import add_event

    overdue = state == DueState.OVERDUE
    add_event(
        case,
        EventKind.OVERDUE if overdue else EventKind.DUE_SOON,
        at=now,
        due_at=case.due_at.isoformat(),
        status=case.status,
    )
    params = {"number": case.number}
    title = (_("个案 %(number)s 已超期") if overdue else _("个案 %(number)s 即将到期")) % params
    body = _("办理期限：%(due)s；当前状态：%(status)s。") % {
        "due": timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M"),
        "status": case.get_status_display(),
    }
    level = "danger" if overdue else "warning"
    if case.assigned_to_id:
        notify(case.assigned_to, title, body, _url(case), level)
    if overdue or not case.assigned_to_id:
        notify_unit_leaders(case.org, title, body, _url(case), level)


def _sweep_cases(now, counts: dict) -> None:
    lookup, max_warn = _policy_lookup()
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES)
    # Final or undated cases carry no due state.
    counts["cleared"] = (
        Case.objects.filter(Q(due_at__isnull=True) | ~Q(status__in=OPEN_STATUSES))
        .exclude(due_state=DueState.NONE)
        .update(due_state=DueState.NONE)
    )
    horizon = now + datetime.timedelta(hours=max_warn)
    counts["ok"] = (
        open_cases.filter(due_at__gt=horizon)
        .exclude(due_state=DueState.OK)
        .update(due_state=DueState.OK)
    )
    # Time only moves forward: an overdue case stays overdue until a transition recomputes it.
    candidates = (
        open_cases.filter(due_at__lte=horizon)
        .exclude(due_state=DueState.OVERDUE)
        .select_related("org", "assigned_to", "category", "subcategory")
        .order_by("pk")
    )
    last_pk = 0
    while True:
        batch = list(candidates.filter(pk__gt=last_pk)[:SWEEP_BATCH])
        if not batch:
            break
        last_pk = batch[-1].pk
        moved: dict[str, list[int]] = {}
        for case in batch:
            state = due_state_for(case.due_at, lookup(case).warn_hours, now)
            if state == case.due_state:
                continue
            moved.setdefault(state, []).append(case.pk)
            case.due_state = state
            if state in (DueState.SOON, DueState.OVERDUE):
                counts[state] += 1
                _alert_case(case, state, now)
        for state, ids in moved.items():
            Case.objects.filter(pk__in=ids).update(due_state=state)
            if state == DueState.OK:
                counts["ok"] += len(ids)


def _sweep_referrals(now, counts: dict) -> None:
    from .models import CaseEvent, Referral
    from .services.common import add_event

    overdue = Referral.objects.filter(status=ReferralStatus.SENT, due_at__lt=now).select_related(
        "case", "agency", "sent_by", "org"
    )
    for referral in overdue.order_by("pk").iterator(chunk_size=SWEEP_BATCH):
        warned = CaseEvent.objects.filter(
            case_id=referral.case_id, kind=EventKind.OVERDUE, data__referral_id=referral.pk
        ).exists()
        if warned:
            continue
        add_event(
            referral.case,
            EventKind.OVERDUE,
            at=now,
            referral_id=referral.pk,
            agency=referral.agency.name,
            due_at=referral.due_at.isoformat(),
        )
        title = _("转介给%(agency)s的事项逾期未答复（个案 %(number)s）") % {
            "agency": referral.agency.name,
            "number": referral.case.number,
        }
        body = _("答复期限：%(due)s。可以打印督促处理意见并督促对方办理。") % {
            "due": timezone.localtime(referral.due_at).strftime("%Y-%m-%d %H:%M")
        }
        if referral.sent_by is not None and referral.sent_by.is_active:
            notify(referral.sent_by, title, body, _url(referral), "warning")
        else:
            notify_unit_leaders(referral.org, title, body, _url(referral), "warning")
        counts["referrals"] += 1


def sweep(*, now=None) -> dict:
    """Mark soon-due and overdue cases and overdue referrals; alert each once on entering.

    Running it twice alerts nobody twice. Returns counts: soon, overdue (cases that entered
    that state now), ok, cleared (states reset), referrals (newly overdue referrals).
    """
    now = now or timezone.now()
    counts = {"soon": 0, "overdue": 0, "ok": 0, "cleared": 0, "referrals": 0}
    with transaction.atomic():
        _sweep_cases(now, counts)
        _sweep_referrals(now, counts)
        if any(counts.values()):
            audit.write_event(
                kind=AuditKind.CHANGE,
                action="sweep",
                object_type=Case._meta.label_lower,
                detail={"at": now.isoformat(), **counts},
            )
    return counts


def describe_sweep(counts: dict) -> str:
    """One line for the scheduler's log and the command's output."""
    return (
        f"新进入“即将到期” {counts['soon']} 件，新超期 {counts['overdue']} 件，"
        f"恢复正常 {counts['ok']} 件，清除期限状态 {counts['cleared']} 件，"
        f"新逾期未答复的转介 {counts['referrals']} 件。"
    )


def how_late(due_at, now) -> dict:
    """How late (or how soon) a deadline is, in words: 逾期 3 天 / 逾期 5 小时 / 剩 2 天."""
    if due_at is None:
        return {"text": "", "late": False}
    delta = now - due_at
    late = delta.total_seconds() > 0
    seconds = abs(delta.total_seconds())
    if seconds >= 86400:
        amount = _("%(n)d 天") % {"n": seconds // 86400}
    else:
        amount = _("%(n)d 小时") % {"n": max(1, seconds // 3600)}
    return {"text": (_("逾期 ") if late else _("剩 ")) + amount, "late": late}
