"""A paged() case list (count and pages read by the scope's halves, core/pages.py) shows exactly
the cases and totals the plain restrict() queryset shows: same ids, same order, page by page."""

import datetime

import pytest
from django.core.paginator import Paginator
from django.db.models import F
from django.utils import timezone

from jinguo.cases.choices import DueState, Status, Urgency
from jinguo.cases.filtersets import CaseFilterSet
from jinguo.cases.models import Case
from jinguo.cases.selectors import QUEUES, WORK_ORDER, queue_cases, queue_counts
from jinguo.cases.tests.factories import make_case
from jinguo.core.scoping import grants_changed
from jinguo.core.sharing import share_grant, share_revoke

ORDERINGS = [
    (),  # the model's own: newest first
    ("-received_at", "id"),
    ("due_at",),
    ("-due_at",),
    ("status", "-received_at"),
    ("org_path",),
    WORK_ORDER,
    (F("due_at").asc(nulls_last=True),),
]
WINDOWS = [(0, 25), (0, 1), (0, 3), (3, 6), (6, 9), (9, 12), (12, 15), (2, 40), (30, 35)]


@pytest.fixture
def cases(tree, district_officer):
    """Cases in and out of 和平区 (district A): sensitive ones, ties on the received time and
    the deadline, open and closed, and shares of cases on both sides of the boundary."""
    now = timezone.now().replace(microsecond=0)
    tie = now - datetime.timedelta(days=2)
    made = []
    statuses = [Status.REGISTERED, Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED]
    for i, unit in enumerate(
        [tree.community_a, tree.community_a2, tree.street_a, tree.district_a] * 3
    ):
        made.append(
            make_case(
                unit,
                received_at=tie if i % 3 == 0 else now - datetime.timedelta(hours=i),
                status=statuses[i % 4],
                due_at=None if i % 4 == 3 else tie + datetime.timedelta(days=i % 2),
                due_state=DueState.NONE if i % 4 == 3 else DueState.OVERDUE,
                urgency=Urgency.URGENT if i % 5 == 0 else Urgency.NORMAL,
                category="family-violence" if i % 4 == 1 or i == 4 else "family-dispute",
            )
        )
    outside = [
        make_case(
            tree.community_b,
            received_at=tie if i % 2 else now - datetime.timedelta(minutes=i),
            status=statuses[i % 4],
            category="family-violence" if i % 3 == 0 else "family-dispute",
        )
        for i in range(6)
    ]
    return {"inside": made, "outside": outside, "tie": tie}


def share(case, granted_by, **grantee):
    share_grant(obj=case, reason="协办", granted_by=granted_by, **grantee)


@pytest.fixture
def shared_chair(tree, community_chair, district_officer, cases):
    """芳草社区's chair (no view_sensitive) with shares: cases of 桃李社区 (one sensitive), one
    of her own subtree, a sensitive one of her own, a sensitive one of a neighbour, one to her
    unit, one revoked."""
    outside, inside = cases["outside"], cases["inside"]
    for case in outside[:3]:
        share(case, district_officer, user=community_chair)
    share(inside[0], district_officer, user=community_chair)
    share(inside[1], district_officer, user=community_chair)
    share(inside[4], district_officer, user=community_chair)
    share(outside[3], district_officer, unit=tree.community_a)
    share(outside[4], district_officer, user=community_chair)
    share_revoke(obj=outside[4], user=community_chair, reason="误共享", revoked_by=district_officer)
    grants_changed()
    return community_chair


@pytest.fixture
def shared_officer(district_officer, other_district_officer, cases):
    """和平区's rights officer (view_sensitive) with two of 新华区's cases shared."""
    for case in cases["outside"][4:]:
        share(case, other_district_officer, user=district_officer)
    grants_changed()
    return district_officer


def assert_same(plain, user):
    """``plain.paged()`` answers as ``plain`` does: the count, every window, every page."""
    paged = plain.paged()
    ordering = paged.total_ordering()
    expected = list(plain.order_by(*ordering).values_list("pk", flat=True))
    assert paged.count() == plain.count() == len(expected)
    for start, stop in WINDOWS:
        assert [c.pk for c in paged[start:stop]] == expected[start:stop], (start, stop)
        assert list(paged.values_list("pk", flat=True)[start:stop]) == expected[start:stop]
    pages = Paginator(paged, 4)
    assert pages.count == len(expected)
    seen = [c.pk for n in pages.page_range for c in pages.page(n).object_list]
    assert seen == expected
    return expected


