"""The statistics source "receipts by state": the summary follows every step of the services."""

import pytest

from jinguo.notices import services
from jinguo.stats import maintenance, selectors, sources

from .factories import make_notice

pytestmark = pytest.mark.django_db


def test_receipts_by_state_follow_the_services(tree, street_officer, community_chair, chair2):
    src = sources.source("notices.receipts")
    assert src is not None
    task = make_notice(tree.street_a)
    make_notice(tree.street_a, kind="notice")
    services.receipt_acknowledge(user=chair2, receipt=task.receipts.get(org=tree.community_a2))
    services.receipt_complete(
        user=community_chair, receipt=task.receipts.get(org=tree.community_a), note="完成"
    )
    assert maintenance.check(src) == []
    cells = selectors.by_dimension(src, tree.street_a.path, "state")
    counted = {c.value: c.n for c in cells if c.n}
    assert counted == {"pending": 2, "acknowledged": 1, "completed": 1}
