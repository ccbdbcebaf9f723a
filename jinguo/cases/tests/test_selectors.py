"""Work queues, phone look-ups, a person's appeals and the choices of the workflow forms."""

import pytest

from jinguo.cases.choices import DueState, Status
from jinguo.cases.selectors import (
    QUEUES,
    assignable_workers,
    case_timeline,
    cases_by_phone,
    cases_for_person,
    pass_down_targets,
    persons_by_phone,
    queue_cases,
    queue_counts,
    transfer_targets,
)
from jinguo.cases.services.intake import case_create
from jinguo.cases.tests.factories import category, make_case
from jinguo.core.sharing import share_grant
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import user_with_role


def test_queues(tree, community_chair):
    mine = make_case(tree.community_a, status=Status.IN_PROGRESS, assigned_to=community_chair)
    waiting = make_case(tree.community_a)
    accepted = make_case(tree.community_a, status=Status.ACCEPTED)
    in_grid = make_case(tree.grid_a)  # in her subtree but not her own unit
    soon = make_case(tree.community_a, status=Status.ASSIGNED, due_state=DueState.SOON)
    late = make_case(tree.community_a, status=Status.ACCEPTED, due_state=DueState.OVERDUE)
    closed = make_case(tree.community_a, status=Status.CLOSED, assigned_to=community_chair)
    elsewhere = make_case(tree.community_b)
    assert set(queue_cases(community_chair, "mine")) == {mine}
    assert set(queue_cases(community_chair, "unassigned")) == {waiting, accepted, late}
    assert set(queue_cases(community_chair, "due_soon")) == {soon}
    assert set(queue_cases(community_chair, "overdue")) == {late}
    everything = set(queue_cases(community_chair, "all"))
    assert {mine, waiting, accepted, in_grid, soon, late, closed} == everything
    assert elsewhere not in everything
    counts = queue_counts(community_chair)
    assert list(counts) == list(QUEUES)
    assert counts["all"] == 7 and counts["mine"] == 1


def test_sensitive_queue_needs_view_sensitive(tree, district_officer, community_chair):
    dv = make_case(tree.community_a, category="family-violence")
    make_case(tree.community_a, category="family-violence", status="closed")
    assert list(queue_cases(district_officer, "sensitive")) == [dv]
    assert list(queue_cases(community_chair, "sensitive")) == []


def test_queue_counts_take_three_queries_at_most(
    tree, community_chair, district_officer, django_assert_max_num_queries
):
    """The open cases' tabs in one aggregate per half of the scope, 全部个案 in one count."""
    make_case(tree.community_a)
    shared = make_case(tree.community_b)
    share_grant(obj=shared, user=community_chair, reason="协办", granted_by=district_officer)
    queue_counts(community_chair)  # warm the permission cache
    with django_assert_max_num_queries(3):
        counts = queue_counts(community_chair)
    assert counts["all"] == 2


def test_cases_by_phone_finds_caller_and_complainant(tree, district_officer):
    person = PersonFactory(org=tree.community_a, phone="13912345678")
    as_caller = case_create(
        user=district_officer,
        channel="hotline_12338",
        summary="来电咨询",
        category=category("consultation"),
        caller_phone="139-1234-5678",
        anonymous=True,
    )
    as_complainant = make_case(tree.community_a, complainant=person)
    make_case(tree.community_a)
    found = set(cases_by_phone(district_officer, "+86 139 1234 5678"))
    assert found == {as_caller, as_complainant}
    assert list(persons_by_phone(district_officer, "13912345678")) == [person]
    assert not cases_by_phone(district_officer, "").exists()
    # Another branch finds nothing of it.
    other = user_with_role(tree.district_b, "rights_officer", username="x_b")
    assert not cases_by_phone(other, "13912345678").exists()
    assert not persons_by_phone(other, "13912345678").exists()


def test_cases_for_person_includes_parties(tree, district_officer):
    person = PersonFactory(org=tree.community_a)
    own = make_case(tree.community_a, complainant=person)
    party = make_case(tree.street_a, parties=[(person, "victim")])
    make_case(tree.community_a)
    assert set(cases_for_person(district_officer, person)) == {own, party}


def test_timeline_in_order(tree, district_officer):
    from jinguo.cases.services.intake import case_add_note

    case = make_case(tree.district_a)
    case_add_note(user=district_officer, case=case, note="一")
    case_add_note(user=district_officer, case=case, note="二")
    assert [e.note for e in case_timeline(case)] == ["一", "二"]


def test_pass_down_and_transfer_targets(tree, district_officer):
    case = make_case(tree.district_a)
    targets = set(pass_down_targets(district_officer, case))
    assert targets == {tree.street_a, tree.community_a, tree.community_a2}
    assert tree.grid_a not in targets
    # Not from a case outside her subtree.
    assert not pass_down_targets(district_officer, make_case(tree.district_b)).exists()
    across = set(transfer_targets(district_officer, case))
    assert tree.district_b in across and tree.district_a not in across and tree.grid_a not in across


def test_assignable_workers(tree, district_officer, community_chair, other_district_officer):
    grid = user_with_role(tree.grid_a, "grid_worker", username="grid_x")
    case = make_case(tree.district_a)
    workers = set(assignable_workers(district_officer, case))
    assert {district_officer, community_chair} <= workers
    assert grid not in workers and other_district_officer not in workers


@pytest.mark.parametrize("name", ["bogus", "all"])
def test_unknown_queue_is_all(tree, community_chair, name):
    case = make_case(tree.community_a)
    assert list(queue_cases(community_chair, name)) == [case]
