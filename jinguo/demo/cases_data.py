"""Demo appeals and cases for 示范市: partner agencies with their users, and a few hundred
fictional cases in every channel and state, with referrals, mediations, follow-ups and
extension requests.

Everything goes through the cases services, acting as the demo accounts (the 12338 operator
registers a call and passes it down, a district rights officer accepts and assigns, an agency
user answers a referral…), so numbers, timeline events, shares and audit rows are real. The
services stamp "now"; afterwards each step's timeline event and timestamps are moved back to
the moment the story gives it, deadlines are recomputed and one deadline sweep raises the
due-soon and overdue alerts. Loading is skipped when the demo city already has cases.
"""

import contextlib
import random
from datetime import datetime, timedelta
from functools import partial

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.urls import NoReverseMatch
from django.utils import timezone

from jinguo.accounts.models import Role, User
from jinguo.cases import choices as C
from jinguo.cases import deadlines
from jinguo.cases.models import Agency, AgencyMember, Case, Category, Referral
from jinguo.cases.services import agencies as agency_services
from jinguo.core import audit
from jinguo.core.models import Notification
from jinguo.orgs.choices import UnitKind
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import Person, PersonTag

from . import cases_text as T
from . import tree
from .cases_story import CITY_CHANNELS, HANDLERS, OFFICERS, CaseStory, Plan

# Rights officers beyond tree.USERS, so that every district has someone handling cases.
EXTRA_USERS = [("weiquan3", "孙丽萍", "990103", "rights_officer", "滨江区妇联权益部干部")]

HANDLER_WEIGHTS = {
    "weiquan": 50,
    "jiedao": 50,
    "chair": 35,
    "weiquan2": 60,
    "chair2": 25,
    "weiquan3": 40,
}

# How many cases end in each state (260 in all).
STATUS_QUOTAS = {
    C.Status.REGISTERED: 25,
    C.Status.ACCEPTED: 20,
    C.Status.DECLINED: 18,
    C.Status.ASSIGNED: 25,
    C.Status.IN_PROGRESS: 72,
    C.Status.RESOLVED: 35,
    C.Status.CLOSED: 65,
}
# Days between receipt and now, by final state: (low, high) buckets with weights.
AGE_BUCKETS = {
    C.Status.REGISTERED: [((0, 2), 4), ((3, 12), 4), ((14, 20), 2)],
    C.Status.ACCEPTED: [((1, 10), 6), ((11, 25), 4)],
    C.Status.DECLINED: [((3, 150), 1)],
    C.Status.ASSIGNED: [((2, 20), 6), ((21, 45), 4)],
    C.Status.IN_PROGRESS: [
        ((4, 24), 5),
        ((26, 29), 1),
        ((30, 55), 2),
        ((57, 59), 1),
        ((62, 95), 2),
    ],
    C.Status.RESOLVED: [((12, 100), 1)],
    C.Status.CLOSED: [((25, 180), 1)],
}
CHANNEL_WEIGHTS = {
    C.Channel.HOTLINE_12338: 30,
    C.Channel.HOTLINE_OTHER: 8,
    C.Channel.WALK_IN: 18,
    C.Channel.LETTER: 6,
    C.Channel.EMAIL: 4,
    C.Channel.PORTAL: 10,
    C.Channel.GRID: 12,
    C.Channel.TRANSFER: 6,
    C.Channel.PUBLIC_OPINION: 3,
}
CASE_COUNT = sum(STATUS_QUOTAS.values())
WORKING_STATUSES = (C.Status.IN_PROGRESS, C.Status.RESOLVED, C.Status.CLOSED)


def flag(counts: dict, name: str, every: int) -> bool:
    """True for every ``every``-th candidate: spreads the rarer stories over the cases."""
    counts[name] += 1
    return counts[name] % every == 1


