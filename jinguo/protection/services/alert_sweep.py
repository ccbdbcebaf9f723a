"""The early-warning sweep: runs the checks of ``alert_rules``, raises new warnings (one open
per rule and subject), resolves those whose danger has passed (rules resolved by condition),
and leaves alone those a person must resolve.

- alerts_sweep(now=None, *, full=False) -> SweepResult          (scheduler job, every 10 min)
- alerts_evaluate(changed, now=None) -> SweepResult              (after a relevant write)
- alerts_escalate(now=None) -> int                               (scheduler job)

Incremental: each rule keeps a watermark (``AlertRule.swept_at``). A sweep re-checks only the
subjects whose source rows changed since then (assessments, cases, orders, breaches, visits,
follow-up calls, emergency steps; a few minutes of overlap for late commits), the subjects of
time-bound rules by indexed date ranges, and the open warnings of rules whose danger ends with
time. A rule never swept (new, or re-activated) is checked in full. A second sweep with nothing
changed reads a few small ranges and writes no warning.
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.cases.models import Case, FollowUp
from jinguo.core import audit
from jinguo.core.bulk import insert_rows
from jinguo.core.models import Notification
from jinguo.core.notifications import LEADER_ROLE
from jinguo.orgs.models import OrgUnit

from ..choices import AlertAudience, AlertLevel, AlertResolves, AlertStatus
from ..models import (
    Alert,
    AlertRule,
    EmergencyAction,
    OrderBreach,
    ProtectionOrder,
    ProtectiveVisit,
    RiskAssessment,
)
from .alert_rules import RULES, Context, Evaluation, Subject, chunks

logger = logging.getLogger(__name__)

# Rows committed a little after they were stamped are still caught by the next sweep.
OVERLAP = timedelta(minutes=5)
# Checks whose danger can end (or begin) with the passing of time alone: their open warnings
# are looked at again on every sweep.
TIME_BOUND = {"repeat_victim", "urgent_no_action", "order_expiring"}
AUTO_RESOLUTION = "情形已消除，系统自动解除"


@dataclass
class SweepResult:
    raised: int = 0
    resolved: int = 0
    rules: dict = field(default_factory=dict)

    def __str__(self):
        return _("新增预警 %(r)d 条，自动解除 %(s)d 条") % {"r": self.raised, "s": self.resolved}


def describe(result) -> str:
    return str(result)


# --- what changed --------------------------------------------------------------------------------


def changed_since(since) -> dict[str, set[int]]:
    """Ids of the source rows written since ``since``, by kind."""
    changed: dict[str, set[int]] = {}
    changed["persons"] = set(
        RiskAssessment.objects.filter(updated_at__gte=since).values_list("person_id", flat=True)
    )
    cases = Case.objects.filter(updated_at__gte=since).values_list("pk", "complainant_id")
    changed["cases"] = set()
    for pk, person_id in cases:
        changed["cases"].add(pk)
        if person_id:
            changed["persons"].add(person_id)
    changed["cases"] |= set(
        EmergencyAction.objects.filter(done_at__gte=since).values_list("case_id", flat=True)
    )
    changed["breaches"] = set(
        OrderBreach.objects.filter(recorded_at__gte=since).values_list("pk", flat=True)
    )
    changed["orders"] = set(
        ProtectionOrder.objects.filter(updated_at__gte=since).values_list("pk", flat=True)
    )
    changed["visits"] = set(
        ProtectiveVisit.objects.filter(updated_at__gte=since).values_list("pk", flat=True)
    )
    changed["followups"] = set(
        FollowUp.objects.filter(called_at__gte=since).values_list("pk", flat=True)
    )
    return changed


# --- applying one rule's evaluation ------------------------------------------------------------


def _open_alerts(rule, keys) -> dict[str, int]:
    """{subject: alert id} of the rule's open warnings (among ``keys``; None: all)."""
    qs = Alert.objects.filter(rule=rule).exclude(status=AlertStatus.RESOLVED)
    if keys is None:
        return dict(qs.values_list("subject", "pk"))
    found = {}
    for part in chunks(keys):
        found.update(qs.filter(subject__in=part).values_list("subject", "pk"))
    return found


def _already_warned(rule, subjects: list[Subject]) -> set[str]:
    """Subjects this rule warned about since the danger arose (open or resolved by hand)."""
    warned = set()
    for part in chunks(subjects):
        earliest = min(s.since for s in part)
        since_of = {s.key: s.since for s in part}
        for key, raised_at in Alert.objects.filter(
            rule=rule, subject__in=list(since_of), raised_at__gte=earliest
        ).values_list("subject", "raised_at"):
            if raised_at >= since_of[key]:
                warned.add(key)
    return warned


