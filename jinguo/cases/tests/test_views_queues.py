"""Work queues: tabs with counts, filters, full-text search, saved filters, export, queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from jinguo.cases.models import Case
from jinguo.cases.tests.factories import make_case
from jinguo.core.models import AuditEvent, SavedFilter
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db

LIST = "cases:case_list"


@pytest.fixture
def worker(tree):
    return user_with_role(tree.street_a, "rights_officer", username="w_chunhui", real_name="周办")


def numbers(response) -> set[str]:
    html = response.content.decode()
    return {c.number for c in Case.objects.all() if c.number in html}


def test_tabs_show_counts_and_each_queue_lists_its_cases(client, tree, worker):
    mine = make_case(tree.street_a, status="assigned", assigned_to=worker, summary="我的个案")
    unassigned = make_case(tree.street_a, summary="待分派的个案")
    overdue = make_case(tree.community_a, status="accepted", summary="超期个案")
    Case.objects.filter(pk=overdue.pk).update(due_state="overdue")
    soon = make_case(tree.community_a, status="accepted", summary="快到期")
    Case.objects.filter(pk=soon.pk).update(due_state="soon")
    other_branch = make_case(tree.community_b, summary="别的区")
    client.force_login(worker)

    response = client.get(reverse(LIST))
    html = response.content.decode()
    assert 'data-testid="count-mine">1<' in html
    assert 'data-testid="count-overdue">1<' in html
    assert 'data-testid="count-all">4<' in html
    assert numbers(response) == {mine.number}  # "mine" is the default when she has cases

    assert numbers(client.get(reverse(LIST), {"queue": "unassigned"})) == {unassigned.number}
    assert numbers(client.get(reverse(LIST), {"queue": "overdue"})) == {overdue.number}
    assert numbers(client.get(reverse(LIST), {"queue": "due_soon"})) == {soon.number}
    every = numbers(client.get(reverse(LIST), {"queue": "all"}))
    assert other_branch.number not in every and len(every) == 4


def test_sensitive_cases_only_through_restrict_and_names_masked(tree, client, community_chair):
    woman = PersonFactory(org=tree.community_a, name="李秀英")
    violent = make_case(
        tree.community_a, category="family-violence", complainant=woman, summary="家暴求助"
    )
    plain = make_case(tree.community_a, complainant=woman, summary="赡养纠纷")
    client.force_login(community_chair)  # no view_sensitive
    response = client.get(reverse(LIST), {"queue": "all"})
    assert numbers(response) == {plain.number}
    html = response.content.decode()
    assert "李**" in html and "李秀英" not in html
    assert violent.number not in html
    assert 'data-testid="count-sensitive">0<' in html


def test_filters_narrow_the_queue(client, tree, district_officer):
    dv = make_case(tree.street_a, category="family-violence", urgency="urgent", channel="walk_in")
    old = make_case(tree.community_a, received_at=timezone.now() - timedelta(days=40))
    repeat = make_case(tree.community_a, is_repeat=True)
    client.force_login(district_officer)
    url = reverse(LIST)
    assert numbers(client.get(url, {"queue": "all", "urgency": "urgent"})) == {dv.number}
    assert numbers(client.get(url, {"queue": "all", "channel": "walk_in"})) == {dv.number}
    family = Case.objects.get(pk=dv.pk).subcategory
    assert numbers(client.get(url, {"queue": "all", "category": family.pk})) == {dv.number}
    assert numbers(client.get(url, {"queue": "all", "is_repeat": "on"})) == {repeat.number}
    before = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert numbers(client.get(url, {"queue": "all", "received_before": before})) == {old.number}
    in_street = numbers(client.get(url, {"queue": "all", "unit": tree.street_a.pk}))
    assert in_street == {dv.number, old.number, repeat.number}


def test_full_text_search_finds_words_of_the_summary_and_the_number(client, tree, worker):
    hit = make_case(tree.street_a, summary="丈夫拒付抚养费")
    miss = make_case(tree.street_a, summary="邻里噪音纠纷")
    client.force_login(worker)
    found = numbers(client.get(reverse(LIST), {"queue": "all", "q": "抚养费"}))
    assert found == {hit.number}
    tail = miss.number.split("-", 1)[1]
    assert numbers(client.get(reverse(LIST), {"queue": "all", "q": tail})) == {miss.number}


def test_htmx_gets_only_the_table(client, tree, worker):
    make_case(tree.street_a)
    client.force_login(worker)
    html = client.get(reverse(LIST), {"queue": "all"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="case-table"' in html and "queue-tabs" not in html


def test_saved_filters_are_personal(client, tree, worker, district_officer):
    client.force_login(worker)
    response = client.post(
        reverse("cases:saved_filter_create"),
        {"name": "紧急家暴", "query": "queue=all&urgency=urgent&page=3"},
    )
    saved = SavedFilter.objects.get(user=worker)
    assert saved.list_name == "cases" and saved.query == "queue=all&urgency=urgent"
    assert response["Location"].endswith("?queue=all&urgency=urgent")
    html = client.get(reverse(LIST)).content.decode()
    assert "紧急家暴" in html and "?queue=all&amp;urgency=urgent" in html

    client.force_login(district_officer)
    assert "紧急家暴" not in client.get(reverse(LIST)).content.decode()
    delete = reverse("cases:saved_filter_delete", args=[saved.pk])
    assert client.post(delete).status_code == 404
    client.force_login(worker)
    client.post(delete)
    assert not SavedFilter.objects.exists()


def test_export_is_masked_and_logged(client, tree, district_officer):
    woman = PersonFactory(org=tree.community_a, name="张丽")
    make_case(tree.community_a, complainant=woman)
    client.force_login(district_officer)
    response = client.get(reverse(LIST), {"queue": "all", "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    event = AuditEvent.objects.get(action="export")
    assert event.object_type == "cases.case" and event.detail["rows"] == 1


def test_queue_page_without_rights_and_for_the_auditor(client, nobody, auditor):
    for user in (nobody, auditor):
        client.force_login(user)
        assert client.get(reverse(LIST)).status_code == 403


def test_queue_query_count_does_not_grow_with_rows(
    client, tree, district_officer, django_assert_max_num_queries
):
    woman = PersonFactory(org=tree.community_a, name="张丽")
    worker = user_with_role(tree.street_a, "rights_officer", username="w2")
    for _n in range(3):
        make_case(tree.street_a, complainant=woman, status="assigned", assigned_to=worker)
    client.force_login(district_officer)
    client.get(reverse(LIST), {"queue": "all"})  # warm caches (content types, permissions)
    with django_assert_max_num_queries(32) as small:
        client.get(reverse(LIST), {"queue": "all"})
    for _n in range(20):
        make_case(
            tree.community_a,
            complainant=PersonFactory(org=tree.community_a),
            category="family-divorce",
            status="assigned",
            assigned_to=worker,
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse(LIST), {"queue": "all"})


def test_the_unit_filter_is_searched_not_listed(client, tree, district_officer):
    """A district's tree is hundreds of units: the page does not list them all, it offers the
    searchable picker, which names the unit already chosen."""
    client.force_login(district_officer)
    html = client.get(reverse(LIST), {"queue": "all"}).content.decode()
    assert 'name="unit"' in html and "data-unit-picker" in html
    assert tree.community_a2.name not in html
    assert "orgs/unit_picker" in html
    html = client.get(reverse(LIST), {"queue": "all", "unit": tree.street_a.pk}).content.decode()
    assert f'value="{tree.street_a.pk}"' in html and tree.street_a.name in html


def test_the_worker_filter_is_searched_not_listed(client, tree, district_officer, worker):
    """Nor are the district's staff listed: the 承办人 filter is a search box too, which names
    the worker already chosen, and the search finds only staff of the user's own subtree."""
    elsewhere = user_with_role(
        tree.district_b, "rights_officer", username="w_b", real_name="周别区"
    )
    mine = make_case(tree.street_a, status="assigned", assigned_to=worker, summary="周办的个案")
    theirs = make_case(tree.street_a, status="assigned", summary="别人的个案")
    client.force_login(district_officer)
    html = client.get(reverse(LIST), {"queue": "all"}).content.decode()
    assert 'name="assigned_to"' in html and "cases/workers/search/" in html
    assert "<option" not in html.split('name="assigned_to"')[1].split("</div>")[0]
    response = client.get(reverse(LIST), {"queue": "all", "assigned_to": worker.pk})
    assert numbers(response) == {mine.number}
    html = response.content.decode()
    assert f'value="{worker.pk}"' in html and "周办（" in html
    assert theirs.number not in html
    found = client.get(reverse("cases:worker_search"), {"q": "周"}).content.decode()
    assert f'data-unit-option="{worker.pk}"' in found
    assert f'data-unit-option="{elsewhere.pk}"' not in found and "周别区" not in found
    none = client.get(reverse("cases:worker_search"), {"q": "不存在的人"}).content.decode()
    assert "没有找到匹配的人员" in none
    # Someone of another branch picked by id is refused like any other filter value.
    response = client.get(reverse(LIST), {"queue": "all", "assigned_to": elsewhere.pk})
    assert response.status_code == 200 and "周别区" not in response.content.decode()


