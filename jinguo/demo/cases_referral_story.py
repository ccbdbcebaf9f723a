"""A demo referral and what the agency did with it: answered, reported and closed, declined,
or left unanswered past its deadline (some urged). Played by CaseStory (cases_story)."""

from datetime import datetime, timedelta

from django.utils import timezone

from jinguo.cases import choices as C
from jinguo.cases import deadlines
from jinguo.cases.models import Agency, Case, Referral
from jinguo.cases.services import referrals
from jinguo.people.selectors.consents import consent_allows
from jinguo.people.services.consents import consent_record, needs_guardian

from . import cases_text as T


class ReferralStory:
    """A referral to one kind of agency, and what the agency did with it."""

    def __init__(self, story, kind: str):
        self.story, self.kind = story, kind
        self.rng = story.rng

    def run(self) -> None:
        story = self.story
        agency = story.loader.pick_agency(story.handler, self.kind)
        if agency is None:
            return
        case = story.case
        share_identity = not case.anonymous
        sent = story.tick(4, 72)
        if share_identity:
            self.ensure_consents(case, agency, sent)
        referral = referrals.referral_create(
            user=story.handler,
            case=case,
            agency=agency,
            request=T.REFERRAL_REQUESTS[self.kind],
            share_identity=share_identity,
        )
        story.stamp(sent)
        story.loader.counts["referrals"] += 1
        stamps = {
            "sent_at": sent,
            "created_at": sent,
            "due_at": deadlines.referral_due_at(referral, sent),
        }
        Referral.objects.filter(pk=referral.pk).update(**stamps)
        member = agency.memberships.select_related("user").order_by("pk").first().user
        fate = self.fate(stamps["due_at"])
        if fate in ("unanswered", "urged"):
            if fate == "urged":
                story.later.append(lambda: self.urge(referral))
            return
        answered = story.tick(2, 60)
        if fate == "declined":
            referrals.referral_decline(
                user=member, referral=referral, reason=self.rng.choice(T.REFERRAL_DECLINES)
            )
            story.stamp()
            Referral.objects.filter(pk=referral.pk).update(responded_at=answered)
            return
        referrals.referral_accept(user=member, referral=referral, note=T.REFERRAL_ACCEPT_NOTE)
        story.stamp()
        Referral.objects.filter(pk=referral.pk).update(responded_at=answered)
        if fate == "accepted":
            return
        reported = story.tick(24, 24 * 8)
        referrals.referral_report(
            user=member, referral=referral, report=T.REFERRAL_REPORTS[self.kind]
        )
        story.stamp()
        Referral.objects.filter(pk=referral.pk).update(reported_at=reported)
        if fate == "closed":
            closed = story.tick(2, 48)
            referrals.referral_close(user=story.handler, referral=referral, note=T.REFERRAL_CLOSE)
            story.stamp()
            Referral.objects.filter(pk=referral.pk).update(closed_at=closed)

    def urge(self, referral: Referral) -> None:
        """The worker urges the silent agency lately (after the rest of the story)."""
        story = self.story
        referrals.referral_urge(user=story.handler, referral=referral)
        urged = max(story.at, story.now - timedelta(hours=self.rng.randint(2, 30)))
        story.stamp(urged)
        Referral.objects.filter(pk=referral.pk).update(last_urged_at=urged)

    def fate(self, due_at: datetime) -> str:
        """What the agency did; cases that end resolved or closed have no open referral."""
        status = self.story.plan.status
        if status in (C.Status.RESOLVED, C.Status.CLOSED) or self.story.plan.reopen:
            return self.rng.choices(["closed", "declined"], weights=[9, 1])[0]
        if due_at < self.story.now and self.rng.random() < 0.3:
            return self.rng.choice(["unanswered", "urged"])
        return self.rng.choices(
            ["closed", "reported", "accepted", "declined", "unanswered"], weights=[2, 3, 3, 1, 2]
        )[0]

    def ensure_consents(self, case: Case, agency: Agency, sent: datetime) -> None:
        """The woman (for a child under 14, her guardian) agreed to this sharing (单独同意)
        before the referral was sent."""
        purpose = agency.consent_purpose
        given_on = timezone.localtime(sent).date()
        people = [(case.complainant, None)] if case.complainant_id else []
        for party in case.parties.filter(role__in=referrals.CONSENT_ROLES, person__isnull=False):
            people.append((party.person, case.complainant))
        for person, guardian in people:
            if consent_allows(person, purpose, on=given_on):
                continue
            minor = needs_guardian(person, given_on)
            consent_record(
                user=self.story.handler,
                person=person,
                purpose=purpose,
                method=self.rng.choice(["written", "written", "oral"]),
                given_on=given_on,
                scope=T.CONSENT_SCOPE,
                guardian_name=guardian.name if minor and guardian else ("监护人" if minor else ""),
                guardian_relation="母亲" if minor else "",
            )