class Loader:
    def __init__(self, *, seed: int = 2026, now: datetime | None = None):
        self.rng = random.Random(seed)
        self.now = now or timezone.now()
        self.users = {u.username: u for u in User.objects.select_related("home_unit")}
        self.units = {u.code: u for u in OrgUnit.objects.filter(code__startswith="99")}
        self.categories = {c.code: c for c in Category.objects.select_related("parent")}
        self.agencies: dict[str, Agency] = {}
        self.referral_counts: dict[int, int] = {}
        self.kinds_used: set[str] = set()
        self.used: dict[int, list[datetime]] = {}  # complainant -> received times
        self.counts = dict.fromkeys(
            ("users", "agencies", "agency_users", "cases", "referrals", "mediations", "follow_ups"),
            0,
        )

    # --- agencies and accounts ---------------------------------------------------------

    def ensure_accounts(self, password: str) -> None:
        """The extra rights officers and one account per agency, made as agency_user_create
        makes them (partner role, the agency's unit as home, membership, audit rows) but
        with the password hashed once: a PBKDF2 hash per account would cost seconds."""
        admin = self.users["admin"]
        hashed = None
        partner_role = Role.objects.get(code=agency_services.PARTNER_ROLE)
        wanted = [(*row, None) for row in EXTRA_USERS] + [
            (r.username, r.real_name, r.unit, None, r.title, r) for r in T.AGENCIES
        ]
        for username, real_name, unit_code, role_code, title, agency_row in wanted:
            if agency_row is not None:
                self.agencies[username] = self.ensure_agency(admin, agency_row)
            if username in self.users:
                continue
            hashed = hashed or make_password(password)
            role = Role.objects.get(code=role_code) if role_code else partner_role
            home = self.agencies[username].org if agency_row else self.units[unit_code]
            user = User.objects.create(
                username=username,
                real_name=real_name,
                title=title,
                home_unit=home,
                password=hashed,
                must_change_password=False,
            )
            user.roles.set([role])
            audit.record_change(
                admin, user, "create", after={**audit.snapshot(user), "roles": [role.code]}
            )
            if agency_row is not None:
                self.add_member(admin, self.agencies[username], user)
                self.counts["agency_users"] += 1
            else:
                self.counts["users"] += 1
            self.users[username] = user
        # The legal-aid account of the first demo release answers for the legal-aid centre.
        partner = self.users.get("partner")
        if partner is not None and not AgencyMember.objects.filter(user=partner).exists():
            self.add_member(admin, self.agencies["legalaid"], partner)

    def ensure_agency(self, admin: User, row: T.AgencyRow) -> Agency:
        agency = Agency.objects.filter(org=self.units[row.unit], name=row.name).first()
        if agency is None:
            agency = agency_services.agency_create(
                user=admin,
                org=self.units[row.unit],
                name=row.name,
                kind=row.kind,
                contact_name=row.contact,
                contact_phone=row.phone,
                address=row.address,
                services=row.services,
            )
            self.counts["agencies"] += 1
        return agency

    @staticmethod
    def add_member(admin: User, agency: Agency, user: User) -> None:
        member = AgencyMember.objects.create(agency=agency, user=user)
        audit.record_change(
            admin,
            agency,
            "update",
            before={"member_added": None},
            after={"member_added": user.pk, "membership_id": member.pk},
        )

    # --- planning ----------------------------------------------------------------------

    def plans(self) -> list[Plan]:
        rng = self.rng
        statuses = [s for s, n in STATUS_QUOTAS.items() for _i in range(n)]
        # The first plans walk through every scenario in a working state, so that each
        # scenario's referrals and mediations occur at least once.
        working = [s for s in statuses if s in WORKING_STATUSES]
        rest = [s for s in statuses if s not in WORKING_STATUSES]
        rng.shuffle(working)
        head, tail = working[: len(T.SCENARIOS)], working[len(T.SCENARIOS) :] + rest
        rng.shuffle(tail)
        statuses = head + tail
        channels = list(C.Channel.values)  # every channel at least once
        channels += rng.choices(
            list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()), k=CASE_COUNT
        )
        channels = channels[:CASE_COUNT]
        pools = self.person_pools()
        plans = []
        flags = {"escalate": 0, "extension": 0, "reopen": 0, "transfer": 0}
        for i, (status, channel) in enumerate(zip(statuses, channels, strict=True)):
            if i < len(T.SCENARIOS):
                scenario = T.SCENARIOS[i]
            else:
                scenario = rng.choices(T.SCENARIOS, weights=[s.weight for s in T.SCENARIOS])[0]
            handlers = [h for h in HANDLER_WEIGHTS if h in OFFICERS or not scenario.sensitive]
            if channel == C.Channel.GRID:
                handlers = [h for h in handlers if h in ("chair", "chair2", "jiedao")] or handlers
            handler = rng.choices(handlers, weights=[HANDLER_WEIGHTS[h] for h in handlers])[0]
            plan = Plan(status, scenario, channel, handler, self.received(status, scenario))
            plan.stay_at_city = (
                status == C.Status.REGISTERED and channel in CITY_CHANNELS and rng.random() < 0.5
            )
            if (
                handler == "weiquan2"
                and channel not in CITY_CHANNELS
                and status in WORKING_STATUSES
            ):
                plan.transfer = flag(flags, "transfer", 6)
            self.pick_complainant(plan, pools)
            if handler == "jiedao" and status == C.Status.IN_PROGRESS:
                plan.escalate = flag(flags, "escalate", 5)
            if status in (C.Status.IN_PROGRESS, C.Status.CLOSED):
                plan.reopen = flag(flags, "reopen", 12)
            if status == C.Status.IN_PROGRESS and not plan.escalate and flag(flags, "extension", 5):
                n = flags["extension"] // 5
                plan.extension = ("approved", "pending", "rejected", "pending")[n % 4]
            plans.append(plan)
        plans.sort(key=lambda p: p.received)
        self.mark_repeats(plans)
        return plans

    def received(self, status: str, scenario: T.Scenario) -> datetime:
        """When the appeal came in: recent for urgent and violence cases still waiting (their
        deadlines are hours or a day), spread over months for the others."""
        rng = self.rng
        if status == C.Status.REGISTERED and scenario.urgency == C.Urgency.URGENT:
            return self.now - timedelta(minutes=rng.randint(20, 300))
        if status == C.Status.REGISTERED and scenario.gbv:
            return self.now - timedelta(hours=rng.randint(2, 30))
        low, high = rng.choices(*zip(*AGE_BUCKETS[status], strict=True))[0]
        if scenario.gbv and status in WORKING_STATUSES:
            high = min(high, 36)  # finish within 30 days: only a few run over
            low = min(low, high)
        days = rng.randint(low, high)
        return self.now - timedelta(days=days, hours=rng.randint(0, 9), minutes=rng.randint(0, 59))

    def person_pools(self) -> dict[str, tuple[list, list]]:
        """Adult women on file per handler (outside deeper handlers' units): (all, non-sensitive)."""
        women = list(
            Person.objects.filter(
                org_path__startswith=tree.CITY[0] + "/", gender="F", merged_into__isnull=True
            ).order_by("pk")
        )
        women = [w for w in women if (w.age(self.now.date()) or 0) >= 20]
        paths = {h: self.units[code].path for code, h in HANDLERS.items()}
        pools = {}
        for handler, path in paths.items():
            deeper = [p for p in paths.values() if p != path and p.startswith(path)]
            mine = [
                w
                for w in women
                if w.org_path.startswith(path) and not any(w.org_path.startswith(d) for d in deeper)
            ]
            pools[handler] = (mine, [w for w in mine if not w.is_sensitive])
        self.dv_women = set(
            PersonTag.objects.filter(tag_type__name="家庭暴力受害人").values_list(
                "person_id", flat=True
            )
        )
        return pools

    def pick_complainant(self, plan: Plan, pools) -> None:
        rng = self.rng
        everyone, plain = pools[plan.handler]
        visible_to_registrar = plain if plan.handler in ("chair", "chair2") else everyone
        if plan.channel == C.Channel.GRID and plan.handler == "chair":
            grid_path = self.users["grid"].home_unit.path  # the grid worker sees her grid only
            visible_to_registrar = [w for w in plain if w.org_path.startswith(grid_path)]
        roll = rng.random()
        if (
            plan.transfer
            or plan.channel == C.Channel.PUBLIC_OPINION
            or (plan.scenario.sensitive and roll < 0.08)
        ):
            plan.anonymous = True
        elif roll < 0.12 and plan.channel in (C.Channel.HOTLINE_12338, C.Channel.WALK_IN):
            plan.new_complainant = self.new_person(plan.handler)
        elif visible_to_registrar:
            if plan.scenario.code == "family-violence":
                dv = [w for w in visible_to_registrar if w.pk in self.dv_women]
                visible_to_registrar = dv or visible_to_registrar
            free = [w for w in visible_to_registrar if self.free(w, plan.received)]
            if free:
                plan.complainant = rng.choice(free)
                self.used.setdefault(plan.complainant.pk, []).append(plan.received)
            else:
                plan.new_complainant = self.new_person(plan.handler)
        else:
            plan.new_complainant = self.new_person(plan.handler)

    def free(self, person: Person, received: datetime) -> bool:
        """Not the complainant of another case within 35 days (that would be a repeat)."""
        return all(
            abs(received - other) > timedelta(days=35) for other in self.used.get(person.pk, ())
        )

    def new_person(self, handler: str) -> dict:
        """A caller not on file yet, filed with a community where she lives."""
        home = self.users[handler].home_unit
        communities = [
            u
            for u in self.units.values()
            if u.kind == UnitKind.COMMUNITY and u.path.startswith(home.path)
        ]
        person = T.new_person(self.rng)
        person["org"] = self.rng.choice(sorted(communities, key=lambda u: u.code))
        return person

    def mark_repeats(self, plans: list[Plan]) -> None:
        """About one case in twenty comes again from the same woman within 30 days."""
        with_person = [p for p in plans if p.complainant is not None]
        for i, later in enumerate(with_person):
            if i % 20 != 7 or later.status == C.Status.DECLINED:
                continue
            earlier = [
                p
                for p in with_person[:i]
                if p.handler == later.handler
                and (p.channel == later.channel or later.registrar_sees_all)
                and timedelta(0) < later.received - p.received
                and later.received - p.received < timedelta(days=28)
            ]
            if earlier:
                later.complainant = earlier[-1].complainant
                later.repeat = True

    # --- running -----------------------------------------------------------------------

    def load(self) -> dict[str, int]:
        for plan in self.plans():
            CaseStory(self, plan).run()
            self.counts["cases"] += 1
        # Notifications are saved after commit, in order: the workers have long read those
        # of the story; the sweep's alerts that follow stay unread.
        transaction.on_commit(partial(mark_read, since=self.now))
        deadlines.sweep(now=self.now)
        return self.counts

    def pick_agency(self, handler: User, kind: str) -> Agency | None:
        path = handler.home_unit.path
        reachable = [
            a
            for a in self.agencies.values()
            if a.kind == kind and (path.startswith(a.org_path) or a.org_path.startswith(path))
        ]
        if not reachable:
            return None
        agency = min(reachable, key=lambda a: (self.referral_counts.get(a.pk, 0), a.pk))
        self.referral_counts[agency.pk] = self.referral_counts.get(agency.pk, 0) + 1
        self.kinds_used.add(kind)
        return agency


