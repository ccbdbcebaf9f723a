"""The dashboard API refuses a ranking it does not offer, as its schema says."""

import pytest
from rest_framework.test import APIClient

from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_an_unknown_rank_is_a_400(tree):
    client = APIClient()
    client.force_authenticate(user_with_role(tree.district_a, "leader"))
    assert client.get("/api/stats/", {"rank": "no-such-figure"}).status_code == 400
    assert client.get("/api/stats/").status_code == 200


def test_an_unknown_period_is_a_400(tree):
    client = APIClient()
    client.force_authenticate(user_with_role(tree.district_a, "leader"))
    assert client.get("/api/stats/", {"period": "decade"}).status_code == 400
