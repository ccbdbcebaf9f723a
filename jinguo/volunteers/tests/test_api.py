"""/api/volunteers/: scoped like the pages (a community, another community, the district),
contacts masked and revealed only through the person service's logged reveal, the write
actions through the same services, and bad input answered 400/404, never 500."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from jinguo.core.models import AuditEvent
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import UserFactory, grant, user_with_role

from .factories import (
    make_activity,
    make_pairing,
    make_participation,
    make_resolution,
    make_team,
    make_volunteer,
)

pytestmark = pytest.mark.django_db
API = "/api/volunteers"
HUGE = 10**30


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def chair(tree):
    """The community chair of 芳草社区 (community_a)."""
    return user_with_role(tree.community_a, "community_chair", username="chair_fangcao")


@pytest.fixture
def other_chair(tree):
    """The chair of another community of another district."""
    return user_with_role(tree.community_b, "community_chair", username="chair_other")


@pytest.fixture
def district(tree):
    return user_with_role(tree.district_a, "leader", username="district_leader")


def ids(response):
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


def test_each_list_is_scoped_community_other_community_district(tree, chair, other_chair, district):
    activity = make_activity(tree.community_a)
    signed = make_participation(tree.community_a, activity=activity)
    resolution = make_resolution(tree.community_a)
    records = {
        "teams": activity.team.pk,
        "volunteers": signed.volunteer.pk,
        "activities": activity.pk,
        "signups": signed.pk,
        "meetings": resolution.meeting.pk,
        "councils": resolution.meeting.council.pk,
        "resolutions": resolution.pk,
    }
    for name, pk in records.items():
        assert pk in ids(api(chair).get(f"{API}/{name}/")), name
        assert pk in ids(api(district).get(f"{API}/{name}/")), name
        assert api(district).get(f"{API}/{name}/{pk}/").status_code == 200, name
        assert pk not in ids(api(other_chair).get(f"{API}/{name}/")), name
        assert api(other_chair).get(f"{API}/{name}/{pk}/").status_code == 404, name
    # The district leader reads only: no sign-up, no hours.
    r = api(district).post(
        f"{API}/activities/{activity.pk}/signup/", {"volunteer": signed.volunteer.pk}
    )
    assert r.status_code == 404


def test_contacts_are_masked_and_the_name_of_a_person_she_may_not_see(tree, chair):
    person = PersonFactory(org=tree.community_a, name="王秀兰", phone="13812348000")
    volunteer = make_volunteer(tree.community_a, person=person)
    row = api(chair).get(f"{API}/volunteers/{volunteer.pk}/").json()
    assert row["name"] == "王秀兰" and row["masked_phone"] == "138****8000"
    assert "13812348000" not in api(chair).get(f"{API}/volunteers/").content.decode()
    # A sensitive person record: her volunteering is in scope, her name is not.
    person.is_sensitive = True
    person.save(update_fields=["is_sensitive"])
    plain = UserFactory(home_unit=tree.district_a)
    grant(plain, "volunteers.view_volunteer", "people.view_person")
    row = api(plain).get(f"{API}/volunteers/{volunteer.pk}/").json()
    assert row["name"] != "王秀兰" and row["name"].startswith("王")
    grant(plain, "core.view_sensitive")
    plain = UserFactory._meta.model.objects.get(pk=plain.pk)
    assert api(plain).get(f"{API}/volunteers/{volunteer.pk}/").json()["name"] == "王秀兰"


def test_a_reveal_needs_the_permission_and_a_reason_and_is_logged(tree, chair, other_chair):
    person = PersonFactory(org=tree.community_a, phone="13812348000")
    volunteer = make_volunteer(tree.community_a, person=person)
    url = f"{API}/volunteers/{volunteer.pk}/reveal/"
    plain = UserFactory(home_unit=tree.community_a)
    grant(plain, "volunteers.view_volunteer", "people.view_person")
    assert api(plain).post(url, {"field": "phone", "reason": "联系活动"}).status_code == 403
    assert chair.has_perm("core.reveal_pii") and other_chair.has_perm("core.reveal_pii")
    assert api(other_chair).post(url, {"field": "phone", "reason": "x"}).status_code == 404
    for bad in ({"field": "phone"}, {"field": "phone", "reason": "  "},
                {"field": "id_number", "reason": "x"}, {"field": 5, "reason": "x"}):  # fmt: skip
        r = api(chair).post(url, bad, format="json")
        assert r.status_code == 400, (bad, r.content)
    r = api(chair).post(url, {"field": "phone", "reason": "通知明天的活动"}, format="json")
    assert r.status_code == 200 and r.json() == {"field": "phone", "value": "13812348000"}
    event = AuditEvent.objects.get(action="reveal", object_id=str(person.pk))
    assert event.user_id == chair.pk and "13812348000" not in str(event.detail)


def test_registration_and_review_through_the_api(tree, chair, other_chair):
    leader = UserFactory(home_unit=tree.community_a)
    grant(
        leader,
        "volunteers.view_team",
        "volunteers.view_volunteer",
        "volunteers.approve_volunteer",
    )
    team = make_team(tree.community_a, leader=leader)
    person = PersonFactory(org=tree.community_a)
    data = {"team": team.pk, "person": person.pk, "skills": "缝纫", "consent": True}
    url = f"{API}/volunteers/"
    for bad, field in [
        ({**data, "consent": False}, "consent"),
        ({**data, "consent": "yes"}, "consent"),
        ({**data, "team": "abc"}, "team"),
        ({**data, "team": HUGE}, "team"),
        ({**data, "team": 987654321}, "team"),
        ({**data, "person": [1]}, "person"),
        ({**data, "person": PersonFactory(org=tree.community_b).pk}, "person"),
        ({**data, "skills": "技" * 201}, "skills"),
        ({**data, "skills": 12}, "skills"),
    ]:
        r = api(chair).post(url, bad, format="json")
        assert r.status_code == 400 and field in r.json(), (bad, r.content)
    assert api(other_chair).post(url, data, format="json").status_code == 400
    r = api(chair).post(url, data, format="json")
    assert r.status_code == 201 and r.json()["status"] == "pending"
    pk = r.json()["id"]
    assert api(chair).post(url, data, format="json").status_code == 400  # registered once

    decide = f"{API}/volunteers/{pk}/decide/"
    assert api(leader).post(decide, {"approve": "maybe"}, format="json").status_code == 400
    r = api(leader).post(decide, {"approve": False}, format="json")
    assert r.status_code == 400 and "note" in r.json()
    assert api(other_chair).post(decide, {"approve": True}, format="json").status_code == 404
    r = api(leader).post(decide, {"approve": True}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert api(leader).post(decide, {"approve": True}, format="json").status_code == 400
    assert api(leader).post(f"{API}/volunteers/{HUGE}/decide/", {}).status_code == 404


def test_sign_up_hours_and_confirmation_through_the_api(tree, chair, other_chair):
    leader = UserFactory(home_unit=tree.community_a)
    grant(
        leader,
        "volunteers.view_team",
        "volunteers.view_volunteer",
        "volunteers.view_participation",
        "volunteers.view_activity",
        "volunteers.approve_volunteer",
    )
    team = make_team(tree.community_a, leader=leader)
    activity = make_activity(tree.community_a, team=team)
    volunteer = make_volunteer(tree.community_a, team=team)
    stranger = make_volunteer(tree.community_a)  # of another team
    signup = f"{API}/activities/{activity.pk}/signup/"
    for bad in ({}, {"volunteer": "x"}, {"volunteer": HUGE}, {"volunteer": -1},
                {"volunteer": stranger.pk}, {"volunteer": 987654321}):  # fmt: skip
        assert api(chair).post(signup, bad, format="json").status_code == 400, bad
    assert api(other_chair).post(signup, {"volunteer": volunteer.pk}).status_code == 404
    assert api(chair).post(f"{API}/activities/987654321/signup/", {}).status_code == 404
    r = api(chair).post(signup, {"volunteer": volunteer.pk}, format="json")
    assert r.status_code == 201 and r.json()["confirmed"] is False
    pk = r.json()["id"]

    hours = f"{API}/signups/{pk}/hours/"
    for bad in ({"attended": True}, {"attended": True, "hours": "abc"},
                {"attended": True, "hours": 1e9}, {"attended": True, "hours": 0.2},
                {"attended": "yes", "hours": 2}, {"attended": True, "hours": "NaN"}):  # fmt: skip
        assert api(chair).post(hours, bad, format="json").status_code == 400, bad
    assert api(other_chair).post(hours, {"attended": True, "hours": 2}).status_code == 404
    r = api(chair).post(hours, {"attended": True, "hours": "2.5"}, format="json")
    assert r.status_code == 200 and r.json()["hours"] == "2.5"

    confirm = f"{API}/signups/{pk}/confirm/"
    assert api(other_chair).post(confirm).status_code == 404
    viewer = UserFactory(home_unit=tree.community_a)
    grant(viewer, "volunteers.view_participation", "volunteers.view_team")
    assert api(viewer).post(confirm).status_code == 403  # not a leader
    r = api(leader).post(confirm)
    assert r.status_code == 200 and r.json()["confirmed"] is True
    assert api(leader).post(confirm).status_code == 400  # confirmed once
    r = api(chair).get(f"{API}/volunteers/{volunteer.pk}/hours/")
    year = activity.held_on.year
    assert r.json() == {
        "volunteer": volunteer.pk,
        "confirmed_hours": "2.5",
        "services": 1,
        "by_year": [{"year": year, "hours": "2.5", "times": 1}],
    }
    assert api(other_chair).get(f"{API}/volunteers/{volunteer.pk}/hours/").status_code == 404
    assert pk in ids(api(chair).get(f"{API}/signups/?confirmed=true&volunteer={volunteer.pk}"))


def test_bad_filters_and_ids_are_400_or_404(tree, chair):
    for query in (
        "teams/?unit=abc",
        f"teams/?unit={HUGE}",
        "signups/?activity=-1",
        f"signups/?volunteer={HUGE}",
        "signups/?confirmed=maybe",
        "resolutions/?overdue=xyz",
        "resolutions/?status=nonsense",
        "volunteers/?status=nonsense",
        "meetings/?council=abc",
    ):
        assert api(chair).get(f"{API}/{query}").status_code == 400, query
    for path in (f"teams/{HUGE}/", "activities/0/", "volunteers/abc/", "pairings/-1/"):
        assert api(chair).get(f"{API}/{path}").status_code == 404, path
    # A unit out of her scope is no error: it matches nothing.
    assert ids(api(chair).get(f"{API}/teams/?unit={tree.community_b.pk}")) == set()


def test_a_pairing_is_seen_through_the_api_only_by_who_may_see_the_child(tree):
    pairing = make_pairing(tree.community_a)
    assert pairing.child.is_sensitive
    perms = ("volunteers.view_carepairing", "volunteers.view_volunteer", "people.view_person")
    plain = UserFactory(home_unit=tree.district_a)
    grant(plain, *perms)
    cleared = UserFactory(home_unit=tree.district_a)
    grant(cleared, *perms, "core.view_sensitive")
    assert pairing.pk not in ids(api(plain).get(f"{API}/pairings/"))
    assert api(plain).get(f"{API}/pairings/{pairing.pk}/").status_code == 404
    assert pairing.child.name not in api(plain).get(f"{API}/pairings/").content.decode()
    assert pairing.pk in ids(api(cleared).get(f"{API}/pairings/"))
    row = api(cleared).get(f"{API}/pairings/{pairing.pk}/").json()
    assert row["child_name"] == pairing.child.name


def test_a_resolution_is_followed_up_through_the_api(tree, chair, other_chair):
    resolution = make_resolution(tree.community_a, due_in_days=-3)
    url = f"{API}/resolutions/{resolution.pk}/followup/"
    assert resolution.pk in ids(api(chair).get(f"{API}/resolutions/?overdue=true"))
    for bad in ({}, {"note": ""}, {"note": "落" * 501}, {"note": "ok", "done": "yes"}):
        assert api(chair).post(url, bad, format="json").status_code == 400, bad
    assert api(other_chair).post(url, {"note": "越权"}, format="json").status_code == 404
    r = api(chair).post(url, {"note": "已协调物业", "done": True}, format="json")
    assert r.status_code == 201 and r.json()["status"] == "done"
    assert r.json()["followups"][-1]["note"] == "已协调物业"
    assert api(chair).post(url, {"note": "再记"}, format="json").status_code == 400


def test_a_cancelled_activity_says_so(tree, chair):
    from jinguo.volunteers.services import teams

    activity = make_activity(tree.community_a, held_on=timezone.localdate() + timedelta(days=3))
    teams.activity_cancel(user=chair, activity=activity, reason="场地维修")
    row = api(chair).get(f"{API}/activities/{activity.pk}/").json()
    assert row["is_cancelled"] is True and row["cancel_reason"] == "场地维修"
    assert row["signed_up"] == 0 and row["held_on"] > date(2000, 1, 1).isoformat()


def test_the_hours_statistics_through_the_api(tree, chair, other_chair, district):
    from decimal import Decimal

    from jinguo.volunteers.services import teams

    signed = make_participation(tree.community_a, attended=True, hours=Decimal("2"))
    teams.hours_confirm(user=chair, participation=signed)
    year = signed.held_on.year
    r = api(district).get(f"{API}/hours/?year={year}")
    assert r.status_code == 200
    body = r.json()
    assert body["total_hours"] == "2.0" and body["active_volunteers"] == 1
    assert [t["team"] for t in body["teams"]] == [signed.activity.team_id]
    assert [(u["name"], u["own"]) for u in body["units"]] == [(tree.street_a.name, False)]
    assert api(district).get(f"{API}/hours/").json()["year"] == timezone.localdate().year
    other = api(other_chair).get(f"{API}/hours/?year={year}").json()
    assert other["teams"] == [] and other["active_volunteers"] == 0
    for bad in ("abc", "99999", "1999", str(HUGE), "2026.5"):
        assert api(district).get(f"{API}/hours/?year={bad}").status_code == 400, bad
    assert api(UserFactory(home_unit=tree.district_a)).get(f"{API}/hours/").status_code == 403


def test_an_activity_is_cancelled_and_a_resolution_reopened_through_the_api(
    tree, chair, other_chair
):
    activity = make_activity(tree.community_a, held_on=timezone.localdate() + timedelta(days=5))
    url = f"{API}/activities/{activity.pk}/cancel/"
    for bad in ({}, {"reason": ""}, {"reason": "因" * 201}, {"reason": ["x"]}):
        assert api(chair).post(url, bad, format="json").status_code == 400, bad
    assert api(other_chair).post(url, {"reason": "越权"}, format="json").status_code == 404
    r = api(chair).post(url, {"reason": "暴雨"}, format="json")
    assert r.status_code == 200 and r.json()["is_cancelled"] is True
    assert api(chair).post(url, {"reason": "再次"}, format="json").status_code == 400

    resolution = make_resolution(tree.community_a, status="done", done_on=timezone.localdate())
    url = f"{API}/resolutions/{resolution.pk}/reopen/"
    assert api(chair).post(url, {"reason": ""}, format="json").status_code == 400
    assert api(other_chair).post(url, {"reason": "越权"}, format="json").status_code == 404
    r = api(chair).post(url, {"reason": "车位仍被占用"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "open"
    assert "车位仍被占用" in r.json()["followups"][-1]["note"]
    assert api(chair).post(url, {"reason": "再次"}, format="json").status_code == 400


@pytest.mark.parametrize("name", ["volunteers", "signups", "pairings", "resolutions", "activities"])
def test_a_list_costs_the_same_queries_for_more_rows(tree, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = user_with_role(tree.district_a, "leader")
    grant(user, "core.view_sensitive")

    def add_rows():
        for _ in range(3):
            make_pairing(tree.community_a)
            make_participation(tree.community_a)
            make_resolution(tree.community_a)

    def queries():
        client = api(user)
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(f"{API}/{name}/")
        assert r.status_code == 200 and r.json()["results"], r.content[:200]
        return len(ctx.captured_queries)

    add_rows()
    queries()  # the first request also reads her roles and permissions
    few = queries()
    add_rows()
    assert queries() == few
