"""Twelve months of demo history for the statistics: closed appeals spread over the past
twelve calendar months, and a few appeals still in hand, so that the dashboard's trend,
rankings, on-time rates and the report forms show real figures.

The closed cases are history: registering ~700 cases through the services one by one would
take minutes, so they are written in bulk, each as the services would have left it at the
end — a proper number from the unit's case counter (``next_case_number`` for the year it came
in), deadlines from the deadline policy, an outcome and an outcome note, the follow-up call
with its satisfaction, and the timeline (registered, accepted, started, resolved, followed
up, closed) dated when each step happened. The statistics triggers count bulk inserts like
any other write. Every history case carries the client reference ``demo-history-NNNN`` and
an anonymous complainant (history keeps no personal data); one audit row records the load.

One street lags: 安澜街道 (和平区) closes more cases after the deadline and hears fewer
"满意", and of its cases still in hand most are overdue — so on 和平区's dashboard it ranks
last by on-time rate. Those cases still in hand are registered and accepted through the
cases services (they are live work, not history).

Idempotent: nothing is added when the history is already there.
"""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.cases import choices as C
from jinguo.cases import deadlines
from jinguo.cases.models import Case, CaseEvent, Category, FollowUp
from jinguo.cases.services import intake, workflow
from jinguo.cases.services.common import case_is_sensitive, case_search_text
from jinguo.cases.services.numbering import next_case_number
from jinguo.core import audit
from jinguo.orgs.choices import UnitKind
from jinguo.orgs.models import OrgUnit

from . import cases_text as T
from . import tree
from .cases_data import CHANNEL_WEIGHTS

REFERENCE_PREFIX = "demo-history-"
LAGGING_STREET = "990101002"  # 安澜街道妇联, 和平区
HISTORY_CASES = 720
# More appeals around 三八 and after the Spring Festival, in summer and at the year's end.
MONTH_WEIGHTS = {1: 8, 2: 9, 3: 13, 4: 10, 5: 9, 6: 10, 7: 12, 8: 11, 9: 8, 10: 6, 11: 9, 12: 10}
# Where the appeals are handled, by unit code prefix: weight of the district's units.
DISTRICT_WEIGHTS = {"990101": 45, "990102": 35, "990103": 20}
# Who handled them: the rights officer of the district (or the street's own officer).
OFFICERS = {"990101001": "jiedao", "990101": "weiquan", "990102": "weiquan2", "990103": "weiquan3"}
# Share of cases closed after the deadline, and of "满意" at the follow-up.
LATE_SHARE = {"lagging": 0.35, "normal": 0.06}
SATISFIED_SHARE = {"lagging": 0.5, "normal": 0.82}
# Appeals still in hand, per unit under 和平区: (overdue, on time). The lagging street runs late.
OPEN_CASES = {"990101002": (6, 3), "990101003": (1, 6), "990101001": (0, 4), "990101E01": (0, 2)}


def is_loaded() -> bool:
    return Case.objects.filter(client_reference__startswith=REFERENCE_PREFIX).exists()


def month_starts(now: datetime, count: int = 12) -> list:
    """The first day of each of the ``count`` calendar months before the current one."""
    first = timezone.localtime(now).date().replace(day=1)
    months = []
    for _i in range(count):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first)
    return months


