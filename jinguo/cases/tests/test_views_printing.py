"""Printables: the hashed case file and the decline notice."""

import pytest
from django.urls import reverse

from jinguo.cases.printables import case_file_content, content_hash
from jinguo.cases.services.workflow import case_decline
from jinguo.cases.tests.factories import make_case
from jinguo.core.models import AuditEvent
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import grant, user_with_role

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


@pytest.fixture
def worker(tree):
    return user_with_role(tree.street_a, "rights_officer", username="w_chunhui", real_name="周办")


@pytest.fixture
def case(tree):
    woman = PersonFactory(org=tree.community_a, name="张丽")
    return make_case(
        tree.street_a,
        complainant=woman,
        caller_phone=PHONE,
        narrative="来电人称丈夫多次威胁。",
        parties=[(woman, "victim")],
    )


def test_case_file_shows_everything_with_a_hash_and_logs_it(client, worker, case):
    client.force_login(worker)
    response = client.get(reverse("cases:case_print", args=[case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    event = AuditEvent.objects.get(action="export", object_id=str(case.pk))
    digest = event.detail["sha256"]
    assert len(digest) == 64 and digest in html
    assert event.detail["format"] == "case_file" and event.detail["masked"] is False
    assert "来电人称丈夫多次威胁。" in html and case.number in html
    assert "打印人：周办" in html
    assert 'class="navbar' not in html  # no navigation chrome
    # rights officers hold reveal_pii: the evidence copy names her in full
    assert "张丽" in html and PHONE in html
    # the hash is reproducible from the record as it stands
    assert content_hash(case_file_content(worker, case, reveal=True)) == digest


def test_case_file_is_masked_without_reveal_permission(client, tree, case):
    printer = user_with_role(tree.street_a, "leader", username="leader_chunhui")  # no reveal_pii
    client.force_login(printer)
    html = client.get(reverse("cases:case_print", args=[case.pk])).content.decode()
    assert "张丽" not in html and "张**" in html
    assert PHONE not in html and "138****5678" in html
    assert AuditEvent.objects.get(action="export").detail["masked"] is True


def test_case_file_needs_print_permission_and_scope(client, tree, case):
    operator = user_with_role(tree.district_a, "hotline_operator", username="op")
    client.force_login(operator)  # may view, may not print
    assert client.get(reverse("cases:case_print", args=[case.pk])).status_code == 404
    outsider = user_with_role(tree.community_b, "community_chair", username="chair_taoli")
    client.force_login(outsider)
    assert client.get(reverse("cases:case_print", args=[case.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


def test_decline_notice(client, tree, worker, case):
    client.force_login(worker)
    url = reverse("cases:case_decline_notice", args=[case.pk])
    assert client.get(url).status_code == 404  # not declined yet
    case_decline(
        user=worker, case=case, reason="所反映事项属劳动仲裁范围，请向劳动仲裁委员会申请。"
    )
    html = client.get(url).content.decode()
    assert "不予受理告知书" in html and case.number in html
    assert "劳动仲裁委员会" in html and tree.street_a.name in html
    assert "12338" in html
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert url in page


def test_decline_notice_for_an_outsider_is_404(client, tree, worker, case):
    case_decline(user=worker, case=case, reason="不属于受理范围")
    outsider = user_with_role(tree.community_b, "community_chair", username="chair_taoli")
    grant(outsider, "cases.print_case")
    client.force_login(outsider)
    assert client.get(reverse("cases:case_decline_notice", args=[case.pk])).status_code == 404