@pytest.mark.parametrize("ordering", ORDERINGS, ids=str)
def test_every_ordering_gives_the_plain_pages(shared_chair, shared_officer, ordering):
    for user in (shared_chair, shared_officer):
        plain = Case.objects.restrict(user, "view").select_related("org", "category")
        if ordering:
            plain = plain.order_by(*ordering)
        expected = assert_same(plain, user)
        assert expected, "the fixture gives every user something to page through"


def test_halves_split_the_scope_exactly(shared_chair, cases):
    plain = Case.objects.restrict(shared_chair, "view")
    mine, rest = plain.scope_halves()
    mine_ids, rest_ids = (
        set(mine.values_list("pk", flat=True)),
        set(rest.values_list("pk", flat=True)),
    )
    assert not mine_ids & rest_ids
    assert mine_ids | rest_ids == set(plain.values_list("pk", flat=True))
    # Shared, out of her subtree: 桃李's three (one sensitive: shares need no view_sensitive)
    # and the one shared with her unit; not the revoked one.
    outside = cases["outside"]
    inside = cases["inside"]
    assert rest_ids == {
        *(c.pk for c in outside[:4]),
        inside[1].pk,  # a neighbour's sensitive case
        inside[4].pk,  # a sensitive case of her own subtree: she sees it by the share only
    }
    assert inside[4].is_sensitive and inside[4].org_id == shared_chair.home_unit_id
    # Her own plain case, shared too, is counted once, in her subtree's half.
    assert inside[0].pk in mine_ids
    # A page picks each half's first ids, then reads those rows (the deferred join).
    page_sql = str(plain.order_by("-received_at").paged()[0:5].query)
    assert page_sql.count("LIMIT") == 3


def test_filters_and_queues_give_the_plain_pages(rf, shared_chair, shared_officer, cases):
    for user in (shared_chair, shared_officer):
        for params in ({}, {"status": Status.REGISTERED}, {"due_state": DueState.OVERDUE}):
            request = rf.get("/cases/", params)
            request.user = user
            plain = CaseFilterSet(
                params, queryset=Case.objects.restrict(user, "view"), request=request
            ).qs.order_by("-received_at", "id")
            assert_same(plain, user)
        for name in QUEUES:
            assert_same(queue_cases(user, name), user)


def test_a_user_without_shares_or_without_a_subtree(tree, district_officer, nobody, cases):
    assert_same(Case.objects.restrict(district_officer, "view"), district_officer)
    assert Case.objects.restrict(nobody, "view").paged().count() == 0
    assert list(Case.objects.restrict(nobody, "view").paged()[:25]) == []


def test_shares_only(tree, district_officer, cases):
    """A partner-style account with shares and no role: only the shared half."""
    from jinguo.testing.factories import UserFactory

    outsider = UserFactory(home_unit=tree.community_b, username="share_only")
    for case in cases["inside"][:3]:
        share(case, district_officer, user=outsider)
    grants_changed()
    expected = assert_same(Case.objects.restrict(outsider, "view"), outsider)
    assert set(expected) == {c.pk for c in cases["inside"][:3]}


def test_or_with_another_queryset_is_not_split(shared_chair, cases):
    """qs | other holds rows restrict() never filtered: paged() must count them too."""
    outside_pk = cases["outside"][5].pk
    widened = Case.objects.restrict(shared_chair, "view") | Case.objects.filter(pk=outside_pk)
    plain_ids = set(widened.values_list("pk", flat=True))
    assert outside_pk in plain_ids
    assert widened.paged().count() == len(plain_ids)
    assert outside_pk in {c.pk for c in widened.order_by("-received_at").paged()[:50]}


def test_queue_counts_are_the_queues_lengths(shared_chair, shared_officer):
    for user in (shared_chair, shared_officer):
        counts = queue_counts(user)
        assert counts == {name: queue_cases(user, name).count() for name in QUEUES}
        assert counts["all"] > 0


def test_a_window_or_an_aggregate_is_not_split(shared_officer):
    """A row number over the whole list (here in another order than the page's) must not be
    computed over a half, or over a page's candidates."""
    from django.db.models import Count, Window
    from django.db.models.functions import RowNumber

    numbered = (
        Case.objects.restrict(shared_officer, "view")
        .annotate(n=Window(RowNumber(), order_by=[F("pk").asc()]))
        .order_by("-received_at", "-pk")
    )
    plain = list(numbered.values_list("pk", "n")[2:5])
    assert list(numbered.paged().values_list("pk", "n")[2:5]) == plain
    assert sorted(n for _pk, n in numbered.values_list("pk", "n")) == list(
        range(1, numbered.count() + 1)
    )
    by_status = (
        Case.objects.restrict(shared_officer, "view").values("status").annotate(n=Count("pk"))
    )
    assert by_status.paged().count() == by_status.count()
