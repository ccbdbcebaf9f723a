"""The demo's protection stories on cases: urgent violence calls with the emergency
checklist, mandatory reports, and protective follow-up after a violence case is resolved
(see protection_data)."""

from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jinguo.cases import choices as C
from jinguo.cases import deadlines
from jinguo.cases.models import Case, CaseEvent, FollowUp
from jinguo.cases.services import intake, workflow
from jinguo.people.models import Person
from jinguo.protection import choices as P
from jinguo.protection.models import FollowUpPlan, ProtectiveVisit
from jinguo.protection.selectors.followup import latest_risk_level
from jinguo.protection.services import emergency, followup
from jinguo.protection.services.alert_rules import violence_q

from . import protection_text as T
from . import tree

HEPING = "990101"
FANGCAO = "990101001001"
# The district rights officer who answers for each district's records.
OFFICERS = {"990101": "weiquan", "990102": "weiquan2", "990103": "weiquan3"}


class CaseStories:
    """Mixed into protection_data.Loader."""

    # --- urgent violence cases ----------------------------------------------------------------

    def call(self, n: int, received: datetime, complainant: Person | None) -> "Timeline":
        summary, narrative = T.URGENT_CALLS[n]
        case = intake.case_create(
            user=self.u("hotline"),
            channel=C.Channel.HOTLINE_12338,
            summary=summary,
            narrative=narrative,
            category=self.category.parent or self.category,
            subcategory=self.category if self.category.parent_id else None,
            gbv_type=C.GbvType.PHYSICAL,
            urgency=C.Urgency.URGENT,
            received_at=received,
            complainant=complainant,
            anonymous=complainant is None,
            parties=[{"role": C.PartyRole.RESPONDENT, "description": "丈夫"}],
        )
        self.counts["urgent_cases"] += 1
        return Timeline(case, received, self.now)

    def urgent_cases(self) -> None:
        """One passed down and being handled, the checklist half ticked; one nobody has
        touched for three hours (the unattended-case warning and the leader's notice)."""
        weiquan = self.u("weiquan")
        line = self.call(0, self.at(0, 5), self.take(self.heping, plain=True))
        line.step(
            workflow.case_pass_down,
            user=self.u("hotline"),
            unit=self.units[HEPING],
            note="紧急：当事人受伤，请立即处置",
            minutes=10,
        )
        line.step(workflow.case_accept, user=weiquan, note="已受理，马上联系当事人", minutes=15)
        line.step(workflow.case_assign, user=weiquan, worker=weiquan, minutes=1)
        line.step(workflow.case_start, user=weiquan, minutes=1)
        steps = list(emergency.checklist_for(line.case).steps.order_by("order"))
        for step, note, minutes in zip(
            (steps[0], steps[1], steps[5]), T.EMERGENCY_NOTES, (35, 80, 100), strict=True
        ):
            emergency.emergency_tick(
                user=weiquan,
                case=line.case,
                step=step,
                note=note,
                done_at=line.received + timedelta(minutes=minutes),
            )
        line.finish()
        self.call(1, self.at(0, 3), None).finish()
        self.earlier_checklists()

    def earlier_checklists(self) -> None:
        """The cases demo's urgent violence cases that somebody took up: their worker ticked
        the first step of the checklist when accepting (the untouched ones stay unattended)."""
        taken = Case.objects.filter(
            violence_q(),
            urgency=C.Urgency.URGENT,
            org_path__subtree=self.units[tree.CITY[0]].path,
            accepted_at__isnull=False,
        ).select_related("assigned_to", "org", "category", "subcategory")
        for case in taken.order_by("pk"):
            checklist = emergency.checklist_for(case)
            if checklist is None or case.received_at > self.at(0, 1):
                continue
            worker = case.assigned_to or self.u(OFFICERS.get(case.org.code[:6], "weiquan"))
            try:
                emergency.emergency_tick(
                    user=worker,
                    case=case,
                    step=checklist.steps.order_by("order").first(),
                    note="受理时已电话确认当事人安全。",
                    done_at=min(case.accepted_at, case.received_at + timedelta(minutes=40)),
                )
            except (ValidationError, PermissionDenied):
                continue  # closed, or out of her hands now: left as it was

    # --- mandatory reports -----------------------------------------------------------------------

    def mandatory_reports(self) -> None:
        """From the school (pending, registered by the chair), the hospital (become a case)
        and a kindergarten (dismissed after checking)."""
        made = []
        for n, (kind, organisation, name, phone, suspicion, victim, days) in enumerate(T.REPORTS):
            user = self.u("chair" if n == 0 else "weiquan")
            unit = self.units[FANGCAO if n == 0 else HEPING]
            made.append(
                emergency.report_create(
                    user=user,
                    org=unit,
                    reporter_kind=kind,
                    reporter_organisation=organisation,
                    reporter_name=name,
                    reporter_phone=phone,
                    suspicion=suspicion,
                    victim_description=victim,
                    reported_at=self.at(days, 4),
                )
            )
            self.counts["reports"] += 1
        weiquan = self.u("weiquan")
        case = emergency.report_register_case(user=weiquan, report=made[1])
        workflow.case_accept(user=weiquan, case=case, note="强制报告立案")
        workflow.case_assign(user=weiquan, case=case, worker=weiquan)
        workflow.case_start(user=weiquan, case=case)
        first_step = emergency.checklist_for(case).steps.order_by("order").first()
        emergency.emergency_tick(
            user=weiquan, case=case, step=first_step, note="已报警，民警到医院了解情况"
        )
        emergency.report_dismiss(user=weiquan, report=made[2], reason=T.REPORT_DISMISS)

    # --- protective follow-up ----------------------------------------------------------------

    def protective_followup(self) -> None:
        """A case resolved 40 days ago: the 7-day visit done, the 30-day one missed, the 90-day
        one due. One resolved this week, its first visit due. Then the plans the cases demo's
        resolved violence cases started get their past visits, done on time."""
        weiquan = self.u("weiquan")
        person = self.take(self.heping)
        line = self.own_case(person, T.FOLLOWUP_CASE, received=self.at(75))
        resolved = self.at(40)
        line.step(
            workflow.case_resolve,
            user=weiquan,
            outcome=C.Outcome.LEGAL_AID,
            outcome_note=T.OUTCOME_NOTE,
            at=resolved,
        )
        called = resolved + timedelta(days=8)
        follow = line.step(
            workflow.case_follow_up,
            user=weiquan,
            satisfaction=C.Satisfaction.SATISFIED,
            result=C.FollowUpResult.CLOSED,
            note="电话回访，当事人对办理结果满意；保护性回访继续进行。",
            at=called,
        )
        FollowUp.objects.filter(pk=follow.pk).update(called_at=called)
        line.finish(resolved_at=resolved, closed_at=called)
        plan = self.start_plan(line.case, weiquan)
        self.catch_up(plan, weiquan, leave_last=True)
        line2 = self.own_case(
            self.take(self.heping), T.FOLLOWUP_RESOLVED_CASE, received=self.at(20)
        )
        resolved2 = self.at(5)
        line2.step(
            workflow.case_resolve,
            user=weiquan,
            outcome=C.Outcome.REFERRED,
            outcome_note="已协助当事人向派出所申请出具告诫书，转介心理援助。",
            at=resolved2,
        )
        line2.finish(resolved_at=resolved2)
        self.catch_up(self.start_plan(line2.case, weiquan), weiquan)
        earlier = Case.objects.filter(
            violence_q(),
            org_path__subtree=self.units[tree.CITY[0]].path,
            resolved_at__isnull=False,
        ).exclude(pk__in=[line.case.pk, line2.case.pk])
        started = 0
        for case in earlier.select_related("assigned_to", "org").order_by("resolved_at", "pk"):
            worker = case.assigned_to or self.u(OFFICERS.get(case.org.code[:6], "weiquan"))
            plan = self.start_plan(case, worker)
            if plan is None:
                continue
            started += 1
            try:
                self.catch_up(plan, worker, unreachable=started == 3)
            except (ValidationError, PermissionDenied):
                continue  # her worker cannot record it: the visit stays for the sweep

    def own_case(self, person: Person, text: tuple[str, str], *, received: datetime) -> "Timeline":
        """A violence case 和平区 registered, accepted and worked itself."""
        weiquan = self.u("weiquan")
        summary, narrative = text
        case = intake.case_create(
            user=weiquan,
            channel=C.Channel.WALK_IN,
            summary=summary,
            narrative=narrative,
            category=self.category.parent or self.category,
            subcategory=self.category if self.category.parent_id else None,
            gbv_type=C.GbvType.PHYSICAL,
            received_at=received,
            complainant=person,
            parties=[{"role": C.PartyRole.RESPONDENT, "description": "丈夫"}],
        )
        line = Timeline(case, received, self.now)
        line.step(workflow.case_accept, user=weiquan, note="受理", minutes=90)
        line.step(workflow.case_assign, user=weiquan, worker=weiquan, minutes=5)
        line.step(workflow.case_start, user=weiquan, minutes=60 * 20)
        return line

    def start_plan(self, case: Case, user) -> FollowUpPlan | None:
        """The plan case_resolved starts after commit, started now (the demo's transaction
        has not committed yet), and dated from the case's resolution."""
        plan = followup.plan_for_resolved_case(case=case, user=user)
        if plan is None or plan.case_id != case.pk:
            return None
        started = timezone.localdate(case.resolved_at)
        FollowUpPlan.objects.filter(pk=plan.pk).update(started_on=started)
        plan.refresh_from_db()
        first = plan.visits.get()
        ProtectiveVisit.objects.filter(pk=first.pk).update(
            due_on=started + timedelta(days=plan.schedule_days[0])
        )
        self.counts["plans"] += 1
        return plan

    def catch_up(self, plan, worker, *, leave_last=False, unreachable=False) -> None:
        """Record the plan's visits whose day has come as done on that day; with
        ``leave_last``, the last of them is left for the missed-visit job."""
        for _round in range(12):
            visit = plan.visits.filter(state=P.VisitState.DUE).order_by("due_on").first()
            if visit is None or visit.due_on >= self.today:
                return
            following = followup.next_due_on(
                plan,
                plan.visits.exclude(state=P.VisitState.CANCELLED).count(),
                visit.due_on,
                latest_risk_level(plan.person_id),
            )
            if leave_last and (following is None or following >= self.today):
                return
            last = following is None or following >= self.today
            reached = not (unreachable and last)
            notes = T.VISIT_NOTES["needs" if visit.pk % 3 == 0 else "safe"]
            followup.visit_record(
                user=worker,
                visit=visit,
                mode=P.VisitMode.IN_PERSON if visit.pk % 2 else P.VisitMode.PHONE,
                reached=reached,
                safe=P.SafeAnswer.SAFE if reached else "",
                recurred=False if reached else None,
                needs=notes[0] if reached else "",
                next_step=notes[1],
                done_at=timezone.make_aware(datetime.combine(visit.due_on, time(10, 30))),
            )
            self.counts["visits"] += 1
            # The next visit was scheduled "today at the earliest"; give it its real day.
            waiting = plan.visits.filter(state=P.VisitState.DUE).order_by("due_on").first()
            if waiting is not None and following is not None:
                ProtectiveVisit.objects.filter(pk=waiting.pk).update(due_on=following)


