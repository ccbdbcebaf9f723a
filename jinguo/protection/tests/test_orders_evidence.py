"""The evidence bundle: what goes in, its hash, the record of each print and its audit."""

import re

import pytest
from django.urls import reverse

from jinguo.cases.tests.factories import make_case
from jinguo.core.models import AuditEvent
from jinguo.people.tests.factories import PersonFactory
from jinguo.protection.models import EvidenceBundle, InjuryRecord
from jinguo.protection.services.orders.evidence import bundle_content, bundle_print
from jinguo.protection.tests.factories_orders import (
    assess,
    make_injury,
    make_order,
    make_warning,
)
from jinguo.testing.factories import grant, user_with_role


@pytest.fixture
def officer(tree):
    officer = user_with_role(tree.district_a, "rights_officer")
    # The risk concern grants this to rights officers; granted here so this test stands alone.
    grant(officer, "protection.view_riskassessment")
    return officer


@pytest.fixture
def person(tree):
    person = PersonFactory(org=tree.community_a, name="王秀英")
    make_case(
        tree.community_a, category="family-violence", complainant=person, summary="被丈夫殴打"
    )
    assess(person, "high")
    make_injury(tree.community_a, person=person, result="面部挫伤")
    make_warning(tree.community_a, person=person)
    make_order(tree.community_a, person=person, status="granted")
    return person


def test_the_bundle_draws_together_everything_she_has(officer, person):
    content = bundle_content(officer, person, reveal=False)
    assert [len(content[k]) for k in ("cases", "assessments", "injuries", "warnings", "orders")] == [
        1, 1, 1, 1, 1,
    ]  # fmt: skip
    assert content["cases"][0]["summary"] == "被丈夫殴打"
    assert content["person"]["name"] == "王**"


def test_the_hash_is_stable_and_changes_with_the_content(officer, person):
    first = bundle_print(user=officer, person=person, purpose="申请保护令")[2]
    again = bundle_print(user=officer, person=person, purpose="再次打印")[2]
    assert first == again and re.fullmatch(r"[0-9a-f]{64}", first)
    InjuryRecord.objects.filter(person=person).update(severity="minor")
    changed = bundle_print(user=officer, person=person, purpose="申请保护令")[2]
    assert changed != first
    make_injury(person.org, person=person)
    assert bundle_print(user=officer, person=person, purpose="x")[2] not in (first, changed)


def test_only_records_the_printer_sees_go_in(officer, person, tree):
    # A record kept in the other branch about the same person stays out.
    make_injury(tree.community_b, person=person)
    content = bundle_content(officer, person, reveal=False)
    assert len(content["injuries"]) == 1


def test_printing_is_recorded_hashed_and_audited_as_an_export(officer, person, client):
    client.force_login(officer)
    url = reverse("protection:evidencebundle_print", args=[person.pk])
    assert client.get(url).status_code == 200
    r = client.post(url, {"purpose": "申请人身安全保护令"})
    assert r.status_code == 200
    bundle = EvidenceBundle.objects.get()
    html = r.content.decode()
    assert bundle.sha256 in html and officer.real_name in html
    assert bundle.contents["injuries"] and bundle.contents["cases"]
    assert bundle.created_by == officer
    export = AuditEvent.objects.get(action="export", object_type="people.person")
    assert export.detail["sha256"] == bundle.sha256
    assert export.detail["format"] == "evidence_bundle"


def test_printing_needs_the_permission_and_the_person_in_scope(person, tree, client):
    url = reverse("protection:evidencebundle_print", args=[person.pk])
    chair = user_with_role(tree.community_a, "community_chair")
    client.force_login(chair)
    assert client.post(url, {"purpose": "x"}).status_code == 404
    client.force_login(user_with_role(tree.district_b, "rights_officer"))
    assert client.post(url, {"purpose": "x"}).status_code == 404
    assert not EvidenceBundle.objects.exists()


def test_a_print_without_a_purpose_keeps_the_form(officer, person, client):
    client.force_login(officer)
    r = client.post(reverse("protection:evidencebundle_print", args=[person.pk]), {"purpose": " "})
    assert r.status_code == 200 and not EvidenceBundle.objects.exists()
    assert "用途" in r.content.decode()
