"""Registration and its review by the team leader, sign-up, hours that count only once the
leader confirms them, the record page and certificate, and 爱心妈妈 pairings seen only by who
may see the child."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from jinguo.core import registry
from jinguo.core.models import AuditEvent
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import UserFactory, grant, user_with_role
from jinguo.volunteers.models import Volunteer
from jinguo.volunteers.selectors import confirmed_hours, pending_for
from jinguo.volunteers.services import teams

from .factories import make_activity, make_pairing, make_team, make_volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(tree):
    """A community chair of 芳草社区: registers volunteers, records activities."""
    return user_with_role(tree.community_a, "community_chair", username="chair_fangcao")


@pytest.fixture
def leader(tree):
    """The team's leader: a volunteer account of 芳草社区 allowed to review and confirm."""
    user = UserFactory(home_unit=tree.community_a, username="team_leader")
    grant(
        user,
        "volunteers.view_team",
        "volunteers.view_volunteer",
        "volunteers.view_activity",
        "volunteers.view_participation",
        "volunteers.approve_volunteer",
    )
    return user


def register(staff, team, **extra):
    person = PersonFactory(org=team.org, name="王秀兰", gender="F")
    values = {"skills": "缝纫、心理疏导", "availability": "周末", "areas": "助老", "consent": True}
    return teams.volunteer_register(user=staff, team=team, person=person, **{**values, **extra})


def test_registration_needs_her_consent(tree, staff):
    team = make_team(tree.community_a)
    with pytest.raises(ValidationError) as exc:
        register(staff, team, consent=False)
    assert "consent" in exc.value.message_dict


def test_the_team_leader_approves_a_registration(tree, staff, leader, client):
    team = make_team(tree.community_a, leader=leader)
    volunteer = register(staff, team)
    assert volunteer.status == "pending"
    assert list(pending_for(leader)) == [volunteer]
    panels = dict((p.key, ctx) for p, ctx in registry.panels_for(leader))
    assert panels["volunteers.pending"]["count"] == 1

    client.force_login(leader)
    page = client.get(volunteer.get_absolute_url())
    assert page.context["decide_form"] is not None
    r = client.post(reverse("volunteers:volunteer_decide", args=[volunteer.pk]), {"approve": "1"})
    assert r.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.status == "approved" and volunteer.decided_by == leader
    assert AuditEvent.objects.filter(action="volunteer_approve", object_id=str(volunteer.pk))
    # The audit trail names the registration by number, never the person.
    reprs = AuditEvent.objects.values_list("object_repr", flat=True)
    assert reprs and not any(volunteer.person.name in r for r in reprs)
    # Decided once: a second decision is refused.
    with pytest.raises(ValidationError):
        teams.volunteer_decide(user=leader, volunteer=volunteer, approve=False, note="重复")


def test_someone_elses_team_cannot_be_reviewed_by_a_plain_leader(tree, staff, leader):
    other_leader = UserFactory(home_unit=tree.community_a)
    team = make_team(tree.community_a, leader=other_leader)
    volunteer = register(staff, team)
    with pytest.raises(PermissionDenied):
        teams.volunteer_decide(user=leader, volunteer=volunteer, approve=True)
    assert not pending_for(leader).exists()


def test_a_rejection_needs_a_reason(tree, staff, leader):
    volunteer = register(staff, make_team(tree.community_a, leader=leader))
    with pytest.raises(ValidationError):
        teams.volunteer_decide(user=leader, volunteer=volunteer, approve=False)
    teams.volunteer_decide(user=leader, volunteer=volunteer, approve=False, note="不在本社区居住")
    assert Volunteer.objects.get(pk=volunteer.pk).status == "rejected"


def test_only_approved_members_of_the_team_sign_up(tree, staff):
    activity = make_activity(tree.community_a, capacity=1)
    pending = make_volunteer(tree.community_a, team=activity.team, status="pending")
    with pytest.raises(ValidationError):
        teams.signup(user=staff, activity=activity, volunteer=pending)
    stranger = make_volunteer(tree.community_a)
    with pytest.raises(ValidationError):
        teams.signup(user=staff, activity=activity, volunteer=stranger)
    teams.signup(
        user=staff,
        activity=activity,
        volunteer=make_volunteer(tree.community_a, team=activity.team),
    )
    with pytest.raises(ValidationError) as exc:  # the one place is taken
        teams.signup(
            user=staff, activity=activity,
            volunteer=make_volunteer(tree.community_a, team=activity.team),
        )  # fmt: skip
    assert "名额已满" in str(exc.value)


