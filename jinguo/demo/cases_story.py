"""How one demo case is played through the cases services, step by step as the demo
accounts, and how its timeline is then put back in time (see cases_data)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.cases import choices as C
from jinguo.cases import deadlines
from jinguo.cases.models import Case, CaseEvent, Extension, FollowUp
from jinguo.cases.services import intake, mediation, workflow
from jinguo.orgs.models import OrgUnit
from jinguo.people.models import HouseholdMember, Person

from . import cases_text as T
from . import tree
from .cases_referral_story import ReferralStory

# Who handles the cases of a unit: the owning unit's code and the demo account working there.
HANDLERS = {
    "990101": "weiquan",
    "990101001": "jiedao",
    "990101001001": "chair",
    "990102": "weiquan2",
    "990102001001": "chair2",
    "990103": "weiquan3",
}
# Chairs hold no view_sensitive: violence, sexual abuse and children stay with rights officers.
OFFICERS = ("weiquan", "jiedao", "weiquan2", "weiquan3")
# Where a misdirected appeal turns up before it is transferred to 新华区. The unit a case
# leaves keeps a view share for all its users; no agency account has its home in 滨江区,
# so no outsider gains a case by it (unit shares do not check roles yet).
TRANSFER_FROM = "weiquan3"
# Channels that arrive at the city: the 12338 centre registers them and passes them down.
CITY_CHANNELS = (C.Channel.HOTLINE_12338, C.Channel.PORTAL, C.Channel.PUBLIC_OPINION)


@dataclass
class Plan:
    status: str
    scenario: T.Scenario
    channel: str
    handler: str
    received: datetime
    complainant: Person | None = None
    anonymous: bool = False
    new_complainant: dict | None = None
    repeat: bool = False
    stay_at_city: bool = False
    escalate: bool = False
    transfer: bool = False
    reopen: bool = False
    extension: str = ""  # "", pending, approved, rejected

    @property
    def registrar_sees_all(self) -> bool:
        """Whoever registers it can pick any woman of the handler's units (not the grid
        worker, who sees her grid only)."""
        return not (self.channel == C.Channel.GRID and self.handler == "chair")


class CaseStory:
    """One case from the call to its final state, step by step as the demo accounts."""

    def __init__(self, loader, plan: Plan):
        self.loader, self.plan, self.rng = loader, plan, loader.rng
        self.now = loader.now
        self.at = plan.received
        self.case: Case | None = None
        self.stamps: dict[str, datetime] = {}
        self.marks: list[tuple[datetime, datetime]] = []  # (written by, moved to)
        self.later: list = []  # steps that come last, whatever the story did meanwhile

    def user(self, name: str) -> User:
        return self.loader.users[name]

    @property
    def handler(self) -> User:
        return self.user(self.plan.handler)

    def tick(self, low_hours: float, high_hours: float) -> datetime:
        """Move the story's clock on, never past a few minutes before now."""
        step = timedelta(hours=self.rng.uniform(low_hours, high_hours))
        self.at = min(self.at + step, self.now - timedelta(minutes=5))
        return self.at

    def stamp(self, at: datetime | None = None) -> None:
        """The timeline events written since the last stamp happened at ``at`` (applied
        in one go by ``finish``)."""
        self.marks.append((timezone.now(), at or self.at))

    def refresh(self) -> Case:
        self.case.refresh_from_db()
        return self.case

    # --- the story ---------------------------------------------------------------------

    def run(self) -> None:
        plan = self.plan
        self.register()
        if plan.status == C.Status.REGISTERED and plan.stay_at_city:
            return self.finish()
        self.route()
        if plan.status == C.Status.REGISTERED:
            return self.finish()
        if plan.status == C.Status.DECLINED:
            self.tick(2, 72)
            workflow.case_decline(
                user=self.handler, case=self.case, reason=self.rng.choice(T.DECLINE_REASONS)
            )
            self.stamp()
            return self.finish()
        self.accept()
        if plan.status == C.Status.ACCEPTED:
            return self.finish()
        self.tick(1, 30)
        workflow.case_assign(user=self.handler, case=self.case, worker=self.handler)
        self.stamp()
        if plan.status == C.Status.ASSIGNED:
            return self.finish()
        self.tick(1, 24)
        workflow.case_start(user=self.handler, case=self.case)
        self.stamp()
        self.work()
        if plan.reopen:
            self.resolve(final=False)
            self.follow_up(C.Satisfaction.UNSATISFIED, C.FollowUpResult.REOPENED)
            self.tick(2, 48)
            intake.case_add_note(user=self.handler, case=self.case, note=T.REOPEN_NOTE)
            self.stamp()
        if plan.status == C.Status.IN_PROGRESS:
            return self.finish()
        self.resolve()
        if plan.status == C.Status.CLOSED:
            satisfaction = self.rng.choices(
                [C.Satisfaction.SATISFIED, C.Satisfaction.BASICALLY, ""], weights=[7, 3, 1]
            )[0]
            result = C.FollowUpResult.CLOSED if satisfaction else C.FollowUpResult.UNREACHABLE
            self.follow_up(satisfaction, result)
        return self.finish()

    def register(self) -> None:
        plan, s = self.plan, self.plan.scenario
        loader = self.loader
        registrar, org = self.registrar()
        category = loader.categories[s.code]
        parties = self.parties()
        self.case = intake.case_create(
            user=registrar,
            org=org,
            channel=plan.channel,
            summary=s.summary,
            narrative=s.narrative,
            category=category.parent or category,
            subcategory=category if category.parent_id else None,
            gbv_type=self.rng.choice(s.gbv) if s.gbv else "",
            urgency=s.urgency,
            received_at=plan.received,
            complainant=plan.complainant,
            new_complainant=plan.new_complainant,
            anonymous=plan.anonymous,
            caller_phone=T.phone(self.rng) if plan.anonymous and self.rng.random() < 0.6 else "",
            parties=parties,
            involves_minor=s.minor,
        )
        Case.objects.filter(pk=self.case.pk).update(created_at=plan.received)
        self.stamp(plan.received)

    def registrar(self) -> tuple[User, OrgUnit | None]:
        plan = self.plan
        if plan.transfer:
            # Registered where she first turned up, then transferred to where she lives.
            return self.user(TRANSFER_FROM), None
        if plan.channel in CITY_CHANNELS:
            return self.user("hotline"), None
        if plan.channel == C.Channel.GRID and plan.handler == "chair":
            return self.user("grid"), None  # a grid's report goes to its community
        return self.handler, None

    def parties(self) -> list[dict]:
        plan, s = self.plan, self.plan.scenario
        rows = []
        if s.respondent:
            rows.append({"role": C.PartyRole.RESPONDENT, "description": s.respondent})
        if plan.complainant is not None and s.victim_is_complainant:
            rows.append({"role": C.PartyRole.VICTIM, "person": plan.complainant})
        if plan.complainant is not None and s.minor:
            child = (
                HouseholdMember.objects.filter(
                    household__members__person=plan.complainant,
                    person__birth_date__gt=self.now.date() - timedelta(days=17 * 365),
                )
                .select_related("person")
                .first()
            )
            if child is not None and plan.handler in OFFICERS:
                rows.append({"role": C.PartyRole.CHILD, "person": child.person})
            else:
                rows.append({"role": C.PartyRole.CHILD, "description": s.child})
        elif s.minor:
            rows.append({"role": C.PartyRole.CHILD, "description": s.child})
        return rows

    def route(self) -> None:
        """Move the case to the unit that handles it: the 12338 centre passes it to the
        district, the district on to the street or community; a misdirected one is
        transferred across."""
        target = self.handler.home_unit
        if self.plan.transfer:
            self.tick(1, 24)
            workflow.case_transfer(
                user=self.user(TRANSFER_FROM), case=self.case, unit=target, note=T.TRANSFER_NOTE
            )
            self.stamp()
        city = self.loader.units[tree.CITY[0]]
        district = self.loader.units[target.code[:6]]
        # The 12338 centre often hands a case straight to the street or community.
        first_stop = target if self.rng.random() < 0.6 else district
        for owner, unit in ((city, first_stop), (district, target)):
            if self.case.org_id == owner.pk and owner.pk != target.pk:
                actor = self.user("hotline" if owner == city else HANDLERS[owner.code])
                self.tick(0.2, 6)
                self.case = workflow.case_pass_down(
                    user=actor, case=self.case, unit=unit, note=self.rng.choice(T.PASS_NOTES)
                )
                self.stamp()

    def accept(self) -> None:
        if self.plan.scenario.urgency == C.Urgency.URGENT:
            self.tick(0.1, 1.5)
        else:
            self.tick(2, 60)
        workflow.case_accept(user=self.handler, case=self.case, note=T.ACCEPT_NOTE)
        self.stamps["accepted_at"] = self.at
        self.stamp()

    def work(self) -> None:
        plan, s = self.plan, self.plan.scenario
        if s.note or self.rng.random() < 0.3:
            self.tick(2, 48)
            intake.case_add_note(user=self.handler, case=self.case, note=s.note or T.FIRST_CONTACT)
            self.stamp()
        if plan.escalate:
            self.tick(4, 48)
            workflow.case_escalate(user=self.handler, case=self.case, note=T.ESCALATE_NOTE)
            self.stamp()
            self.plan.handler = "weiquan"
            self.tick(2, 24)
            workflow.case_assign(user=self.handler, case=self.case, worker=self.handler)
            self.stamp()
            self.tick(1, 12)
            workflow.case_start(user=self.handler, case=self.case)
            self.stamp()
        kinds = list(s.agencies[: 1 + (self.rng.random() < 0.2)])
        # Every kind of agency gets referrals: add a kind nobody has referred to yet.
        kinds += [k for k in s.agencies if k not in kinds and k not in self.loader.kinds_used]
        for kind in kinds:
            ReferralStory(self, kind).run()
        if s.mediation:
            self.mediate()
        if plan.extension:
            self.extend(plan.extension)

    def mediate(self) -> None:
        s = self.plan.scenario
        held = self.tick(24, 120)
        outcome = self.rng.choices(list(T.MEDIATION_OUTCOMES), weights=[6, 2, 1, 1])[0]
        mediation.mediation_create(
            user=self.handler,
            case=self.case,
            held_at=held,
            mode=self.rng.choices(list(C.MediationMode.values), weights=[8, 2, 1, 1])[0],
            parties=s.mediation_parties,
            mediators=f"{self.handler.real_name}、{self.rng.choice(T.MEDIATORS)}",
            outcome=outcome,
            place=T.MEDIATION_PLACE.get(self.plan.handler, "妇女之家调解室"),
            statements=s.statements,
            agreement=s.agreement if outcome in T.AGREEMENT_OUTCOMES else "",
        )
        self.stamp()
        self.loader.counts["mediations"] += 1

    def extend(self, decision: str) -> None:
        self.tick(24, 72)
        extension = workflow.extension_request(
            user=self.handler, case=self.case, days=30, reason=self.rng.choice(T.EXTENSION_REASONS)
        )
        Extension.objects.filter(pk=extension.pk).update(requested_at=self.at)
        self.stamp()
        if decision == "pending":
            return
        self.tick(4, 48)
        workflow.extension_decide(
            user=self.user("leader"),
            extension=extension,
            approve=decision == "approved",
            note=T.EXTENSION_DECISIONS[decision],
        )
        Extension.objects.filter(pk=extension.pk).update(decided_at=self.at)
        self.stamp()

    def resolve(self, final: bool = True) -> None:
        s = self.plan.scenario
        self.tick(24, 24 * 12)
        if final and self.plan.status == C.Status.RESOLVED:
            # Waiting for the follow-up call: resolved within the last week or so.
            recent = self.now - timedelta(hours=self.rng.uniform(6, 24 * 8))
            self.at = max(self.at, recent)
        workflow.case_resolve(
            user=self.handler,
            case=self.case,
            outcome=s.outcome,
            outcome_note=T.OUTCOME_NOTES[s.outcome],
        )
        self.stamps["resolved_at"] = self.at
        self.stamp()

    def follow_up(self, satisfaction: str, result: str) -> None:
        self.tick(24, 24 * 6)
        note = T.FOLLOW_UP_NOTES[result]
        follow = workflow.case_follow_up(
            user=self.handler, case=self.case, satisfaction=satisfaction, result=result, note=note
        )
        FollowUp.objects.filter(pk=follow.pk).update(called_at=self.at)
        if result in (C.FollowUpResult.CLOSED, C.FollowUpResult.UNREACHABLE):
            self.stamps["closed_at"] = self.at
        elif result == C.FollowUpResult.REOPENED:
            self.stamps.pop("resolved_at", None)  # back to work: no longer resolved
        self.stamp()
        self.loader.counts["follow_ups"] += 1

    def finish(self) -> None:
        """Move the timeline and the case's own timestamps to where the story put them, and
        recompute the deadlines as of now."""
        for later in self.later:
            later()
        events = list(CaseEvent.objects.filter(case_id=self.case.pk).only("id", "at"))
        n = 0
        for event in sorted(events, key=lambda e: e.pk):
            # Each event belongs to the first step written after it.
            while event.at > self.marks[n][0] and n < len(self.marks) - 1:
                n += 1
            event.at = self.marks[n][1]
        CaseEvent.objects.bulk_update(events, ["at"])
        case = self.refresh()
        for name, value in self.stamps.items():
            setattr(case, name, value)
        deadlines.apply_deadlines(case, now=self.now)
        # The sweep at the end raises the alerts; leave it something to find.
        if case.due_state in (C.DueState.SOON, C.DueState.OVERDUE):
            case.due_state = C.DueState.OK
        fields = [*self.stamps, *deadlines.DEADLINE_FIELDS]
        Case.objects.filter(pk=case.pk).update(**{name: getattr(case, name) for name in fields})
