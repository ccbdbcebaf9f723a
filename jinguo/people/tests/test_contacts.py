"""联系点: assignment shares the person with the worker; ending it takes the access back."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from jinguo.people.models import ContactAssignment, FocusTagType, Visit
from jinguo.people.selectors.contacts import my_contact_rows
from jinguo.people.selectors.persons import visible_persons
from jinguo.people.services import contacts, tags, visits
from jinguo.people.tests.factories import HouseholdFactory, PersonFactory
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid_worker_b(tree):
    """A grid worker of 桃李社区 (the other district)."""
    return user_with_role(tree.community_b, "grid_worker", username="grid_taoli", real_name="周网")


@pytest.fixture
def grid_worker_a(tree):
    return user_with_role(tree.grid_a, "grid_worker", username="grid_fangcao", real_name="吴网")


def test_assigned_worker_of_another_community_sees_the_person_until_the_end(
    client, tree, grid_worker_b
):
    officer = user_with_role(tree.city, "rights_officer")
    person = PersonFactory(org=tree.community_a, name="刘芳")
    url = reverse("people:person_detail", args=[person.pk])
    client.force_login(grid_worker_b)
    assert client.get(url).status_code == 404

    assignment = contacts.contact_assign(user=officer, worker=grid_worker_b, person=person)
    assert client.get(url).status_code == 200
    # She may record a visit there, and sees it afterwards.
    r = client.post(
        reverse("people:visit_create"),
        {
            "person": person.pk,
            "visited_on": timezone.localdate(),
            "method": "home",
            "situation": "入户了解情况",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    visit = Visit.objects.get(person=person)
    assert visit.worker == grid_worker_b and visit.org == tree.community_a
    assert client.get(reverse("people:visit_detail", args=[visit.pk])).status_code == 200
    assert [r.assignment for r in my_contact_rows(grid_worker_b)] == [assignment]

    contacts.contact_end(user=officer, assignment=assignment, reason="调整联系人")
    assert client.get(url).status_code == 404
    assert client.get(reverse("people:visit_detail", args=[visit.pk])).status_code == 404
    assert my_contact_rows(grid_worker_b) == []


def test_ending_one_assignment_keeps_access_from_a_tag(tree, grid_worker_b):
    chair = user_with_role(tree.city, "rights_officer")
    person = PersonFactory(org=tree.community_a)
    assignment = contacts.contact_assign(user=chair, worker=grid_worker_b, person=person)
    tags.tag_add(
        user=chair,
        person=person,
        tag_type=FocusTagType.objects.get(code="single_mother"),
        responsible=grid_worker_b,
    )
    contacts.contact_end(user=chair, assignment=assignment)
    assert visible_persons(grid_worker_b).filter(pk=person.pk).exists()


def test_duplicate_assignment_is_refused(tree, community_chair, grid_worker_a):
    person = PersonFactory(org=tree.community_a)
    contacts.contact_assign(user=community_chair, worker=grid_worker_a, person=person)
    with pytest.raises(ValidationError) as exc:
        contacts.contact_assign(user=community_chair, worker=grid_worker_a, person=person)
    assert "无需重复指派" in str(exc.value)


def test_worker_out_of_scope_is_refused(tree, community_chair, grid_worker_b):
    person = PersonFactory(org=tree.community_a)
    with pytest.raises(ValidationError) as exc:
        contacts.contact_assign(user=community_chair, worker=grid_worker_b, person=person)
    assert "联系人不存在" in str(exc.value)


def test_my_contacts_overdue_first(client, tree, community_chair, grid_worker_a):
    today = timezone.localdate()
    never = PersonFactory(org=tree.community_a, name="从未走访")
    recent = PersonFactory(org=tree.community_a, name="最近走访")
    long_ago = PersonFactory(org=tree.community_a, name="很久未访")
    home = HouseholdFactory(org=tree.community_a, name="赵家")
    a_never = contacts.contact_assign(
        user=community_chair, worker=grid_worker_a, person=never, since=today - timedelta(days=10)
    )
    a_recent = contacts.contact_assign(
        user=community_chair, worker=grid_worker_a, person=recent, since=today - timedelta(days=90)
    )
    a_old = contacts.contact_assign(
        user=community_chair,
        worker=grid_worker_a,
        person=long_ago,
        since=today - timedelta(days=200),
    )
    a_home = contacts.contact_assign(
        user=community_chair,
        worker=grid_worker_a,
        household=home,
        since=today - timedelta(days=100),
        visit_every_days=60,
    )
    for person, days in ((recent, 3), (long_ago, 45)):
        visits.visit_create(
            user=grid_worker_a,
            person=person,
            situation="走访",
            visited_on=today - timedelta(days=days),
        )
    rows = my_contact_rows(grid_worker_a)
    # a_home: since 100 days, never visited, due after 60 → 40 days overdue (most overdue);
    # a_old: last visit 45 days ago, every 30 → 15 days overdue; then the ones not yet due.
    assert [r.assignment for r in rows] == [a_home, a_old, a_never, a_recent]
    assert [r.is_overdue for r in rows] == [True, True, False, False]
    assert rows[1].days_since == 45 and rows[1].days_overdue == 15
    assert rows[2].last_visit is None and rows[2].next_due == today + timedelta(days=20)

    client.force_login(grid_worker_a)
    html = client.get(reverse("people:my_contacts")).content.decode()
    assert (
        html.index("赵家")
        < html.index("很久未访")
        < html.index("从未走访")
        < html.index("最近走访")
    )
    assert 'data-overdue="1"' in html and "逾期 40 天" in html


def test_unit_view_lists_overdue_workers_for_the_chair(
    client, tree, community_chair, grid_worker_a
):
    person = PersonFactory(org=tree.community_a, name="孙梅")
    contacts.contact_assign(
        user=community_chair,
        worker=grid_worker_a,
        person=person,
        since=timezone.localdate() - timedelta(days=40),
    )
    client.force_login(community_chair)
    r = client.get(reverse("people:contact_list"))
    assert r.status_code == 200
    assert r.context["overdue"] == 1
    assert r.context["overdue_workers"][0][0] == grid_worker_a
    r = client.get(reverse("people:contact_list"), {"overdue": "1"})
    assert "孙梅" in r.content.decode()


def test_grid_worker_opens_both_contact_pages(client, grid_worker_a):
    client.force_login(grid_worker_a)
    assert client.get(reverse("people:my_contacts")).status_code == 200
    # Grid workers hold view_contactassignment, so the unit page shows only her scope.
    assert client.get(reverse("people:contact_list")).status_code == 200


def test_end_through_the_page(client, tree, community_chair, grid_worker_a):
    person = PersonFactory(org=tree.community_a)
    assignment = contacts.contact_assign(user=community_chair, worker=grid_worker_a, person=person)
    client.force_login(community_chair)
    r = client.post(
        reverse("people:contact_end", args=[assignment.pk]),
        {"ended_on": timezone.localdate(), "reason": "搬离本社区"},
    )
    assert r.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ended_on == timezone.localdate()
    assert not ContactAssignment.objects.filter(ended_on__isnull=True).exists()


def test_the_grid_workers_home_lists_her_households_overdue_first_one_tap_from_a_visit(
    client, tree, community_chair, grid_worker_a
):
    today = timezone.localdate()
    soon = PersonFactory(org=tree.community_a, name="下周走访")
    home = HouseholdFactory(org=tree.community_a, name="钱家")
    contacts.contact_assign(
        user=community_chair, worker=grid_worker_a, person=soon, since=today - timedelta(days=25)
    )
    contacts.contact_assign(
        user=community_chair, worker=grid_worker_a, household=home, since=today - timedelta(days=70)
    )
    client.force_login(grid_worker_a)
    html = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="panel-contacts"' in html
    assert html.index("钱家") < html.index("下周走访")
    assert "逾期 40 天" in html
    start = html.index('data-testid="home-visit"')
    link = html[html.rfind("<a", 0, start) : start]
    url = link.split('href="')[1].split('"')[0].replace("&amp;", "&")
    assert url.startswith(reverse("people:visit_create")) and f"household={home.pk}" in url
    form = client.get(url)
    assert form.status_code == 200
    saved = client.post(
        url,
        {
            "household": home.pk,
            "visited_on": today.isoformat(),
            "method": "home",
            "situation": "入户走访，一切正常",
        },
    )
    assert saved.status_code == 302 and saved["Location"] == reverse("core:home")
    assert Visit.objects.filter(household=home).count() == 1
    html = client.get(reverse("core:home")).content.decode()
    assert "逾期 40 天" not in html


def test_someone_without_contacts_gets_no_contacts_panel(client, tree, community_chair):
    client.force_login(community_chair)
    assert 'data-testid="panel-contacts"' not in client.get(reverse("core:home")).content.decode()