def test_hours_count_once_the_leader_confirms_them(tree, staff, leader, client):
    team = make_team(tree.community_a, leader=leader)
    volunteer = make_volunteer(tree.community_a, team=team)
    activity = make_activity(tree.community_a, team=team)
    signed = teams.signup(user=staff, activity=activity, volunteer=volunteer)
    teams.hours_record(user=staff, participation=signed, attended=True, hours=Decimal("3.5"))
    assert confirmed_hours(volunteer.participations.all()) == 0

    client.force_login(leader)
    assert client.get(volunteer.get_absolute_url()).context["hours"] == 0
    r = client.post(reverse("volunteers:hours_confirm", args=[signed.pk]))
    assert r.status_code == 302
    assert client.get(volunteer.get_absolute_url()).context["hours"] == Decimal("3.5")
    assert AuditEvent.objects.filter(action="hours_confirm", object_id=str(signed.pk)).exists()
    certificate = client.get(reverse("volunteers:volunteer_certificate", args=[volunteer.pk]))
    assert certificate.status_code == 200 and "3.5" in certificate.content.decode()

    # Changing the hours withdraws the confirmation until the leader confirms again.
    teams.hours_record(user=staff, participation=signed, attended=True, hours=Decimal("5"))
    assert confirmed_hours(volunteer.participations.all()) == 0


def test_a_registrar_who_is_not_the_leader_cannot_confirm(tree, staff):
    other = user_with_role(tree.community_a2, "community_chair")
    signed = teams.signup(
        user=staff, activity=(a := make_activity(tree.community_a)),
        volunteer=make_volunteer(tree.community_a, team=a.team),
    )  # fmt: skip
    teams.hours_record(user=staff, participation=signed, attended=True, hours=Decimal("2"))
    with pytest.raises(ValidationError):  # another community's chair: not even found
        teams.hours_confirm(user=other, participation=signed)


def test_hours_are_checked(tree, staff):
    activity = make_activity(tree.community_a)
    signed = teams.signup(
        user=staff, activity=activity,
        volunteer=make_volunteer(tree.community_a, team=activity.team),
    )  # fmt: skip
    for bad in (None, Decimal("0"), Decimal("25")):
        with pytest.raises(ValidationError):
            teams.hours_record(user=staff, participation=signed, attended=True, hours=bad)


def test_a_care_pairing_is_seen_only_by_who_may_see_the_child(tree, client):
    pairing = make_pairing(tree.community_a)
    assert pairing.child.is_sensitive  # a minor's record
    perms = ("volunteers.view_carepairing", "volunteers.view_volunteer", "people.view_person")
    plain = UserFactory(home_unit=tree.district_a)
    grant(plain, *perms)
    cleared = UserFactory(home_unit=tree.district_a)
    grant(cleared, *perms, "core.view_sensitive")

    client.force_login(plain)
    r = client.get(reverse("volunteers:pairing_list"))
    assert pairing.pk not in {row.record.pk for row in r.context["table"].rows}
    assert pairing.child.name not in r.content.decode()
    page = client.get(pairing.volunteer.get_absolute_url())
    assert list(page.context["pairings"]) == []

    client.force_login(cleared)
    r = client.get(reverse("volunteers:pairing_list"))
    assert pairing.pk in {row.record.pk for row in r.context["table"].rows}
    assert list(client.get(pairing.volunteer.get_absolute_url()).context["pairings"]) == [pairing]


def test_a_care_pairing_is_with_a_child(tree):
    staff = user_with_role(tree.community_a, "community_chair")
    grant(staff, "core.view_sensitive")
    volunteer = make_volunteer(tree.community_a)
    adult = PersonFactory(org=tree.community_a, birth_date=date(1990, 1, 1))
    with pytest.raises(ValidationError) as exc:
        teams.care_pairing_create(user=staff, volunteer=volunteer, child=adult)
    assert "child" in exc.value.message_dict


