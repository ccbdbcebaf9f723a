"""Consent: guardians for children under 14, withdrawal, and consent_allows."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from jinguo.people.models import FocusTagType
from jinguo.people.selectors.consents import consent_allows
from jinguo.people.selectors.persons import person_related_context
from jinguo.people.services import consents, tags
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree):
    return user_with_role(tree.district_a, "rights_officer")


def years_ago(n: int) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - n) - timedelta(days=30)


def test_under_14_needs_the_guardian(tree, officer):
    child = PersonFactory(org=tree.community_a, birth_date=years_ago(10))
    with pytest.raises(ValidationError) as exc:
        consents.consent_record(
            user=officer, person=child, purpose="share_education", method="written"
        )
    assert "未满 14 周岁的未成年人须由监护人同意" in str(exc.value)
    assert "请填写监护人与本人的关系" in str(exc.value)
    consent = consents.consent_record(
        user=officer,
        person=child,
        purpose="share_education",
        method="written",
        guardian_name="王芳",
        guardian_relation="母亲",
    )
    assert consent.is_sensitive  # a minor's record is sensitive


def test_fourteen_year_old_consents_herself(tree, officer):
    teen = PersonFactory(org=tree.community_a, birth_date=years_ago(14))
    consents.consent_record(user=officer, person=teen, purpose="share_health", method="oral")


def test_guardian_error_on_the_form_keeps_what_was_typed(client, tree, officer):
    child = PersonFactory(org=tree.community_a, birth_date=years_ago(8))
    client.force_login(officer)
    r = client.post(
        reverse("people:consent_create"),
        {
            "person": child.pk,
            "purpose": "share_police",
            "method": "written",
            "given_on": timezone.localdate(),
            "scope": "报警所需",
        },
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "须由监护人同意" in html and 'value="报警所需"' in html


def test_consent_allows_sharing_only_with_a_valid_consent(tree, officer):
    person = PersonFactory(org=tree.community_a)
    assert not consent_allows(person, "share_legal_aid")
    consent = consents.consent_record(
        user=officer, person=person, purpose="share_legal_aid", method="written"
    )
    assert consent_allows(person, "share_legal_aid")
    assert not consent_allows(person, "share_police")
    consents.consent_withdraw(user=officer, consent=consent, reason="本人要求")
    assert not consent_allows(person, "share_legal_aid")
    with pytest.raises(ValidationError) as exc:
        consents.consent_withdraw(user=officer, consent=consent)
    assert "已于" in str(exc.value)


def test_processing_is_presumed_only_for_adults_not_sensitive(tree, officer):
    adult = PersonFactory(org=tree.community_a)
    assert consent_allows(adult, "processing")
    c = consents.consent_record(user=officer, person=adult, purpose="processing", method="oral")
    consents.consent_withdraw(user=officer, consent=c)
    assert not consent_allows(adult, "processing")  # she said no

    survivor = PersonFactory(org=tree.community_a)
    tags.tag_add(user=officer, person=survivor, tag_type=FocusTagType.objects.get(code="dv_victim"))
    survivor.refresh_from_db()
    assert not consent_allows(survivor, "processing")
    consents.consent_record(user=officer, person=survivor, purpose="processing", method="written")
    assert consent_allows(survivor, "processing")

    child = PersonFactory(org=tree.community_a, birth_date=years_ago(9))
    assert not consent_allows(child, "processing")


def test_consents_show_on_the_person_page(client, tree, officer):
    person = PersonFactory(org=tree.community_a)
    consents.consent_record(
        user=officer, person=person, purpose="share_shelter", method="written", scope="入住庇护所"
    )
    ctx = person_related_context(officer, person)
    assert [c.purpose for c in ctx["consents"]] == ["share_shelter"]
    client.force_login(officer)
    html = client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert "向庇护机构提供" in html and "入住庇护所" in html
