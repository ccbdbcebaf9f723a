"""The early-warning checks (维权预警), one function per ``AlertRule.code``.

A check receives its rule (level, params) and a ``Context`` saying what to look at: everything
(the first sweep, ``ctx.full``) or only what changed since the last sweep (``ctx.changed``:
ids of persons, cases, orders, visits, breaches, follow-up calls), plus the ids of the
subjects it has open warnings about (``ctx.open_keys``) for checks whose danger also ends with
time. It answers an ``Evaluation``: which subjects it looked at (``checked``; None for
everything) and which of them are in danger now (``holding``), each a ``Subject`` with a key
such as "person:12", the unit the warning belongs to, and a summary that names nobody.

``Subject.since`` is when this occurrence of the danger arose: a rule warns once per
occurrence, so a warning resolved by hand is not raised again until something new happens
(a new assessment, a new case, a new breach).

What resolves each rule (``AlertRule.resolves_when``) — decided per rule:
- high_risk, rising_band: automatically, once a later assessment is no longer high / rising.
- repeat_victim: automatically, once fewer than two violence cases fall in the 12 months.
- order_expiring: automatically, when the order is extended, ends, or her risk falls.
- order_breach: by hand only (a breach is an event; someone must record what was done).
- visit_missed: automatically, when a later visit reaches her (or the missed one is recorded);
  for a case's own follow-up call, when the case is called again or leaves "resolved".
- urgent_no_action: automatically, once an emergency step or any handling step is recorded.
- minor_violence: automatically, when the case is closed or declined.
- violence_recurred: automatically, once she has been reassessed after the visit.
- warning_visit_missed: automatically, when the missed 告诫书 visit is recorded after all.

Who is told: the rule's audience (``AlertRule.audience``). The code that records an event and
already tells the leaders itself (a violence case's unreachable follow-up call in ``cases``, a
missed 告诫书 visit in ``visits_sweep``) marks its subjects ``leaders_told``, and an expiring
order is told only through its warning (``orders_sweep`` stays silent while the rule is on):
each event reaches each person once.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jinguo.cases import choices as case_choices
from jinguo.cases.models import Case, CaseEvent, CaseParty, Category, FollowUp
from jinguo.people.models import ADULT_AGE

from ..choices import LEVEL_RANK, ORDER_IN_FORCE, PlanStatus, RiskLevel, VisitState
from ..models import (
    EmergencyAction,
    OrderBreach,
    ProtectionOrder,
    ProtectiveVisit,
    RiskAssessment,
    WarningVisit,
)
from ..selectors.shelter import checklist_hours

CHUNK = 5000
# Steps on a case's timeline that are not somebody acting on it.
NOT_ACTION = (
    case_choices.EventKind.REGISTERED,
    case_choices.EventKind.DUE_SOON,
    case_choices.EventKind.OVERDUE,
    case_choices.EventKind.REPEAT,
)
CLOSED_CASE = (case_choices.Status.CLOSED, case_choices.Status.DECLINED)


@dataclass(frozen=True)
class Subject:
    key: str
    org_id: int
    summary: str
    since: datetime
    person_id: int | None = None
    case_id: int | None = None
    # Who hears of it when the case has no worker (an order's maker); and whether the code that
    # recorded the event already told the unit's leaders, so the warning does not tell them twice.
    worker_id: int | None = None
    leaders_told: bool = False


@dataclass
class Evaluation:
    checked: set[str] | None  # None: every subject of the rule was looked at
    holding: dict[str, Subject] = field(default_factory=dict)

    def add(self, subject: Subject) -> None:
        self.holding[subject.key] = subject


@dataclass
class Context:
    now: datetime
    full: bool
    # kind -> ids changed since the watermark (or touched by one write)
    changed: dict[str, set[int]] = field(default_factory=dict)
    # keys of the subjects this rule has open warnings about ("person:12")
    open_keys: set[str] = field(default_factory=set)
    since: datetime | None = None
    cache: dict = field(default_factory=dict)

    def open_of(self, kind: str) -> set[int]:
        prefix = f"{kind}:"
        return {int(k[len(prefix) :]) for k in self.open_keys if k.startswith(prefix)}

    @property
    def today(self):
        return timezone.localdate(self.now)

    def ids(self, kind: str) -> set[int]:
        return self.changed.get(kind, set())


def chunks(ids, size=CHUNK):
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def violence_q(prefix: str = "") -> Q:
    """Violence cases, without a join: the violence categories are few."""
    ids = list(Category.objects.filter(is_violence=True).values_list("pk", flat=True))
    return (
        ~Q(**{f"{prefix}gbv_type": ""})
        | Q(**{f"{prefix}category_id__in": ids})
        | Q(**{f"{prefix}subcategory_id__in": ids})
    )


def _midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# --- assessments ------------------------------------------------------------------------------


def _assessment_rows(ctx: Context) -> dict[int, list[tuple]]:
    """{person: [(level, org, case, created_at), previous]} — shared by the two risk rules."""
    key = "assessments"
    if key in ctx.cache:
        return ctx.cache[key]
    fields = ("person_id", "level", "org_id", "case_id", "created_at")
    rows: dict[int, list[tuple]] = defaultdict(list)

    def take(qs):
        for person_id, *rest in qs.order_by("person_id", "-assessed_at", "-id").values_list(
            *fields
        ):
            if len(rows[person_id]) < 2:
                rows[person_id].append(tuple(rest))

    if ctx.full:
        take(RiskAssessment.objects.all())
    else:
        for part in chunks(ctx.ids("persons")):
            take(RiskAssessment.objects.filter(person_id__in=part))
    ctx.cache[key] = rows
    return rows


def _checked_persons(ctx: Context) -> set[str] | None:
    return None if ctx.full else {f"person:{p}" for p in ctx.ids("persons")}


def high_risk(rule, ctx: Context) -> Evaluation:
    result = Evaluation(_checked_persons(ctx))
    for person_id, history in _assessment_rows(ctx).items():
        level, org_id, case_id, created_at = history[0]
        if level == RiskLevel.HIGH:
            result.add(
                Subject(
                    f"person:{person_id}",
                    org_id,
                    _("最近一次风险评估为高风险"),
                    created_at,
                    person_id,
                    case_id,
                )
            )
    return result


def rising_band(rule, ctx: Context) -> Evaluation:
    result = Evaluation(_checked_persons(ctx))
    for person_id, history in _assessment_rows(ctx).items():
        if len(history) < 2 or LEVEL_RANK[history[0][0]] <= LEVEL_RANK[history[1][0]]:
            continue
        level, org_id, case_id, created_at = history[0]
        result.add(
            Subject(
                f"person:{person_id}",
                org_id,
                _("风险等级上升：%(old)s → %(new)s")
                % {"old": RiskLevel(history[1][0]).label, "new": RiskLevel(level).label},
                created_at,
                person_id,
                case_id,
            )
        )
    return result


def _latest_levels(person_ids) -> dict[int, str]:
    levels: dict[int, str] = {}
    for part in chunks(person_ids):
        for person_id, level in (
            RiskAssessment.objects.filter(person_id__in=part)
            .order_by("person_id", "-assessed_at", "-id")
            .values_list("person_id", "level")
        ):
            levels.setdefault(person_id, level)
    return levels


# --- cases ------------------------------------------------------------------------------------


def repeat_victim(rule, ctx: Context) -> Evaluation:
    """Two or more violence cases about the same woman within ``months`` months."""
    need = int(rule.params.get("cases", 2))
    start = ctx.now - timedelta(days=30 * int(rule.params.get("months", 12)))
    if ctx.full:
        persons = None
        checked = None
    else:
        persons = set(ctx.ids("persons")) | ctx.open_of("person")
        for part in chunks(ctx.ids("cases")):
            persons |= set(
                Case.objects.filter(pk__in=part, complainant__isnull=False).values_list(
                    "complainant_id", flat=True
                )
            )
            persons |= set(
                CaseParty.objects.filter(
                    case_id__in=part, role=case_choices.PartyRole.VICTIM, person__isnull=False
                ).values_list("person_id", flat=True)
            )
        checked = {f"person:{p}" for p in persons}
    cases_of: dict[int, dict[int, tuple]] = defaultdict(dict)
    base = Case.objects.filter(violence_q(), received_at__gte=start)
    party_base = CaseParty.objects.filter(
        violence_q("case__"),
        role=case_choices.PartyRole.VICTIM,
        person__isnull=False,
        case__received_at__gte=start,
    )
    columns = ("id", "org_id", "created_at")

    def take(case_qs, party_qs):
        for person_id, *row in case_qs.values_list("complainant_id", *columns):
            cases_of[person_id][row[0]] = tuple(row)
        for person_id, *row in party_qs.values_list("person_id", *(f"case__{c}" for c in columns)):
            cases_of[person_id][row[0]] = tuple(row)

    if persons is None:
        # Only women with two cases at all can qualify: find them in the database.
        counted = (
            base.filter(complainant__isnull=False)
            .values("complainant_id")
            .annotate(n=Count("id"))
            .filter(n__gte=need)
            .values_list("complainant_id", flat=True)
        )
        take(Case.objects.none(), party_base)
        # A woman named as the victim of one case and complainant of another counts too.
        named = set(cases_of)
        take(base.filter(complainant_id__in=counted), CaseParty.objects.none())
        for part in chunks(named):
            take(base.filter(complainant_id__in=part), CaseParty.objects.none())
    else:
        for part in chunks(persons):
            take(base.filter(complainant_id__in=part), party_base.filter(person_id__in=part))
    result = Evaluation(checked)
    for person_id, found in cases_of.items():
        if len(found) < need or (checked is not None and f"person:{person_id}" not in checked):
            continue
        latest = max(found.values(), key=lambda r: (r[2], r[0]))
        result.add(
            Subject(
                f"person:{person_id}",
                latest[1],
                _("12个月内第 %(n)d 次因家庭暴力求助") % {"n": len(found)},
                latest[2],
                person_id,
                latest[0],
            )
        )
    return result


def act_within_hours(rule) -> tuple[dict[str, int], int]:
    """Hours allowed before a first action, by violence type: the emergency checklist's that
    serves the type (one policy for the checklist and the warning), else the rule's ``hours``
    for cases no active checklist serves."""
    by_type, every_type = checklist_hours()
    return by_type, every_type if every_type is not None else int(rule.params.get("hours", 2))


def urgent_no_action(rule, ctx: Context) -> Evaluation:
    """An urgent violence case on which nobody has acted within the hours its emergency
    checklist allows (``act_within_hours``) after it came in."""
    by_type, other = act_within_hours(rule)
    late = Q(pk__in=[])
    for gbv_type, hours in by_type.items():
        late |= Q(gbv_type=gbv_type, received_at__lte=ctx.now - timedelta(hours=hours))
    late |= ~Q(gbv_type__in=list(by_type)) & Q(received_at__lte=ctx.now - timedelta(hours=other))
    longest = max([other, *by_type.values()])
    open_urgent = (
        Case.objects.filter(violence_q(), urgency=case_choices.Urgency.URGENT)
        .filter(late)
        .exclude(status__in=CLOSED_CASE)
        .order_by()
    )
    if ctx.full:
        lookback = ctx.now - timedelta(days=int(rule.params.get("lookback_days", 30)))
        candidates = open_urgent.filter(received_at__gte=lookback)
        checked = None
        ids = None
    else:
        # Cases that crossed their threshold since the last sweep, cases that changed, and
        # those already warned about (an action since resolves them).
        since = ctx.since or ctx.now
        crossed = set(
            open_urgent.filter(received_at__gt=since - timedelta(hours=longest)).values_list(
                "pk", flat=True
            )
        )
        ids = crossed | set(ctx.ids("cases")) | ctx.open_of("case")
        checked = {f"case:{pk}" for pk in ids}
        candidates = None
    result = Evaluation(checked)
    columns = ("id", "org_id", "complainant_id", "received_at", "gbv_type")
    rows = []
    if candidates is not None:
        rows = list(candidates.values_list(*columns))
    else:
        for part in chunks(ids):
            rows += list(open_urgent.filter(pk__in=part).values_list(*columns))
    acted = set()
    for part in chunks([r[0] for r in rows]):
        acted |= set(
            EmergencyAction.objects.filter(case_id__in=part).values_list("case_id", flat=True)
        )
        acted |= set(
            CaseEvent.objects.filter(case_id__in=part)
            .exclude(kind__in=NOT_ACTION)
            .values_list("case_id", flat=True)
        )
    for case_id, org_id, person_id, received_at, gbv_type in rows:
        if case_id in acted:
            continue
        hours = by_type.get(gbv_type, other)
        result.add(
            Subject(
                f"case:{case_id}",
                org_id,
                _("紧急家暴个案登记已超过 %(h)d 小时，尚无人处置") % {"h": hours},
                received_at + timedelta(hours=hours),
                person_id,
                case_id,
            )
        )
    return result


def minor_violence(rule, ctx: Context) -> Evaluation:
    """A minor in an open violence case: flagged on the case, a child party, or a
    complainant under 18 when the case came in."""
    open_violence = Case.objects.filter(violence_q()).exclude(status__in=CLOSED_CASE).order_by()
    if ctx.full:
        checked, scope = None, open_violence
    else:
        ids = set(ctx.ids("cases"))
        checked = {f"case:{pk}" for pk in ids}
        scope = open_violence.filter(pk__in=list(ids)[: CHUNK * 20])
    born_after = ctx.today.replace(year=ctx.today.year - ADULT_AGE - 1)
    with_child = CaseParty.objects.filter(case=OuterRef("pk"), role=case_choices.PartyRole.CHILD)
    # One pass over the open violence cases: the three ways a minor shows, the complainant's
    # age checked below on the day the case came in.
    found = scope.filter(
        Q(involves_minor=True) | Q(complainant__birth_date__gt=born_after) | Exists(with_child)
    ).values_list(
        "id",
        "org_id",
        "complainant_id",
        "created_at",
        "involves_minor",
        "received_at",
        "complainant__birth_date",
        Exists(with_child),
    )
    result = Evaluation(checked)
    for case_id, org_id, person_id, created_at, flagged, received_at, birth_date, child in found:
        if not (flagged or child):
            on = timezone.localdate(received_at)
            age = (
                on.year
                - birth_date.year
                - ((on.month, on.day) < (birth_date.month, birth_date.day))
            )
            if age >= ADULT_AGE:
                continue
        result.add(
            Subject(
                f"case:{case_id}",
                org_id,
                _("家暴个案涉及未成年人"),
                created_at,
                person_id,
                case_id,
            )
        )
    return result


# --- orders -----------------------------------------------------------------------------------


def order_expiring(rule, ctx: Context) -> Evaluation:
    """An order in force ending within ``days`` days while her risk is medium or high."""
    days = int(rule.params.get("days", 14))
    window = ProtectionOrder.objects.filter(
        status__in=ORDER_IN_FORCE,
        effective_until__gte=ctx.today,
        effective_until__lte=ctx.today + timedelta(days=days),
    )
    # Time moves the window: every order in it, and every order warned about, is looked at.
    rows = list(
        window.values_list(
            "id", "org_id", "person_id", "case_id", "effective_until", "created_by_id"
        )
    )
    checked = (
        None
        if ctx.full
        else {f"order:{r[0]}" for r in rows} | {f"order:{pk}" for pk in ctx.open_of("order")}
    )
    levels = _latest_levels({r[2] for r in rows})
    result = Evaluation(checked)
    for order_id, org_id, person_id, case_id, until, maker_id in rows:
        if levels.get(person_id) not in (RiskLevel.MEDIUM, RiskLevel.HIGH):
            continue
        left = (until - ctx.today).days
        result.add(
            Subject(
                f"order:{order_id}",
                org_id,
                _("人身安全保护令 %(n)d 天后到期，当事人仍有中高风险，请考虑申请延长")
                % {"n": left},
                _midnight(until - timedelta(days=days)),
                person_id,
                case_id,
                worker_id=maker_id,
            )
        )
    return result


def order_breach(rule, ctx: Context) -> Evaluation:
    """A breach of a protection order: warned once; ends by hand."""
    lookback = ctx.now - timedelta(days=int(rule.params.get("lookback_days", 90)))
    qs = OrderBreach.objects.filter(recorded_at__gte=lookback)
    if not ctx.full:
        qs = qs.filter(pk__in=list(ctx.ids("breaches")))
    result = Evaluation(None if ctx.full else {f"breach:{pk}" for pk in ctx.ids("breaches")})
    for pk, org_id, person_id, case_id, recorded_at in qs.values_list(
        "id", "org_id", "person_id", "order__case_id", "recorded_at"
    ):
        result.add(
            Subject(
                f"breach:{pk}",
                org_id,
                _("被申请人违反人身安全保护令"),
                recorded_at,
                person_id,
                case_id,
            )
        )
    return result


# --- protective visits -----------------------------------------------------------------------


def visit_missed(rule, ctx: Context) -> Evaluation:
    """A protective visit missed or not reaching her; a violence case's follow-up call that
    could not reach her. Warns the unit leader; a later visit that reaches her resolves it."""
    lookback = ctx.now - timedelta(days=int(rule.params.get("lookback_days", 90)))
    result = Evaluation(None)
    visits = ProtectiveVisit.objects.filter(
        state__in=(VisitState.MISSED, VisitState.UNREACHABLE), plan__status=PlanStatus.ACTIVE
    )
    follow_ups = FollowUp.objects.filter(
        result=case_choices.FollowUpResult.UNREACHABLE,
        case__status=case_choices.Status.RESOLVED,
    ).filter(violence_q("case__"))
    if ctx.full:
        visits = visits.filter(updated_at__gte=lookback)
        follow_ups = follow_ups.filter(called_at__gte=lookback)
    else:
        visit_ids = set(ctx.ids("visits")) | ctx.open_of("visit")
        call_ids = set(ctx.ids("followups")) | ctx.open_of("followup")
        # A new call or a case moving on settles an earlier call of the same case.
        for part in chunks(ctx.ids("cases")):
            call_ids |= set(
                FollowUp.objects.filter(
                    case_id__in=part, result=case_choices.FollowUpResult.UNREACHABLE
                ).values_list("pk", flat=True)
            )
        plans = set(
            ProtectiveVisit.objects.filter(pk__in=list(ctx.ids("visits"))).values_list(
                "plan_id", flat=True
            )
        )
        # A visit recorded later in the same plan settles the earlier missed one.
        visit_ids |= set(
            ProtectiveVisit.objects.filter(
                plan_id__in=plans, state__in=(VisitState.MISSED, VisitState.UNREACHABLE)
            ).values_list("pk", flat=True)
        )
        result.checked = {f"visit:{pk}" for pk in visit_ids} | {f"followup:{pk}" for pk in call_ids}
        visits = visits.filter(pk__in=list(visit_ids))
        follow_ups = follow_ups.filter(pk__in=list(call_ids))
    rows = list(
        visits.values_list(
            "id", "plan_id", "due_on", "org_id", "person_id", "case_id", "state", "updated_at"
        )
    )
    reached = defaultdict(list)
    for plan_id, due_on in ProtectiveVisit.objects.filter(
        plan_id__in={r[1] for r in rows}, state=VisitState.DONE
    ).values_list("plan_id", "due_on"):
        reached[plan_id].append(due_on)
    for pk, plan_id, due_on, org_id, person_id, case_id, state, stamp in rows:
        if any(d >= due_on for d in reached[plan_id]):
            continue
        summary = (
            _("保护性回访逾期未进行")
            if state == VisitState.MISSED
            else _("保护性回访未联系上当事人")
        )
        result.add(Subject(f"visit:{pk}", org_id, summary, stamp, person_id, case_id))
    calls = list(
        follow_ups.values_list("id", "case_id", "case__org_id", "case__complainant_id", "called_at")
    )
    later = dict(
        FollowUp.objects.filter(case_id__in={c[1] for c in calls})
        .values("case_id")
        .annotate(last=Max("called_at"))
        .values_list("case_id", "last")
    )
    for pk, case_id, org_id, person_id, called_at in calls:
        if later.get(case_id) and later[case_id] > called_at:
            continue
        result.add(
            Subject(
                f"followup:{pk}",
                org_id,
                _("家暴个案回访未联系上当事人"),
                called_at,
                person_id,
                case_id,
                # cases.services.workflow told the case unit's leaders when the call was logged.
                leaders_told=True,
            )
        )
    return result


def violence_recurred(rule, ctx: Context) -> Evaluation:
    """Violence again, found on a protective visit: until she is reassessed."""
    lookback = ctx.now - timedelta(days=int(rule.params.get("lookback_days", 90)))
    qs = ProtectiveVisit.objects.filter(recurred=True, done_at__isnull=False)
    if ctx.full:
        qs = qs.filter(done_at__gte=lookback)
        checked = None
    else:
        ids = set(ctx.ids("visits")) | ctx.open_of("visit")
        persons = list(ctx.ids("persons"))
        for part in chunks(persons):
            ids |= set(
                ProtectiveVisit.objects.filter(
                    person_id__in=part, recurred=True, done_at__gte=lookback
                ).values_list("pk", flat=True)
            )
        qs = qs.filter(pk__in=list(ids))
        checked = {f"visit:{pk}" for pk in ids}
    rows = list(qs.values_list("id", "org_id", "person_id", "case_id", "done_at"))
    last_assessed = dict(
        RiskAssessment.objects.filter(person_id__in={r[2] for r in rows})
        .values("person_id")
        .annotate(last=Max("created_at"))
        .values_list("person_id", "last")
    )
    result = Evaluation(checked)
    for pk, org_id, person_id, case_id, done_at in rows:
        if last_assessed.get(person_id) and last_assessed[person_id] >= done_at:
            continue
        result.add(
            Subject(
                f"visit:{pk}",
                org_id,
                _("回访发现再次发生家庭暴力，请重新评估风险"),
                done_at,
                person_id,
                case_id,
            )
        )
    return result


def warning_visit_missed(rule, ctx: Context) -> Evaluation:
    """A 告诫书 follow-up visit past its day and not recorded (``visits_sweep`` marks it missed
    and tells the leaders up the tree). Few rows, so every missed visit in the window is looked
    at each time; recording the visit after all resolves the warning."""
    lookback = ctx.today - timedelta(days=int(rule.params.get("lookback_days", 90)))
    result = Evaluation(None)
    for pk, org_id, person_id, case_id, due_on in WarningVisit.objects.filter(
        state=VisitState.MISSED, due_on__gte=lookback
    ).values_list("id", "org_id", "person_id", "warning__case_id", "due_on"):
        result.add(
            Subject(
                f"wvisit:{pk}",
                org_id,
                _("告诫书回访逾期未登记"),
                _midnight(due_on + timedelta(days=1)),
                person_id,
                case_id,
                leaders_told=True,
            )
        )
    return result


RULES: dict[str, Callable[..., Evaluation]] = {
    "high_risk": high_risk,
    "repeat_victim": repeat_victim,
    "rising_band": rising_band,
    "order_expiring": order_expiring,
    "order_breach": order_breach,
    "visit_missed": visit_missed,
    "urgent_no_action": urgent_no_action,
    "minor_violence": minor_violence,
    "violence_recurred": violence_recurred,
    "warning_visit_missed": warning_visit_missed,
}