def test_the_statistics_count_confirmed_service_only(tree, staff, leader):
    from jinguo.core.registry import registry as reg

    team = make_team(tree.community_a, leader=leader)
    activity = make_activity(tree.community_a, team=team)
    done, open_ = (
        teams.signup(
            user=staff, activity=activity, volunteer=make_volunteer(tree.community_a, team=team)
        )
        for _ in range(2)
    )
    for p in (done, open_):
        teams.hours_record(user=staff, participation=p, attended=True, hours=Decimal("2"))
    teams.hours_confirm(user=leader, participation=done)
    source = reg.stats_sources["volunteers.service"]
    assert list(source.queryset(staff).values_list("pk", flat=True)) == [done.pk]


def test_the_person_page_shows_her_volunteering_in_scope(tree, client):
    volunteer = make_volunteer(tree.community_a)
    inside = user_with_role(tree.community_a, "community_chair")
    outside = user_with_role(tree.community_b, "community_chair")
    grant(outside, "people.view_person")
    shown = dict((s.key, ctx) for s, ctx in registry.sections_for(inside, volunteer.person))
    assert [v.pk for v in shown["volunteers.person"]["volunteer_rows"]] == [volunteer.pk]
    hidden = dict((s.key, ctx) for s, ctx in registry.sections_for(outside, volunteer.person))
    assert "volunteers.person" not in hidden
    client.force_login(inside)
    page = client.get(reverse("people:person_detail", args=[volunteer.person.pk]))
    assert page.status_code == 200 and 'data-testid="volunteer-section"' in page.content.decode()


def test_hours_by_team_count_confirmed_hours_in_scope(tree, staff, leader, client):
    team = make_team(tree.community_a, leader=leader)
    activity = make_activity(tree.community_a, team=team)
    signed = [
        teams.signup(
            user=staff, activity=activity, volunteer=make_volunteer(tree.community_a, team=team)
        )
        for _ in range(2)
    ]
    for p in signed:
        teams.hours_record(user=staff, participation=p, attended=True, hours=Decimal("2"))
    teams.hours_confirm(user=leader, participation=signed[0])
    district = user_with_role(tree.district_a, "leader")
    client.force_login(district)
    r = client.get(reverse("volunteers:hours_summary"))
    assert [(row["team_id"], row["hours"]) for row in r.context["rows"]] == [
        (team.pk, Decimal("2"))
    ]
    assert r.context["active"] == 1
    client.force_login(user_with_role(tree.district_b, "leader"))
    r = client.get(reverse("volunteers:hours_summary") + "?year=abc")
    assert r.status_code == 200 and r.context["rows"] == []


def test_a_team_gets_a_leader_later(tree, staff, leader, client):
    team = make_team(tree.community_a)
    client.force_login(staff)
    path = reverse("volunteers:team_update", args=[team.pk])
    assert client.get(path).status_code == 200
    r = client.post(path, {"name": team.name, "leader": leader.pk, "purpose": "助老"})
    assert r.status_code == 302
    team.refresh_from_db()
    assert team.leader == leader
    assert AuditEvent.objects.filter(action="update", object_id=str(team.pk)).exists()
    outsider = UserFactory(home_unit=tree.community_b)
    r = client.post(path, {"name": team.name, "leader": outsider.pk})
    assert r.status_code == 200  # not a worker she can name: the form refuses it
    team.refresh_from_db()
    assert team.leader == leader