def apply(rule, evaluation: Evaluation, now) -> tuple[list[Alert], list[Alert]]:
    """Raise and resolve for one rule; returns (raised, resolved)."""
    keys = None if evaluation.checked is None else evaluation.checked | set(evaluation.holding)
    open_now = _open_alerts(rule, keys)
    fresh = [s for k, s in evaluation.holding.items() if k not in open_now]
    warned = _already_warned(rule, fresh) if fresh else set()
    fresh = [s for s in fresh if s.key not in warned]
    resolved = []
    if rule.resolves_when == AlertResolves.CONDITION:
        ended = [
            pk
            for key, pk in open_now.items()
            if key not in evaluation.holding
            and (evaluation.checked is None or key in evaluation.checked)
        ]
        for part in chunks(ended):
            resolved += list(Alert.objects.filter(pk__in=part))
    if not fresh and not resolved:
        return [], []
    paths = dict(OrgUnit.objects.filter(pk__in={s.org_id for s in fresh}).values_list("pk", "path"))
    raised = [
        Alert(
            rule=rule,
            level=rule.level,
            subject=s.key,
            person_id=s.person_id,
            case_id=s.case_id,
            org_id=s.org_id,
            org_path=paths[s.org_id],
            summary=s.summary[:200],
            raised_at=now,
        )
        for s in fresh
    ]
    with transaction.atomic():
        with audit.batched():
            created = insert_rows(Alert, raised)
            for alert in created:
                audit.record_change(
                    None,
                    alert,
                    "create",
                    after={"rule": rule.code, "subject": alert.subject, "level": alert.level},
                    step="alert_raise",
                )
            for alert in resolved:
                alert.status, alert.resolved_at = AlertStatus.RESOLVED, now
                alert.updated_at = now
                alert.resolution = AUTO_RESOLUTION
                alert.version += 1
                audit.record_change(
                    None,
                    alert,
                    "update",
                    before={"status": AlertStatus.OPEN},
                    after={"status": AlertStatus.RESOLVED},
                    step="alert_auto_resolve",
                )
        for part in chunks(resolved, 1000):
            Alert.objects.bulk_update(
                part, ["status", "resolved_at", "resolution", "version", "updated_at"]
            )
        if created:
            _announce(rule, created, {s.key: s for s in fresh})
    return created, resolved


# --- who is told --------------------------------------------------------------------------------


def leaders_by_unit(unit_ids) -> dict[int, list[int]]:
    """{unit: [leader user ids]}: the shipped leader role or view_sensitive, like
    core.notifications.unit_leaders, for many units in one query."""
    found: dict[int, list[int]] = {}
    rows = (
        get_user_model()
        .objects.filter(home_unit_id__in=list(unit_ids), is_active=True)
        .filter(
            Q(roles__code=LEADER_ROLE)
            | Q(
                roles__permissions__content_type__app_label="core",
                roles__permissions__codename="view_sensitive",
            )
        )
        .values_list("home_unit_id", "pk")
        .distinct()
    )
    for unit_id, user_id in rows:
        found.setdefault(unit_id, []).append(user_id)
    return found


def _announce(rule, alerts: list[Alert], subjects: dict[str, Subject]) -> None:
    """Tell the rule's audience after commit: the case's worker (or, without one, the person
    the subject names, e.g. the order's maker) and/or the unit's leaders, unless the code that
    recorded the event already told them."""
    level = "danger" if rule.level == AlertLevel.RED else "warning"
    recipients: list[tuple[int, Alert]] = []
    if rule.audience in (AlertAudience.LEADER, AlertAudience.BOTH):
        untold = [a for a in alerts if not subjects[a.subject].leaders_told]
        leaders = leaders_by_unit({a.org_id for a in untold})
        recipients += [(u, a) for a in untold for u in leaders.get(a.org_id, [])]
    if rule.audience in (AlertAudience.WORKER, AlertAudience.BOTH):
        workers = dict(
            Case.objects.filter(
                pk__in={a.case_id for a in alerts if a.case_id}, assigned_to__isnull=False
            ).values_list("pk", "assigned_to_id")
        )
        for alert in alerts:
            worker = workers.get(alert.case_id) or subjects[alert.subject].worker_id
            if worker:
                recipients.append((worker, alert))
    active = set(
        get_user_model()
        .objects.filter(pk__in={u for u, _a in recipients}, is_active=True)
        .values_list("pk", flat=True)
    )
    recipients = [(u, a) for u, a in recipients if u in active]
    seen = set()
    notes = []
    for user_id, alert in recipients:
        if (user_id, alert.pk) in seen:
            continue
        seen.add((user_id, alert.pk))
        notes.append(
            Notification(
                recipient_id=user_id,
                title=(
                    _("%(level)s预警：%(rule)s")
                    % {"level": alert.get_level_display(), "rule": rule.name}
                )[:200],
                body=alert.summary,
                url=alert.get_absolute_url(),
                level=level,
            )
        )
    if notes:
        transaction.on_commit(lambda: Notification.objects.bulk_create(notes, batch_size=1000))


