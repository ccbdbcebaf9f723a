"""Fixtures of the statistics tests (the report forms: the shipped monthly rights report, a month that has
ended, the chair of 芳草社区 filing and the leader of 春晖街道 reviewing."""

import pytest

from jinguo.stats.models import ReportForm
from jinguo.testing.factories import user_with_role


@pytest.fixture
def form(db):
    return ReportForm.objects.get(code="rights_monthly")


@pytest.fixture
def street_leader(tree):
    return user_with_role(tree.street_a, "leader", username="leader_chunhui", real_name="周春")


@pytest.fixture
def district_leader(tree):
    return user_with_role(tree.district_a, "leader", username="leader_heping", real_name="吴和")


@pytest.fixture
def chair_b(tree):
    return user_with_role(tree.community_b, "community_chair", username="chair_taoli")


@pytest.fixture
def chair_a2(tree):
    return user_with_role(tree.community_a2, "community_chair", username="chair_xinglin")
