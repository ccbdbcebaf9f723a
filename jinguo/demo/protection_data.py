"""Demo protection records for 示范市: risk assessments and safety plans, police warnings with
their committee visits, protection orders in every state, two shelters (one nearly full),
urgent violence cases with the emergency checklist, mandatory reports, protective follow-up,
a screening campaign half reported, public-opinion entries and the early warnings all of this
raises.

Everything goes through the protection and cases services, acting as the demo accounts, so
audit rows, shares, schedules and notifications are real. Services stamp "now"; where a story
needs the past (a plan started 40 days ago, a visit due last week) the dates the services
accept are given, and the few they do not are moved back afterwards, as cases_data does.
The sweeps run last, so the warnings are the ones the scheduler would raise. Loading is
skipped when the demo city already has risk assessments.

The stories live by concept: risk and orders in protection_orders, those on cases (urgent
calls, mandatory reports, follow-up) in protection_cases, shelters, screening, opinions and
the sweeps here; their words in protection_text.
"""

from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from jinguo.accounts.models import Role, User
from jinguo.cases import choices as C
from jinguo.cases.models import Case, Category
from jinguo.core import audit
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import HouseholdMember, Person
from jinguo.protection import choices as P
from jinguo.protection.models import (
    Alert,
    Instrument,
    RiskAssessment,
    ScreeningReport,
)
from jinguo.protection.services import (
    alert_sweep,
    alerts,
    emergency,
    followup,
    opinions,
    screening,
    shelter,
)
from jinguo.protection.services.alert_rules import violence_q
from jinguo.protection.services.orders import protection_orders, warnings

from . import protection_text as T
from . import tree
from .protection_cases import OFFICERS, CaseStories
from .protection_orders import RiskAndOrders

# A community chair for a second community of 春晖街道, so that its screening campaign has
# more than one unit that can report.
EXTRA_USERS = [("chair3", "郑秀梅", "990101001002", "community_chair", "杏林社区妇联主席")]
HEPING, XINHUA = "990101", "990102"
FANGCAO = "990101001001"