class Timeline:
    """A demo case's steps, each moved back to the moment the story gives it (as CaseStory
    does): the services stamp now, the events are re-dated when the story finishes."""

    def __init__(self, case: Case, received: datetime, now: datetime):
        self.case, self.received, self.now = case, received, now
        self.clock = received
        self.marks = [(timezone.now(), received)]
        Case.objects.filter(pk=case.pk).update(created_at=received)

    def step(self, service, *, minutes: float = 0, at: datetime | None = None, **kwargs):
        self.clock = at or min(self.clock + timedelta(minutes=minutes), self.now)
        result = service(case=self.case, **kwargs)
        if isinstance(result, Case):
            self.case = result
        self.marks.append((timezone.now(), self.clock))
        return result

    def finish(self, **stamps) -> Case:
        events = list(CaseEvent.objects.filter(case_id=self.case.pk).only("id", "at"))
        n = 0
        for event in sorted(events, key=lambda e: e.pk):
            while event.at > self.marks[n][0] and n < len(self.marks) - 1:
                n += 1
            event.at = self.marks[n][1]
        CaseEvent.objects.bulk_update(events, ["at"])
        case = Case.objects.get(pk=self.case.pk)
        for name, value in stamps.items():
            setattr(case, name, value)
        deadlines.apply_deadlines(case, now=self.now)
        fields = [*stamps, *deadlines.DEADLINE_FIELDS]
        Case.objects.filter(pk=case.pk).update(**{f: getattr(case, f) for f in fields})
        self.case = case
        return case
