"""The case page's protection sections agree on what a violence case is: the cases app's
definition (a violence category or subcategory, or a GBV type), used by every concern."""

import pytest

from jinguo.cases.models import Case
from jinguo.cases.tests.factories import make_case
from jinguo.protection.contributions import orders as orders_contrib
from jinguo.protection.contributions import risk as risk_contrib
from jinguo.testing.factories import grant, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree):
    user = user_with_role(tree.district_a, "rights_officer", username="sections_officer")
    grant(user, "core.view_sensitive")
    return user


def test_a_violence_subcategory_without_a_gbv_type_offers_orders_and_risk(tree, officer):
    # Recorded before GBV types were required (the intake requires one now).
    case = make_case(tree.community_a, category="family-violence")
    Case.objects.filter(pk=case.pk).update(gbv_type="")
    case.refresh_from_db()
    assert not case.category.is_violence and case.subcategory.is_violence
    orders = orders_contrib.case_section(officer, case)
    assert orders is not None
    assert "保护令申请" in [a["label"] for a in orders["orders_section"]["actions"]]
    assert risk_contrib.case_section(officer, case) is not None


def test_a_case_about_something_else_gets_neither(tree, officer):
    case = make_case(tree.community_a)
    assert orders_contrib.case_section(officer, case) is None
    assert risk_contrib.case_section(officer, case) is None