class Loader(RiskAndOrders, CaseStories):
    def __init__(self, *, now: datetime | None = None):
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)
        self.users = {u.username: u for u in User.objects.select_related("home_unit")}
        self.units = {u.code: u for u in OrgUnit.objects.filter(code__startswith="99")}
        self.used: set[int] = set()
        self.counts = dict.fromkeys(
            (
                "users",
                "assessments",
                "safety_plans",
                "warnings",
                "orders",
                "shelters",
                "stays",
                "urgent_cases",
                "reports",
                "plans",
                "visits",
                "campaigns",
                "disputes",
                "opinions",
                "alerts",
            ),
            0,
        )
        instrument = Instrument.objects.filter(is_default=True, is_active=True).first()
        items = list(instrument.items.order_by("number")) if instrument else []
        self.plain_items = [str(i.number) for i in items if not i.forces_level]
        self.forcing_items = [str(i.number) for i in items if i.forces_level]
        self.all_items = [str(i.number) for i in items]

    # --- accounts and people -----------------------------------------------------------------

    def ensure_accounts(self, password: str) -> None:
        admin = self.users.get("admin")
        for username, real_name, unit_code, role_code, title in EXTRA_USERS:
            if username in self.users:
                continue
            role = Role.objects.get(code=role_code)
            user = User.objects.create(
                username=username,
                real_name=real_name,
                title=title,
                home_unit=self.units[unit_code],
                password=make_password(password),
                must_change_password=False,
            )
            user.roles.set([role])
            audit.record_change(
                admin, user, "create", after={**audit.snapshot(user), "roles": [role.code]}
            )
            self.users[username] = user
            self.counts["users"] += 1

    def u(self, name: str) -> User:
        return self.users[name]

    def at(self, days: float = 0, hours: float = 0) -> datetime:
        """A moment ``days`` and ``hours`` ago."""
        return self.now - timedelta(days=days, hours=hours)

    def women(self, code: str) -> list[Person]:
        """Adult women filed under the unit ``code`` not yet used by another story."""
        path = self.units[code].path
        found = Person.objects.filter(
            org_path__subtree=path, gender="F", merged_into__isnull=True, is_active=True
        ).order_by("pk")
        return [w for w in found if (w.age(self.today) or 0) >= 20 and w.pk not in self.used]

    def take(self, pool: list[Person], *, plain: bool = False) -> Person:
        """The next woman of ``pool`` not used yet (``plain``: not a sensitive record, for
        those who may not open one)."""
        for person in list(pool):
            if person.pk in self.used or (plain and person.is_sensitive):
                continue
            pool.remove(person)
            self.used.add(person.pk)
            return person
        raise RuntimeError("the demo has run out of women to tell protection stories about")

    def violence_cases(self, code: str) -> list[Case]:
        """Open violence cases of the district with a complainant on file in it."""
        path = self.units[code].path
        return list(
            Case.objects.filter(
                violence_q(),
                org_path__subtree=path,
                complainant__org_path__subtree=path,
                status__in=(C.Status.IN_PROGRESS, C.Status.ASSIGNED, C.Status.ACCEPTED),
                anonymous=False,
            )
            .select_related("complainant")
            .order_by("received_at", "pk")
        )

    def case_person(self, cases: list[Case], fallback: list[Person]) -> tuple[Person, Case | None]:
        """A woman and her open violence case, or a woman without one when none is left."""
        while cases:
            case = cases.pop(0)
            if case.complainant_id not in self.used:
                self.used.add(case.complainant_id)
                return case.complainant, case
        return self.take(fallback), None

    def child_of(self, mother: Person) -> Person | None:
        member = (
            HouseholdMember.objects.filter(
                household__members__person=mother,
                person__birth_date__gt=self.today - timedelta(days=16 * 365),
            )
            .exclude(person=mother)
            .select_related("person")
            .order_by("person_id")
            .first()
        )
        return member.person if member is not None else None

    # --- the order of things ---------------------------------------------------------------

    def load(self) -> dict[str, int]:
        self.heping = self.women(HEPING)
        self.fangcao = [w for w in self.heping if w.org_path.startswith(self.units[FANGCAO].path)]
        self.heping = [w for w in self.heping if w not in self.fangcao]
        self.xinhua = self.women(XINHUA)
        self.heping_cases = self.violence_cases(HEPING)
        self.xinhua_cases = self.violence_cases(XINHUA)
        self.category = Category.objects.get(code="family-violence")
        self.risk()
        self.police_warnings()
        self.orders()
        self.shelters()
        self.urgent_cases()
        self.mandatory_reports()
        self.protective_followup()
        self.screening()
        self.opinions()
        self.sweeps()
        return self.counts

    # --- shelters ---------------------------------------------------------------------------

    def shelters(self) -> None:
        """和平区's station nearly full (9 of 10 beds, one stay past its planned end), 新华区's
        with room; its staff are the district officers, so only they see the addresses."""
        built = {}
        for code, name, address, phone, rooms, beds in T.SHELTERS:
            officer = self.u(OFFICERS[code])
            built[code] = shelter.shelter_create(
                user=officer,
                org=self.units[code],
                name=name,
                address=address,
                phone=phone,
                rooms=rooms,
                beds=beds,
                staff=[officer],
            )
            self.counts["shelters"] += 1
        weiquan, weiquan2 = self.u("weiquan"), self.u("weiquan2")
        reasons = iter(T.STAY_REASONS * 2)

        def admit(user, place, person, case, days, planned, children=()):
            self.counts["stays"] += 1
            return shelter.stay_admit(
                user=user,
                shelter=place,
                person=person,
                case=case,
                children=children,
                admitted_at=self.at(days, 5),
                planned_leave_on=self.today - timedelta(days=days) + timedelta(days=planned),
                reason=next(reasons),
            )

        # Earlier guests who have left.
        for destination, days in (
            (P.StayDestination.RELATIVES, 70),
            (P.StayDestination.NEW_HOME, 45),
        ):
            stay = admit(weiquan, built[HEPING], self.take(self.heping), None, days, 30)
            shelter.stay_leave(
                user=weiquan,
                stay=stay,
                left_at=self.at(days - 21),
                destination=destination,
                destination_note=T.STAY_NOTES[destination],
            )
        # Seven women and two children now: the first with the woman at high risk.
        (rising, case), (counted, case2), _judged = self.high
        first = admit(weiquan, built[HEPING], rising, case, 3, 30)
        admit(weiquan, built[HEPING], counted, case2, 25, 21)  # past its planned end
        mothers = [
            w for w in self.heping if w.pk not in self.used and self.child_of(w) is not None
        ][:2]
        for mother in mothers:
            self.used.add(mother.pk)
            admit(weiquan, built[HEPING], mother, None, 10, 30, children=[self.child_of(mother)])
        for days in (2, 6, 14):
            admit(weiquan, built[HEPING], self.take(self.heping), None, days, 30)
        shelter.stay_share_location(
            user=weiquan, stay=first, grantee=self.u("jiedao"), reason=T.SHARE_REASON
        )
        for days in (4, 18):
            admit(weiquan2, built[XINHUA], self.take(self.xinhua), None, days, 30)

    # --- screening and public opinion --------------------------------------------------------

    def screening(self) -> None:
        """春晖街道's campaign to its four communities: 芳草 and 杏林 have reported, 朝阳
        and 兰亭 not yet."""
        title, instructions = T.CAMPAIGN
        campaign = screening.campaign_issue(
            user=self.u("jiedao"),
            title=title,
            kind=P.CampaignKind.SPECIAL,
            scope=[P.DisputeKind.VIOLENCE, P.DisputeKind.MARRIAGE, P.DisputeKind.NEIGHBOUR],
            due_on=self.today + timedelta(days=5),
            instructions=instructions,
        )
        self.counts["campaigns"] += 1
        reports = {r.org.code: r for r in ScreeningReport.objects.filter(campaign=campaign)}
        home = {"chair": FANGCAO, "grid": FANGCAO, "chair3": "990101001002"}
        for days, (who, kind, risk, parties, description, action) in enumerate(T.DISPUTES, 1):
            screening.entry_create(
                user=self.u(who),
                report=reports[home[who]],
                kind=kind,
                risk=risk,
                parties=parties,
                description=description,
                action_taken=action,
                found_on=self.today - timedelta(days=days),
            )
            self.counts["disputes"] += 1
        screening.report_submit(
            user=self.u("chair"), report=reports[FANGCAO], note="已会同网格员完成排查。"
        )
        screening.report_submit(user=self.u("chair3"), report=reports["990101001002"])

    def opinions(self) -> None:
        for who, source, level, days, title, summary, handling, closed in T.OPINIONS:
            user = self.u(who)
            cases = []
            if who == "weiquan" and level == P.OpinionLevel.LARGE:
                cases = [c.pk for c in self.heping_cases[:1]]
            item = opinions.opinion_create(
                user=user,
                source=source,
                occurred_on=self.today - timedelta(days=days),
                title=title,
                summary=summary,
                level=level,
                handling=handling,
                units=[user.home_unit.pk],
                cases=cases,
            )
            if closed:
                opinions.opinion_close(user=user, opinion=item, note=closed)
            self.counts["opinions"] += 1

    # --- the scheduler's part ---------------------------------------------------------------

    def sweeps(self) -> None:
        """What the scheduler would do now: expire and warn of orders, mark missed visits,
        tell leaders of unattended urgent cases, then the early-warning sweep; a worker
        has already signed for one warning and settled another."""
        protection_orders.orders_sweep(now=self.now)
        warnings.visits_sweep(now=self.now)
        followup.visits_mark_missed(now=self.now)
        emergency.sweep_unattended(now=self.now)
        alert_sweep.alerts_sweep(now=self.now)
        weiquan = self.u("weiquan")
        (_rising, _c), (counted, _c2), _judged = self.high
        signed = Alert.objects.filter(
            rule__code="high_risk", person=counted, status=P.AlertStatus.OPEN
        ).first()
        if signed is not None:
            signed = alerts.alert_acknowledge(user=weiquan, alert=signed)
            alerts.alert_record_action(user=weiquan, alert=signed, action=T.ALERT_ACTION)
        settled = (
            Alert.objects.restrict(weiquan, "view")
            .filter(rule__code="minor_violence", status=P.AlertStatus.OPEN)
            .order_by("pk")
            .first()
        )
        if settled is not None:
            alerts.alert_resolve(user=weiquan, alert=settled, reason=T.ALERT_RESOLVE)
        self.counts["alerts"] = Alert.objects.count()


def load_protection(*, password: str, stdout=None) -> dict[str, int]:
    """Load the protection demo once; returns what was created."""
    city = OrgUnit.objects.filter(code=tree.CITY[0]).first()
    if city is None:
        raise RuntimeError("the demo units are missing: run `manage.py demo` first")
    loader = Loader()
    loader.ensure_accounts(password)
    if RiskAssessment.objects.filter(org_path__subtree=city.path).exists():
        if stdout is not None:
            stdout.write("示范反家暴数据已存在，跳过。")
        return loader.counts
    counts = loader.load()
    if stdout is not None:
        stdout.write(
            "示范反家暴数据：风险评估 {assessments} 次、安全计划 {safety_plans} 份、告诫书 {warnings} 份、"
            "保护令 {orders} 件、庇护场所 {shelters} 处（入住 {stays} 次）、紧急个案 {urgent_cases} 件、"
            "强制报告 {reports} 份、回访计划 {plans} 个、排查 {campaigns} 次（纠纷 {disputes} 条）、"
            "舆情 {opinions} 条、预警 {alerts} 条。".format(**counts)
        )
    return counts
