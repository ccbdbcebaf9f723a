"""The demo's risk assessments and safety plans, police warnings with their committee
visits, and protection orders in every state (see protection_data)."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from jinguo.cases.models import Agency
from jinguo.protection import choices as P
from jinguo.protection.models import RiskAssessment
from jinguo.protection.services import risk as risk_services
from jinguo.protection.services.orders import evidence, protection_orders, records, warnings

from . import protection_text as T

HEPING, XINHUA = "990101", "990102"


class RiskAndOrders:
    """Mixed into protection_data.Loader."""

    # --- risk --------------------------------------------------------------------------------

    def answers(self, yes: int, *, forced: int = 0) -> dict[str, str]:
        """``yes`` plain items answered yes, plus ``forced`` of the items that force high."""
        chosen = set(self.plain_items[:yes]) | set(self.forcing_items[:forced])
        return {n: ("yes" if n in chosen else "no") for n in self.all_items}

    def assess(self, officer, person, case, days_ago, yes, *, forced=0, **extra):
        assessment = risk_services.assessment_create(
            user=self.u(officer),
            person=person,
            case=case,
            answers=self.answers(yes, forced=forced),
            assessed_at=self.at(days_ago, 2),
            **extra,
        )
        # The record was made at the assessment, not when the demo was loaded.
        RiskAssessment.objects.filter(pk=assessment.pk).update(created_at=assessment.assessed_at)
        self.counts["assessments"] += 1
        return assessment

    def plan(self, officer, person, n: int, *, review: bool):
        plan = risk_services.safety_plan_create(
            user=self.u(officer), person=person, **T.SAFETY_PLANS[n]
        )
        if review:
            risk_services.safety_plan_review(user=self.u(officer), plan=plan)
        self.counts["safety_plans"] += 1
        return plan

    def risk(self) -> None:
        """Every band, one raised by judgement, one rising; the people the other stories
        (orders, shelter) come back to are kept in ``self.high``."""
        # Rising: medium six weeks ago, high (strangulation) three days ago.
        rising, case = self.case_person(self.heping_cases, self.heping)
        self.assess("weiquan", rising, case, 42, 11)
        self.assess("weiquan", rising, case, 3, 8, forced=1, notes=T.REASSESS_NOTE)
        self.plan("weiquan", rising, 0, review=True)
        # High by the count of yes answers, plan still to be reviewed against it.
        counted, case2 = self.case_person(self.heping_cases, self.heping)
        self.assess("jiedao", counted, case2, 9, 15)
        self.plan("jiedao", counted, 1, review=False)
        # Medium by the answers, high by the assessor's professional judgement.
        judged, case3 = self.case_person(self.heping_cases, self.heping)
        self.assess(
            "weiquan",
            judged,
            case3,
            6,
            10,
            judged_level=P.RiskLevel.HIGH,
            judgement_reason=T.JUDGEMENT_REASON,
        )
        medium = self.take(self.heping)
        self.assess("weiquan", medium, None, 12, 12)
        standard = self.take(self.heping)
        self.assess("weiquan", standard, None, 20, 3)
        # 新华区: medium with a plan, and a standard one.
        xmedium, xcase = self.case_person(self.xinhua_cases, self.xinhua)
        self.assess("weiquan2", xmedium, xcase, 5, 11)
        self.plan("weiquan2", xmedium, 2, review=True)
        self.assess("weiquan2", self.take(self.xinhua), None, 30, 4)
        self.high = [(rising, case), (counted, case2), (judged, case3)]
        self.medium = medium
        evidence_user = self.u("weiquan")
        records.injury_create(
            user=evidence_user,
            person=rising,
            case=case,
            examined_by="示范市和平区人民医院",
            examiner="急诊科张医生",
            examined_at=self.at(4),
            severity=P.InjurySeverity.SLIGHT,
            result=T.INJURY_RESULT,
        )
        evidence.bundle_print(user=evidence_user, person=rising, purpose="申请人身安全保护令")

    # --- police warnings ----------------------------------------------------------------------

    def police_warnings(self) -> None:
        """Two in 芳草社区 (its chair records the visits): one with a visit done, one missed
        and one still due; one issued last week. One in 新华区."""
        weiquan = self.u("weiquan")
        station = Agency.objects.get(name="和平区公安分局春晖派出所")
        old = warnings.warning_create(
            user=weiquan,
            person=self.take(self.fangcao),
            police_station=station,
            issued_on=self.today - timedelta(days=65),
            document_number=f"和公（春）告字〔{(self.today - timedelta(days=65)).year}〕017 号",
            abuser_description="丈夫，45 岁",
            facts=T.WARNING_FACTS[0],
            prohibition=T.WARNING_PROHIBITION,
            served_to="加害人本人",
            served_at=timezone.make_aware(
                datetime.combine(self.today - timedelta(days=65), time(16, 0))
            ),
        )
        first = old.visits.order_by("due_on").first()
        warnings.visit_record(
            user=self.u("chair"),
            visit=first,
            done_at=timezone.make_aware(datetime.combine(first.due_on, time(15, 30))),
            with_police=True,
            finding=T.WARNING_FINDINGS["done"],
        )
        warnings.warning_create(
            user=weiquan,
            person=self.take(self.fangcao),
            police_station=station,
            issued_on=self.today - timedelta(days=8),
            abuser_description="同居男友",
            facts=T.WARNING_FACTS[1],
            prohibition=T.WARNING_PROHIBITION,
            served_to="加害人本人",
        )
        station2 = Agency.objects.get(name="新华区公安分局明德派出所")
        xwarning = warnings.warning_create(
            user=self.u("weiquan2"),
            person=self.take(self.xinhua),
            police_station=station2,
            issued_on=self.today - timedelta(days=40),
            abuser_description="丈夫",
            facts=T.WARNING_FACTS[2],
            prohibition=T.WARNING_PROHIBITION,
            served_to="加害人本人",
        )
        xfirst = xwarning.visits.order_by("due_on").first()
        warnings.visit_record(
            user=self.u("weiquan2"),
            visit=xfirst,
            done_at=timezone.make_aware(datetime.combine(xfirst.due_on, time(10, 0))),
            with_police=True,
            finding=T.WARNING_FINDINGS["done2"],
        )
        self.counts["warnings"] += 3

    # --- protection orders -----------------------------------------------------------------

    def orders(self) -> None:
        """One order in each state, all before 和平区人民法院 (the demo's only court)."""
        user = self.u("weiquan")
        court = Agency.objects.get(name="和平区人民法院家事审判庭")
        respondents = iter(T.ORDER_RESPONDENTS)
        (expiring, expiring_case), (breached, breached_case), _judged = self.high

        def create(person, case=None, **extra):
            self.counts["orders"] += 1
            return protection_orders.order_create(
                user=user,
                person=person,
                case=case,
                applicant_kind=extra.pop("applicant_kind", P.ApplicantKind.VICTIM),
                respondent_description=next(respondents),
                help_drafting=True,
                help_evidence=extra.pop("help_evidence", True),
                help_accompanying=extra.pop("help_accompanying", False),
                court=court,
                **extra,
            )

        def accepted(order, days, *, urgent=False, number=""):
            order = protection_orders.order_apply(
                user=user, order=order, applied_at=self.at(days, 3)
            )
            return protection_orders.order_accept(
                user=user,
                order=order,
                accepted_at=self.at(days),
                urgent=urgent,
                court_case_number=number,
            )

        def granted(order, days, until_days, outcome=P.OrderStatus.GRANTED, **measures):
            order = accepted(
                order, days + 1, number=f"（{self.today.year}）示0101民保令{order.pk}号"
            )
            ruled = self.at(days)
            start = timezone.localdate(ruled)
            return protection_orders.order_rule(
                user=user,
                order=order,
                outcome=outcome,
                ruled_at=ruled,
                effective_from=start,
                effective_until=start + timedelta(days=until_days),
                **(measures or {"ban_violence": True, "ban_contact": True}),
            )

        # 准备申请: the federation is drafting it with her.
        create(
            self.take(self.heping),
            applicant_kind=P.ApplicantKind.FEDERATION,
            applicant_name="和平区妇联",
        )
        # 已提交申请, not yet accepted.
        protection_orders.order_apply(
            user=user, order=create(self.take(self.heping)), applied_at=self.at(0, 20)
        )
        # Accepted four days ago, not urgent: the 72 hours ran out yesterday (overdue).
        accepted(create(self.medium), 4)
        # Accepted this morning as urgent: 24 hours, still running.
        accepted(create(self.take(self.heping), help_accompanying=True), 0.2, urgent=True)
        # Granted 170 days ago, ends in 9 days while her risk is high: consider extending.
        granted(
            create(expiring, expiring_case),
            170,
            179,
            other_measures=T.ORDER_OTHER_MEASURES,
            ban_violence=True,
        )
        # Granted a month ago and breached last week.
        order = granted(
            create(breached, breached_case),
            30,
            150,
            move_out=True,
            ban_violence=True,
            ban_contact=True,
        )
        records.breach_create(
            user=user,
            order=order,
            occurred_at=self.at(6, 8),
            description=T.BREACH_DESCRIPTION,
            police_response=T.BREACH_POLICE,
            sanction=P.Sanction.DETENTION,
        )
        # Partly granted (contact ban refused), then extended.
        order = granted(
            create(self.take(self.heping)), 20, 60, outcome=P.OrderStatus.PARTLY, ban_violence=True
        )
        protection_orders.order_extend(
            user=user,
            order=order,
            new_until=order.effective_until + timedelta(days=90),
            at=self.at(1),
        )
        # Refused; withdrawn; revoked.
        order = accepted(create(self.take(self.heping)), 16)
        protection_orders.order_rule(
            user=user,
            order=order,
            outcome=P.OrderStatus.REFUSED,
            ruled_at=self.at(15),
            note=T.ORDER_REFUSED_NOTE,
        )
        order = protection_orders.order_apply(
            user=user, order=create(self.take(self.heping)), applied_at=self.at(12)
        )
        protection_orders.order_withdraw(user=user, order=order, note=T.ORDER_WITHDRAW_NOTE)
        order = granted(create(self.take(self.heping)), 60, 150)
        protection_orders.order_revoke(
            user=user, order=order, note=T.ORDER_REVOKE_NOTE, at=self.at(10)
        )
        # Granted half a year ago, ended ten days ago: the sweep marks it expired.
        granted(create(self.take(self.heping)), 180, 170)
