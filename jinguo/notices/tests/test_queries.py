"""The lists read a fixed number of queries, however many rows they show (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .factories import make_notice

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("url_name", "who"),
    [("notices:receipt_list", "community_chair"), ("notices:notice_list", "street_officer")],
)
def test_list_queries_do_not_grow_with_rows(tree, login, request, url_name, who):
    c = login(request.getfixturevalue(who))
    make_notice(tree.street_a)
    url = reverse(url_name)
    queries(c, url)  # warm the per-user memo of permissions and shares
    few = queries(c, url)
    for _ in range(6):
        make_notice(tree.street_a)
    assert queries(c, url) == few