def test_the_page_reads_the_menu_and_the_bell_once(client, tree, worker):
    """The table is a template of its own: the page's shell must not be built twice."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_case(tree.street_a)
    client.force_login(worker)
    client.get(reverse(LIST), {"queue": "all"})
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse(LIST), {"queue": "all"})
    bell = [q for q in ctx.captured_queries if "core_notification" in q["sql"]]
    assert len(bell) == 1


def test_the_unfiltered_whole_queue_counts_its_cases_once(client, tree, worker):
    """On 全部个案 without filters the tab's count is the paginator's: one scope count, not
    two; with a filter the tab still counts every visible case."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_case(tree.street_a, summary="甲")
    make_case(tree.community_a, summary="乙", urgency="urgent")
    make_case(tree.community_b, summary="别的区")
    client.force_login(worker)
    client.get(reverse(LIST), {"queue": "all"})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(LIST), {"queue": "all"})
    tabs = {t["name"]: t["count"] for t in response.context["tabs"]}
    assert tabs["all"] == 2 == response.context["table"].paginator.count
    counts = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith("SELECT COUNT")
        and "cases_case" in q["sql"]
        and "FILTER" not in q["sql"]
    ]
    assert len(counts) == 1, counts
    filtered = client.get(reverse(LIST), {"queue": "all", "urgency": "urgent"})
    assert filtered.context["table"].paginator.count == 1
    assert {t["name"]: t["count"] for t in filtered.context["tabs"]}["all"] == 2
