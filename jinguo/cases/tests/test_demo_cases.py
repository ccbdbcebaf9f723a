"""The demo cases of 示范市: a few hundred fictional appeals in every channel and state, with
partner agencies whose users see only what was referred to them. Loaded once per module (it
takes a while) inside a transaction that is rolled back at the end."""

import io

import pytest
from django.contrib.auth.hashers import check_password
from django.db import transaction
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.accounts.services import ensure_default_roles
from jinguo.cases import choices
from jinguo.cases.deadlines import due_state_for, policy_for
from jinguo.cases.models import (
    Agency,
    AgencyMember,
    Case,
    CaseEvent,
    Extension,
    FollowUp,
    Mediation,
    Referral,
)
from jinguo.core.models import AuditEvent
from jinguo.core.workdays import seed_from_chinese_calendar
from jinguo.demo import cases_text
from jinguo.demo.cases_data import load_cases
from jinguo.demo.management.commands.demo import DEMO_PASSWORD
from jinguo.demo.management.commands.demo import Command as DemoCommand
from jinguo.demo.people_data import load_people

pytestmark = pytest.mark.django_db

MODELS = (Case, CaseEvent, Referral, Mediation, FollowUp, Extension, Agency, AgencyMember, User)


def _counts() -> dict:
    return {m.__name__: m.objects.count() for m in (*MODELS, AuditEvent)}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            command = DemoCommand(stdout=io.StringIO())
            ensure_default_roles()
            command.load_units()
            command.load_users()
            load_people(stdout=io.StringIO())
            seed_from_chinese_calendar(years=range(2024, timezone.localdate().year + 2))
            first = load_cases(password=DEMO_PASSWORD, stdout=io.StringIO())
            after_first = _counts()
            second = load_cases(password=DEMO_PASSWORD, stdout=io.StringIO())
            yield {"first": first, "second": second, "after_first": after_first}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_loading_twice_creates_the_data_once(demo):
    first = demo["first"]
    assert 200 <= first["cases"] == Case.objects.count() <= 400
    assert first["agencies"] == Agency.objects.count() == len(cases_text.AGENCIES)
    assert first["referrals"] == Referral.objects.count() > 80
    assert set(demo["second"].values()) == {0}
    assert _counts() == demo["after_first"]


def test_every_status_channel_and_kind_of_work_occurs(demo):
    assert set(Case.objects.values_list("status", flat=True)) == set(choices.Status.values)
    assert set(Case.objects.values_list("channel", flat=True)) == set(choices.Channel.values)
    assert Case.objects.filter(status=choices.Status.DECLINED).exclude(decline_reason="").exists()
    assert not Case.objects.filter(status=choices.Status.DECLINED, decline_reason="").exists()
    closed = Case.objects.filter(status=choices.Status.CLOSED)
    assert closed.exclude(satisfaction="").exists()
    assert not closed.filter(closed_at__isnull=True).exists()
    violence = Case.objects.filter(subcategory__code="family-violence")
    assert violence.count() > 20 and not violence.filter(gbv_type="").exists()
    assert not violence.filter(is_sensitive=False).exists()
    assert Case.objects.filter(urgency=choices.Urgency.URGENT).exists()
    assert Case.objects.filter(is_repeat=True, repeat_of__isnull=False).exists()
    assert Case.objects.filter(anonymous=True).exists()
    assert (
        Mediation.objects.filter(outcome=choices.MediationOutcome.AGREED)
        .exclude(agreement="")
        .exists()
    )
    assert set(Extension.objects.values_list("status", flat=True)) == set(
        choices.ExtensionStatus.values
    )
    events = set(CaseEvent.objects.values_list("kind", flat=True))
    assert {"passed_down", "escalated", "transferred", "reopened", "referral_urged"} <= events


def test_cases_lie_in_the_past_with_real_deadlines(demo):
    now = timezone.now()
    assert not CaseEvent.objects.filter(at__gt=now).exists()
    assert Case.objects.filter(received_at__lt=now - timezone.timedelta(days=60)).exists()
    for case in Case.objects.select_related("category", "subcategory")[:300]:
        ats = list(case.events.order_by("pk").values_list("at", flat=True))
        assert ats == sorted(ats), case.number
        assert ats[0] >= case.received_at - timezone.timedelta(seconds=1)
        if case.is_open:
            assert case.due_at is not None
            assert case.due_state == due_state_for(case.due_at, policy_for(case).warn_hours, now)
    handling = (choices.Status.ACCEPTED, choices.Status.ASSIGNED, choices.Status.IN_PROGRESS)
    assert not Case.objects.filter(status__in=handling, resolved_at__isnull=False).exists()
    assert not Case.objects.filter(status=choices.Status.RESOLVED, resolved_at=None).exists()
    states = set(Case.objects.values_list("due_state", flat=True))
    assert {choices.DueState.SOON, choices.DueState.OVERDUE} <= states
    # The sweep put its alerts on the timelines.
    assert CaseEvent.objects.filter(kind=choices.EventKind.OVERDUE).exists()


def test_some_referrals_are_unanswered_past_their_deadline(demo):
    overdue = Referral.objects.filter(status=choices.ReferralStatus.SENT, due_at__lt=timezone.now())
    assert overdue.exists()
    assert overdue.filter(urge_count__gt=0).exists()
    assert Referral.objects.filter(status=choices.ReferralStatus.CLOSED).exclude(report="").exists()
    assert Referral.objects.filter(status=choices.ReferralStatus.DECLINED).exists()
    # Each referral that shares identity was preceded by the woman's consent to it.
    from jinguo.people.selectors.consents import consent_allows

    for referral in Referral.objects.filter(share_identity=True, case__complainant__isnull=False)[
        :100
    ]:
        assert consent_allows(referral.case.complainant, referral.consent_purpose)


def test_every_agency_kind_has_a_user_who_sees_only_her_agencys_referrals(demo):
    for kind in choices.AgencyKind.values:
        member = (
            AgencyMember.objects.filter(agency__kind=kind).select_related("user", "agency").first()
        )
        assert member is not None, kind
        user = member.user
        assert user.is_active and not user.must_change_password
        assert check_password(DEMO_PASSWORD, user.password)
        seen = Referral.objects.restrict(user, "view")
        assert seen.exists(), kind
        assert set(seen.values_list("agency_id", flat=True)) == {member.agency_id}
        assert seen.count() == Referral.objects.filter(agency=member.agency).count()
        # Outsiders: no case by subtree, and nothing to answer for another agency.
        assert not Case.objects.restrict(user, "view").exists()
        other = Referral.objects.exclude(agency=member.agency)
        assert not other.restrict(user, "respond").exists()


def test_the_printed_accounts_list_the_agency_users(demo):
    out = io.StringIO()
    DemoCommand(stdout=out).print_accounts()
    text = out.getvalue()
    for row in cases_text.AGENCIES:
        assert row.username in text and row.name in text
    assert "weiquan3" in text