class History:
    def __init__(self, *, seed: int = 1203, now: datetime | None = None):
        self.rng = random.Random(seed)
        self.now = now or timezone.now()
        self.latest = self.now - timedelta(hours=6)
        self.units = list(
            OrgUnit.objects.filter(
                code__startswith=tree.CITY[0],
                kind__in=[UnitKind.COUNTY, UnitKind.TOWNSHIP, UnitKind.COMMUNITY],
            ).order_by("code")
        )
        self.users = {
            u.username: u for u in User.objects.filter(username__in=[*OFFICERS.values(), "admin"])
        }
        self.categories = {c.code: c for c in Category.objects.select_related("parent")}
        self.scenarios = [s for s in T.SCENARIOS if s.code in self.categories]
        self.counts = {"cases": 0, "events": 0, "open": 0}

    # --- picking -------------------------------------------------------------------

    def unit_weights(self) -> tuple[list, list]:
        units, weights = [], []
        for unit in self.units:
            district = unit.code[:6]
            if district not in DISTRICT_WEIGHTS:
                continue
            share = {UnitKind.COUNTY: 6, UnitKind.TOWNSHIP: 3, UnitKind.COMMUNITY: 1}[unit.kind]
            if unit.code.startswith(LAGGING_STREET):
                share *= 2  # a busy street as well as a slow one
            units.append(unit)
            weights.append(DISTRICT_WEIGHTS[district] * share)
        return units, weights

    def officer(self, unit) -> User | None:
        for prefix in sorted(OFFICERS, key=len, reverse=True):
            if unit.code.startswith(prefix) and OFFICERS[prefix] in self.users:
                return self.users[OFFICERS[prefix]]
        return self.users.get("admin")

    def received(self, month) -> datetime:
        """A working hour of a day in ``month``, before the last days before now."""
        rng = self.rng
        next_month = (month + timedelta(days=32)).replace(day=1)
        day = month + timedelta(days=rng.randrange((next_month - month).days))
        at = datetime.combine(day, time(8, 30)) + timedelta(minutes=rng.randint(0, 9 * 60))
        return min(timezone.make_aware(at), self.now - timedelta(days=4))

    # --- the closed cases -----------------------------------------------------------

    def build(self, n: int, month, unit) -> tuple[Case, list[CaseEvent], FollowUp | None]:
        rng = self.rng
        s = rng.choices(self.scenarios, weights=[x.weight for x in self.scenarios])[0]
        category = self.categories[s.code]
        received = self.received(month)
        officer = self.officer(unit)
        kind = "lagging" if unit.path.startswith(self.lagging_path) else "normal"
        case = Case(
            org=unit,
            org_path=unit.path,
            channel=rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0],
            received_at=received,
            summary=s.summary,
            category=category.parent or category,
            subcategory=category if category.parent_id else None,
            gbv_type=rng.choice(s.gbv) if s.gbv else "",
            urgency=s.urgency,
            involves_minor=s.minor,
            anonymous=True,
            status=C.Status.CLOSED,
            assigned_to=officer,
            outcome=s.outcome,
            outcome_note=T.OUTCOME_NOTES[s.outcome],
            client_reference=f"{REFERENCE_PREFIX}{n:04d}",
            created_by=officer,
            created_at=received,
        )
        case.is_sensitive = case_is_sensitive(case)
        case.number = next_case_number(unit, at=received)
        case.search_text = case_search_text(case)
        policy = deadlines.policy_for(case)
        room = self.latest - received  # everything happens before now
        accepted = received + min(timedelta(hours=rng.uniform(1, 72)), room * 0.1)
        started = accepted + min(timedelta(hours=rng.uniform(1, 48)), room * 0.1)
        finish_due = deadlines.add_amount(received, policy.finish_amount, policy.finish_unit)
        if rng.random() < LATE_SHARE[kind]:
            resolved = finish_due + timedelta(days=rng.uniform(1, 25))
        else:
            resolved = started + (finish_due - started) * rng.uniform(0.1, 0.9)
        resolved = min(resolved, received + room * 0.7)
        closed = min(resolved + timedelta(days=rng.uniform(1, 6)), received + room * 0.95)
        case.accepted_at, case.resolved_at, case.closed_at = accepted, resolved, closed
        case.satisfaction = (
            C.Satisfaction.SATISFIED
            if rng.random() < SATISFIED_SHARE[kind]
            else C.Satisfaction.BASICALLY
        )
        for name, value in deadlines.compute_deadlines(case, policy, self.now).items():
            setattr(case, name, value)
        follow_up = None
        if officer is not None:
            follow_up = FollowUp(
                case=case,
                called_at=closed,
                caller=officer,
                satisfaction=case.satisfaction,
                result=C.FollowUpResult.CLOSED,
                note=T.FOLLOW_UP_NOTES[C.FollowUpResult.CLOSED],
            )
        events = self.timeline(case, officer, unit, accepted, started)
        return case, events, follow_up

    @staticmethod
    def timeline(case, officer, unit, accepted, started) -> list[CaseEvent]:
        S, K = C.Status, C.EventKind
        home = getattr(officer, "home_unit_id", None)

        def event(kind, at, from_status="", to_status="", **data):
            return CaseEvent(
                case=case,
                kind=kind,
                at=at,
                actor=officer,
                actor_unit_id=home,
                from_status=from_status,
                to_status=to_status,
                data=data,
            )

        return [
            event(
                K.REGISTERED,
                case.received_at,
                "",
                S.REGISTERED,
                channel=case.channel,
                unit_id=unit.pk,
                unit=unit.name,
            ),
            event(K.ACCEPTED, accepted, S.REGISTERED, S.ACCEPTED),
            event(K.STARTED, started, S.ACCEPTED, S.IN_PROGRESS),
            event(K.RESOLVED, case.resolved_at, S.IN_PROGRESS, S.RESOLVED, outcome=case.outcome),
            event(
                K.FOLLOWED_UP,
                case.closed_at,
                satisfaction=case.satisfaction,
                result=C.FollowUpResult.CLOSED,
            ),
            event(K.CLOSED, case.closed_at, S.RESOLVED, S.CLOSED),
        ]

    def load_closed(self) -> None:
        rng = self.rng
        months = month_starts(self.now)
        weights = [MONTH_WEIGHTS[m.month] for m in months]
        # Every month has some; the rest follow the seasons.
        picked = months + rng.choices(months, weights=weights, k=HISTORY_CASES - len(months))
        picked.sort()
        units, unit_weights = self.unit_weights()
        cases, events, follow_ups = [], [], []
        with deadlines.policies_cached():
            for n, month in enumerate(picked, start=1):
                unit = rng.choices(units, weights=unit_weights)[0]
                case, timeline, follow_up = self.build(n, month, unit)
                cases.append(case)
                events.append(timeline)
                follow_ups.append(follow_up)
        Case.objects.bulk_create(cases, batch_size=200)
        for case, timeline, follow_up in zip(cases, events, follow_ups, strict=True):
            for event in timeline:
                event.case = case
            if follow_up is not None:
                follow_up.case = case
        flat = [e for timeline in events for e in timeline]
        CaseEvent.objects.bulk_create(flat, batch_size=500)
        FollowUp.objects.bulk_create([f for f in follow_ups if f is not None], batch_size=500)
        self.counts["cases"] += len(cases)
        self.counts["events"] += len(flat)

    # --- the appeals still in hand ------------------------------------------------------

    def load_open(self) -> None:
        """Registered and accepted through the services by 和平区's rights officer: the
        lagging street's are mostly past their deadline, the others' mostly within it."""
        officer = self.users.get("weiquan")
        if officer is None:
            return
        rng = self.rng
        plain = [s for s in self.scenarios if not s.sensitive and s.urgency == C.Urgency.NORMAL]
        for code, (late, in_time) in OPEN_CASES.items():
            unit = OrgUnit.objects.filter(code=code).first()
            if unit is None:
                continue
            for overdue in [True] * late + [False] * in_time:
                s = rng.choice(plain)
                category = self.categories[s.code]
                days = rng.randint(75, 120) if overdue else rng.randint(5, 30)
                case = intake.case_create(
                    user=officer,
                    org=unit,
                    channel=rng.choice([C.Channel.WALK_IN, C.Channel.HOTLINE_12338]),
                    summary=s.summary,
                    narrative=s.narrative,
                    category=category.parent or category,
                    subcategory=category if category.parent_id else None,
                    received_at=self.now - timedelta(days=days, hours=rng.randint(0, 8)),
                    anonymous=True,
                )
                workflow.case_accept(user=officer, case=case, note=s.note)
                # The timeline as it happened; the final sweep raises the overdue alerts.
                received = case.received_at
                events = CaseEvent.objects.filter(case=case)
                events.filter(kind=C.EventKind.REGISTERED).update(at=received)
                events.filter(kind=C.EventKind.ACCEPTED).update(at=received + timedelta(days=1))
                Case.objects.filter(pk=case.pk).update(
                    created_at=received,
                    accepted_at=received + timedelta(days=1),
                    due_state=C.DueState.OK,
                )
                self.counts["open"] += 1


def load_history(*, stdout=None, now: datetime | None = None) -> dict[str, int]:
    """Load the twelve months of history once; returns what was created."""
    city = OrgUnit.objects.filter(code=tree.CITY[0]).first()
    if city is None:
        raise RuntimeError("the demo units are missing: run `manage.py demo` first")
    history = History(now=now)
    if is_loaded():
        if stdout is not None:
            stdout.write("示范统计历史数据已存在，跳过。")
        return history.counts
    lagging = OrgUnit.objects.get(code=LAGGING_STREET)
    history.lagging_path = lagging.path
    with transaction.atomic():
        history.load_closed()
        history.load_open()
        deadlines.sweep(now=history.now)
        audit.record_change(
            history.users.get("admin"),
            city,
            "demo_history",
            cases_created=history.counts["cases"],
            open_cases_created=history.counts["open"],
            reference_prefix=REFERENCE_PREFIX,
        )
    if stdout is not None:
        stdout.write(
            "示范统计历史：近 12 个月已结案个案 {cases} 件（时间线 {events} 条），"
            "在办个案 {open} 件。".format(**history.counts)
        )
    return history.counts
