"""An election turns the roster over on the new term's date; the history stays."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from jinguo.cadres.models import Election, Position
from jinguo.cadres.services import positions as services
from jinguo.core.models import AuditEvent
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import user_with_role

from .factories import make_position, position_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def street_officer(tree):
    """A rights officer of 春晖街道妇联, the level above 芳草社区."""
    return user_with_role(tree.street_a, "rights_officer", username="officer_chunhui")


def record(user, unit, *, term_starts_on, elected=2):
    election = services.election_create(
        user=user,
        org=unit,
        held_on=min(term_starts_on, timezone.localdate()),
        method="competitive",
        term_starts_on=term_starts_on,
        voters_total=40,
        voters_present=38,
    )
    new = []
    for i, code in enumerate(["chair", "executive", "executive"][: elected + 1]):
        person = PersonFactory(org=unit, name=f"新当选{i}", gender="F")
        services.candidate_add(
            user=user,
            election=election,
            person=person,
            position_type=position_type(code),
            votes=30 - i,
            elected=i < elected,
        )
        new.append(person)
    return election, new[:elected]


def test_approval_turns_the_roster_over_at_once_when_the_term_has_begun(tree, street_officer):
    old_chair = make_position(tree.community_a, "chair", started_on=date(2021, 6, 1))
    grid = make_position(
        tree.community_a, "grid_worker", person=old_chair.person, started_on=date(2021, 6, 1)
    )
    today = timezone.localdate()
    election, elected = record(street_officer, tree.community_a, term_starts_on=today)
    services.election_report(user=street_officer, election=election)
    election = services.election_decide(user=street_officer, election=election, approve=True)
    assert election.status == "in_effect" and election.applied_at is not None
    old_chair.refresh_from_db()
    assert old_chair.ended_on == today - timedelta(days=1), "the old term ends the day before"
    grid.refresh_from_db()
    assert grid.ended_on is None, "other posts (网格员) are not part of the election"
    current = Position.objects.filter(org=tree.community_a, ended_on__isnull=True)
    assert {p.person for p in current if p.position_type.kind == "federation"} == set(elected)
    assert Position.objects.filter(pk=old_chair.pk).exists(), "the history stays"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"election_report", "election_approve", "roster_turnover"} <= actions


def test_a_future_term_waits_for_the_scheduled_job(tree, street_officer):
    old = make_position(tree.community_a, "executive")
    start = timezone.localdate() + timedelta(days=10)
    election, elected = record(street_officer, tree.community_a, term_starts_on=start)
    services.election_report(user=street_officer, election=election)
    services.election_decide(user=street_officer, election=election, approve=True)
    assert Election.objects.get(pk=election.pk).status == "approved"
    assert services.elections_apply_due() == 0
    old.refresh_from_db()
    assert old.ended_on is None

    on_the_day = timezone.now() + timedelta(days=10)
    assert services.elections_apply_due(on_the_day) == 1
    old.refresh_from_db()
    assert old.ended_on == start - timedelta(days=1)
    assert Position.objects.filter(election=election, started_on=start).count() == len(elected)
    assert services.elections_apply_due(on_the_day) == 0, "once only"


def test_a_unit_cannot_approve_its_own_election(tree):
    chair = user_with_role(tree.community_a, "rights_officer")
    election, _ = record(chair, tree.community_a, term_starts_on=timezone.localdate())
    services.election_report(user=chair, election=election)
    with pytest.raises(ValidationError, match="上一级"):
        services.election_decide(user=chair, election=election, approve=True)


def test_rejection_needs_a_reason_and_leaves_the_roster(tree, street_officer):
    old = make_position(tree.community_a, "executive")
    election, _ = record(street_officer, tree.community_a, term_starts_on=timezone.localdate())
    services.election_report(user=street_officer, election=election)
    with pytest.raises(ValidationError):
        services.election_decide(user=street_officer, election=election, approve=False)
    services.election_decide(
        user=street_officer, election=election, approve=False, note="程序不符合规定"
    )
    old.refresh_from_db()
    assert old.ended_on is None


def test_candidates_are_checked(tree, street_officer):
    election, _ = record(street_officer, tree.community_a, term_starts_on=timezone.localdate())
    outsider = PersonFactory(org=tree.community_b)
    with pytest.raises(ValidationError) as e:
        services.candidate_add(
            user=street_officer,
            election=election,
            person=outsider,
            position_type=position_type("executive"),
            votes=50,
        )
    assert set(e.value.message_dict) == {"person", "votes"}
    services.election_report(user=street_officer, election=election)
    with pytest.raises(ValidationError, match="已报上级"):
        services.candidate_add(
            user=street_officer,
            election=election,
            person=PersonFactory(org=tree.community_a),
            position_type=position_type("executive"),
        )


def test_the_pages_record_an_election_and_the_roster_shows_the_elected(
    tree, street_officer, client
):
    client.force_login(street_officer)
    today = timezone.localdate().isoformat()
    r = client.post(
        reverse("cadres:election_create"),
        {
            "org": tree.community_a.pk,
            "held_on": today,
            "method": "competitive",
            "term_starts_on": today,
            "term_years": "5",
        },
    )
    election = Election.objects.get()
    assert r.status_code == 302 and r.url == election.get_absolute_url()
    person = PersonFactory(org=tree.community_a, name="王新芳", gender="F")
    r = client.post(
        reverse("cadres:candidate_add", args=[election.pk]),
        {"person": person.pk, "position_type": position_type("executive").pk, "votes": "33",
         "elected": "on"},
    )  # fmt: skip
    assert r.status_code == 302
    client.post(reverse("cadres:election_report", args=[election.pk]))
    page = client.get(election.get_absolute_url()).content.decode()
    assert "提交批复" in page
    r = client.post(reverse("cadres:election_decide", args=[election.pk]), {"approve": "1"})
    assert r.status_code == 302
    roster = client.get(reverse("cadres:position_list"), {"unit": tree.community_a.pk})
    assert "王新芳" in roster.content.decode()


def test_a_failed_candidate_form_keeps_what_was_typed(tree, street_officer, client):
    election, _ = record(street_officer, tree.community_a, term_starts_on=timezone.localdate())
    client.force_login(street_officer)
    r = client.post(
        reverse("cadres:candidate_add", args=[election.pk]),
        {"person": "", "position_type": position_type("executive").pk, "votes": "37"},
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert 'value="37"' in html and "invalid-feedback" in html