# --- the runs -----------------------------------------------------------------------------------


def _run(rules, ctx_for, now) -> SweepResult:
    result = SweepResult()
    for rule in rules:
        check = RULES.get(rule.code)
        if check is None:
            logger.warning("early-warning rule %s has no check", rule.code)
            continue
        ctx = ctx_for(rule)
        if not ctx.full and rule.code in TIME_BOUND:
            ctx.open_keys = set(
                Alert.objects.filter(rule=rule)
                .exclude(status=AlertStatus.RESOLVED)
                .values_list("subject", flat=True)
            )
        began = time.perf_counter()
        evaluation = check(rule, ctx)
        try:
            raised, resolved = apply(rule, evaluation, now)
        except IntegrityError:
            # A concurrent run (a write's check and the sweep) raised the same warning first.
            raised, resolved = apply(rule, evaluation, now)
        result.raised += len(raised)
        result.resolved += len(resolved)
        result.rules[rule.code] = (len(raised), len(resolved), time.perf_counter() - began)
    return result


def alerts_sweep(now=None, *, full=False) -> SweepResult:
    now = now or timezone.now()
    rules = list(AlertRule.objects.filter(is_active=True))
    marks = [r.swept_at for r in rules if r.swept_at is not None and not full]
    since = min(marks) - OVERLAP if marks else None
    changed = changed_since(since) if since is not None else {}
    shared: dict = {}

    def ctx_for(rule):
        incremental = not full and rule.swept_at is not None
        if incremental:
            return Context(now=now, full=False, changed=changed, since=since, cache=shared)
        return Context(now=now, full=True, cache=shared.setdefault("full", {}))

    result = _run(rules, ctx_for, now)
    AlertRule.objects.filter(pk__in=[r.pk for r in rules]).update(swept_at=now)
    return result


def alerts_evaluate(changed: dict[str, set[int]], now=None) -> SweepResult:
    """Check at once what one write touched (the post_save receivers call this after commit),
    so a red warning does not wait for the next sweep. Watermarks are left alone."""
    now = now or timezone.now()
    changed = {k: set(v) for k, v in changed.items() if v}
    if not changed:
        return SweepResult()
    rules = list(AlertRule.objects.filter(is_active=True))
    shared: dict = {}
    return _run(
        rules,
        lambda rule: Context(now=now, full=False, changed=changed, since=now, cache=shared),
        now,
    )


# --- escalation ---------------------------------------------------------------------------------


def alerts_escalate(now=None) -> int:
    """A warning of a rule with ``escalate_after_hours`` (red ones) nobody has signed for in
    that time is told to the leaders of the unit above, once."""
    now = now or timezone.now()
    count = 0
    for rule in AlertRule.objects.filter(escalate_after_hours__isnull=False):
        cutoff = now - timedelta(hours=rule.escalate_after_hours)
        alerts = list(
            Alert.objects.filter(
                rule=rule,
                status=AlertStatus.OPEN,
                escalated_at__isnull=True,
                raised_at__lte=cutoff,
            ).select_related("org")[:2000]
        )
        if not alerts:
            continue
        targets = {a.pk: (a.org.parent_id or a.org_id) for a in alerts}
        leaders = leaders_by_unit(set(targets.values()))
        notes = []
        with transaction.atomic():
            with audit.batched():
                for alert in alerts:
                    alert.escalated_at, alert.version = now, alert.version + 1
                    alert.updated_at = now
                    to = leaders.get(targets[alert.pk], [])
                    audit.record_change(
                        None,
                        alert,
                        "update",
                        before={"escalated_at": None},
                        after={"escalated_at": now.isoformat()},
                        step="alert_escalate",
                        unit_id=targets[alert.pk],
                        recipients=len(to),
                    )
                    notes += [
                        Notification(
                            recipient_id=user_id,
                            title=(
                                _("下级单位%(level)s预警超过 %(h)d 小时无人签收")
                                % {
                                    "level": alert.get_level_display(),
                                    "h": rule.escalate_after_hours,
                                }
                            )[:200],
                            body=f"{rule.name}：{alert.summary}",
                            url=alert.get_absolute_url(),
                            level="danger",
                        )
                        for user_id in to
                    ]
            Alert.objects.bulk_update(alerts, ["escalated_at", "version", "updated_at"])
            if notes:
                transaction.on_commit(lambda n=notes: Notification.objects.bulk_create(n))
        count += len(alerts)
    return count