def mark_read(*, since: datetime) -> None:
    """Mark the story's notifications read, except an agency's news of a referral it has
    still to answer."""
    waiting = []
    for referral in Referral.objects.filter(status=C.ReferralStatus.SENT):
        with contextlib.suppress(NoReverseMatch):
            waiting.append(referral.get_absolute_url())
    Notification.objects.filter(created_at__gte=since, read_at__isnull=True).exclude(
        url__in=waiting
    ).update(read_at=timezone.now())


def load_cases(*, password: str, stdout=None, seed: int = 2026) -> dict[str, int]:
    """Load the agencies, their users and the demo cases once; returns what was created."""
    city = OrgUnit.objects.filter(code=tree.CITY[0]).first()
    if city is None:
        raise RuntimeError("the demo units are missing: run `manage.py demo` first")
    loader = Loader(seed=seed)
    loader.ensure_accounts(password)
    if Case.objects.filter(org_path__subtree=city.path).exists():
        if stdout is not None:
            stdout.write("示范维权个案已存在，跳过。")
        return loader.counts
    counts = loader.load()
    if stdout is not None:
        stdout.write(
            "示范维权个案：{cases} 件、转介 {referrals} 次、调解 {mediations} 次、"
            "回访 {follow_ups} 次；合作机构 {agencies} 家。".format(**counts)
        )
    return counts
