"""A list page tells the user which of her conditions it could not apply, instead of quietly
showing rows as if the condition were not there."""

import pytest
from django.urls import reverse

from jinguo.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_an_unusable_condition_is_named_on_the_page(login, district_officer, tree):
    PersonFactory(org=tree.community_a, name="马兰")
    client = login(district_officer)
    page = client.get(reverse("people:person_list"), {"age_max": "2548"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="filter-errors"' in html
    assert "最大年龄" in html


def test_the_htmx_fragment_names_it_too(login, district_officer, tree):
    client = login(district_officer)
    page = client.get(reverse("people:person_list"), {"age_max": "abc"}, HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    assert 'data-testid="filter-errors"' in page.content.decode()


def test_good_conditions_and_unseen_records_show_no_warning(login, district_officer, tree):
    client = login(district_officer)
    # A unit the officer may not see is no error to show: the list is just empty.
    for params in ({"age_max": "40"}, {}, {"unit": str(tree.district_b.pk)}):
        html = client.get(reverse("people:person_list"), params).content.decode()
        assert 'data-testid="filter-errors"' not in html


def test_a_yes_no_select_given_neither_is_named_not_a_server_error(login, district_officer):
    """A yes/no filter shown as a select (a shelter list's 启用): rendering the filter bar asks
    the form what changed, which must not turn the refusal into a 500."""
    client = login(district_officer)
    page = client.get(reverse("protection:shelter_list"), {"is_active": "maybe"})
    assert page.status_code == 200
    assert 'data-testid="filter-errors"' in page.content.decode()