def test_a_refused_small_form_keeps_what_was_typed(tree, staff, leader, client):
    """The row forms on the activity page and the review form: a refusal shows the page again
    with her input and the reason beside it, not a message over an emptied form."""
    team = make_team(tree.community_a, leader=leader)
    volunteer = make_volunteer(tree.community_a, team=team)
    activity = make_activity(tree.community_a, team=team)
    signed = teams.signup(user=staff, activity=activity, volunteer=volunteer)
    client.force_login(staff)
    r = client.post(
        reverse("volunteers:hours", args=[signed.pk]), {"attended": "on", "hours": "30"}
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="hours-errors"' in html and 'value="30"' in html
    signed.refresh_from_db()
    assert signed.hours is None
    pending = register(staff, team)
    client.force_login(leader)
    r = client.post(
        reverse("volunteers:volunteer_decide", args=[pending.pk]), {"approve": "0", "note": ""}
    )
    assert r.status_code == 200 and 'data-testid="decide-form"' in r.content.decode()
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_the_yearly_summary_follows_confirmations_and_equals_a_rebuild(tree, staff, leader):
    from jinguo.volunteers.models import ServiceYear
    from jinguo.volunteers.selectors import active_volunteers, hours_by_team

    team = make_team(tree.community_a, leader=leader)
    volunteer = make_volunteer(tree.community_a, team=team)
    signed = [
        teams.signup(user=staff, activity=make_activity(tree.community_a, team=team, **when),
                     volunteer=volunteer)
        for when in ({"held_on": date(2025, 12, 30)}, {}, {})
    ]  # fmt: skip
    for p, hours in zip(signed, ("2", "3", "1.5"), strict=True):
        teams.hours_record(user=staff, participation=p, attended=True, hours=Decimal(hours))
        teams.hours_confirm(user=leader, participation=p)
    this_year = signed[1].held_on.year
    row = ServiceYear.objects.get(volunteer=volunteer, year=this_year)
    assert (row.hours, row.times) == (Decimal("4.5"), 2)
    assert ServiceYear.objects.get(volunteer=volunteer, year=2025).hours == Decimal("2")
    # Changing confirmed hours withdraws them until the leader confirms again.
    teams.hours_record(user=staff, participation=signed[2], attended=True, hours=Decimal("4"))
    row.refresh_from_db()
    assert (row.hours, row.times) == (Decimal("3"), 1)
    district = user_with_role(tree.district_a, "leader")
    assert [(r["team_id"], r["hours"], r["volunteers"], r["times"]) for r in
            hours_by_team(district, this_year)] == [(team.pk, Decimal("3"), 1, 1)]  # fmt: skip
    assert active_volunteers(district, this_year) == 1
    teams.hours_record(user=staff, participation=signed[1], attended=False)
    assert list(hours_by_team(district, this_year)) == []
    assert active_volunteers(district, this_year) == 0
    # Another district sees nothing; a user without the permission neither.
    other = user_with_role(tree.district_b, "leader")
    assert active_volunteers(other, 2025) == 0 and not list(hours_by_team(other, 2025))
    assert active_volunteers(UserFactory(home_unit=tree.district_a), 2025) == 0

    kept = sorted(ServiceYear.objects.values_list("volunteer_id", "year", "hours", "times"))
    teams.service_years_rebuild()
    rebuilt = sorted(ServiceYear.objects.values_list("volunteer_id", "year", "hours", "times"))
    assert [r for r in kept if r[3]] == rebuilt


def test_a_pairing_with_a_child_of_another_branch_stays_hidden(tree, client):
    """Not only a sensitive child: a pairing whose child lies outside the viewer's scope is
    not shown, though the pairing itself belongs to her unit."""
    child = PersonFactory(org=tree.community_b, name="外区儿童", birth_date=date(2017, 2, 1))
    child.is_sensitive = False
    child.save(update_fields=["is_sensitive"])
    pairing = make_pairing(tree.community_a, child=child)
    viewer = UserFactory(home_unit=tree.district_a)
    grant(viewer, "volunteers.view_carepairing", "volunteers.view_volunteer",
          "people.view_person", "core.view_sensitive")  # fmt: skip
    client.force_login(viewer)
    r = client.get(reverse("volunteers:pairing_list"))
    assert pairing.pk not in {row.record.pk for row in r.context["table"].rows}
    assert "外区儿童" not in r.content.decode()
    assert "外区儿童" not in client.get(pairing.volunteer.get_absolute_url()).content.decode()


def test_the_hours_page_rolls_teams_up_to_the_units_below(tree, staff, leader, client):
    from jinguo.volunteers.tests.factories import make_participation

    def served(unit, hours):
        team = make_team(unit, leader=leader)
        p = make_participation(unit, activity=make_activity(unit, team=team), attended=True,
                               hours=Decimal(hours))  # fmt: skip
        teams.hours_confirm(user=user_with_role(unit, "community_chair"), participation=p)

    served(tree.community_a, "2")
    served(tree.community_a2, "1.5")
    served(tree.district_a, "3")
    client.force_login(user_with_role(tree.district_a, "leader"))
    r = client.get(reverse("volunteers:hours_summary"))
    units = [(u["name"], u["own"], u["teams"], u["volunteers"], u["hours"])
             for u in r.context["units"]]  # fmt: skip
    assert units == [
        (tree.district_a.name, True, 1, 1, Decimal("3")),
        (tree.street_a.name, False, 2, 2, Decimal("3.5")),
    ]
    assert 'data-testid="hours-by-unit"' in r.content.decode()
