"""The case page and its transitions through the UI, with optimistic locking."""

import pytest
from django.urls import reverse

from jinguo.cases.models import Case, CaseEvent, Extension
from jinguo.cases.services.workflow import case_accept, extension_request
from jinguo.cases.tests.factories import make_case
from jinguo.core.models import AuditEvent
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(tree):
    return user_with_role(tree.street_a, "rights_officer", username="w_chunhui", real_name="周办")


@pytest.fixture
def street_leader(tree):
    return user_with_role(tree.street_a, "leader", username="leader_chunhui", real_name="郑领")


def detail(case):
    return reverse("cases:case_detail", args=[case.pk])


def action(case, name):
    return reverse("cases:case_action", args=[case.pk, name])


def fresh(case):
    return Case.objects.get(pk=case.pk)


def test_case_page_shows_summary_people_narrative_and_timeline(client, tree, worker):
    woman = PersonFactory(org=tree.community_a, name="张丽")
    case = make_case(
        tree.street_a,
        complainant=woman,
        narrative="来电人称丈夫长期冷暴力。",
        parties=[(woman, "victim")],
    )
    from jinguo.cases.services.intake import case_add_note

    case_add_note(user=worker, case=case, note="已电话联系当事人")
    client.force_login(worker)
    html = client.get(detail(case)).content.decode()
    assert case.number in html and "待受理" in html
    assert "来电人称丈夫长期冷暴力。" in html
    assert "张**" in html and "张丽" not in html
    assert reverse("people:person_detail", args=[woman.pk]) in html
    assert "已电话联系当事人" in html and "周办" in html
    for name in ("accept", "decline"):
        assert action(case, name) in html


def test_community_user_elsewhere_gets_404_everywhere(client, tree, worker):
    case = make_case(tree.street_a)
    outsider = user_with_role(tree.community_b, "community_chair", username="chair_taoli")
    client.force_login(outsider)
    for url in (
        detail(case),
        action(case, "accept"),
        reverse("cases:case_update", args=[case.pk]),
        reverse("cases:party_create", args=[case.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(action(case, "accept"), {"version": case.version}).status_code == 404
    assert fresh(case).status == "registered"


def test_opening_a_sensitive_case_is_logged(client, tree, worker):
    case = make_case(tree.street_a, category="family-violence")
    client.force_login(worker)
    assert client.get(detail(case)).status_code == 200
    event = AuditEvent.objects.get(action="open")
    assert event.object_id == str(case.pk) and event.user_id == worker.pk


def test_a_plain_case_open_is_not_logged(client, tree, worker):
    case = make_case(tree.street_a)
    client.force_login(worker)
    client.get(detail(case))
    assert not AuditEvent.objects.filter(action="open").exists()


def test_the_whole_journey_through_the_ui(client, tree, worker, street_leader):
    case = make_case(tree.street_a)
    client.force_login(worker)

    response = client.post(action(case, "accept"), {"version": case.version, "note": "属实"})
    assert response.status_code == 302 and fresh(case).status == "accepted"

    form = client.get(action(case, "assign")).content.decode()
    assert "周办" in form
    client.post(action(case, "assign"), {"version": fresh(case).version, "worker": worker.pk})
    assert fresh(case).status == "assigned" and fresh(case).assigned_to == worker

    client.post(action(case, "start"), {"version": fresh(case).version})
    assert fresh(case).status == "in_progress"

    client.post(
        action(case, "resolve"),
        {"version": fresh(case).version, "outcome": "mediated", "outcome_note": "双方达成谅解"},
    )
    assert fresh(case).status == "resolved" and fresh(case).outcome_note == "双方达成谅解"

    response = client.post(
        action(case, "follow_up"),
        {
            "version": fresh(case).version,
            "satisfaction": "satisfied",
            "result": "closed",
            "note": "当事人表示满意",
        },
        follow=True,
    )
    assert fresh(case).status == "closed"
    html = response.content.decode()
    assert "回访已记录" in html and "当事人表示满意" in html
    kinds = set(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert {"accepted", "assigned", "started", "resolved", "followed_up", "closed"} <= kinds


def test_a_stale_version_is_a_conflict_that_keeps_what_she_typed(client, tree, worker):
    case = make_case(tree.street_a)
    stale = case.version
    case_accept(user=worker, case=case)  # someone else got there first
    client.force_login(worker)
    response = client.post(action(case, "decline"), {"version": stale, "reason": "不属于妇联职责"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "已被其他人修改" in html
    assert "不属于妇联职责" in html
    assert f'name="version" value="{fresh(case).version}"' in html
    assert fresh(case).status == "accepted"


def test_service_errors_show_on_the_form(client, tree, worker):
    case = make_case(tree.street_a, status="resolved")
    client.force_login(worker)
    response = client.post(
        action(case, "follow_up"),
        {"version": case.version, "satisfaction": "unsatisfied", "result": "closed", "note": "x"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "不满意时不能直接结案" in html
    assert fresh(case).status == "resolved"


def test_an_action_not_offered_redirects_with_a_message(client, tree, worker):
    case = make_case(tree.street_a, status="closed")
    client.force_login(worker)
    response = client.get(action(case, "accept"), follow=True)
    assert "当前状态下您不能进行这项操作" in response.content.decode()


def test_edit_keeps_typing_on_conflict_and_saves_otherwise(client, tree, worker):
    case = make_case(tree.street_a, status="in_progress", assigned_to=worker)
    client.force_login(worker)
    url = reverse("cases:case_update", args=[case.pk])
    page = client.get(url).content.decode()
    assert f'name="version" value="{case.version}"' in page
    data = {
        "version": case.version,
        "summary": "修改后的摘要",
        "category_node": case.subcategory_id or case.category_id,
        "gbv_type": "",
        "urgency": "priority",
        "narrative": "补充了新的情况",
    }
    Case.objects.filter(pk=case.pk).update(version=case.version + 1)
    conflict = client.post(url, data).content.decode()
    assert "已被其他人修改" in conflict and "补充了新的情况" in conflict
    data["version"] = case.version + 1
    assert client.post(url, data).status_code == 302
    assert fresh(case).summary == "修改后的摘要" and fresh(case).narrative == "补充了新的情况"


def test_note_and_party_forms(client, tree, worker):
    case = make_case(tree.street_a, status="in_progress", assigned_to=worker)
    client.force_login(worker)
    client.post(action(case, "note"), {"version": case.version, "note": "走访了当事人家庭"})
    assert CaseEvent.objects.filter(case=case, kind="note").get().note == "走访了当事人家庭"
    url = reverse("cases:party_create", args=[case.pk])
    empty = client.post(url, {"role": "respondent", "description": ""}).content.decode()
    assert "请填写档案号或说明" in empty
    client.post(url, {"role": "respondent", "description": "丈夫，约40岁"})
    assert case.parties.get().description == "丈夫，约40岁"


def test_a_party_entered_by_mistake_is_removed_and_the_step_is_kept(client, tree, worker):
    case = make_case(tree.street_a, status="in_progress", assigned_to=worker)
    party = case.parties.create(role="witness", description="邻居，误登记")
    client.force_login(worker)
    page = client.get(detail(case)).content.decode()
    remove = reverse("cases:party_delete", args=[case.pk, party.pk])
    assert remove in page
    assert client.get(remove).status_code == 302  # only a POST removes
    assert case.parties.exists()
    client.post(remove)
    assert not case.parties.exists()
    assert CaseEvent.objects.filter(case=case, kind="updated").exists()
    assert AuditEvent.objects.filter(object_id=str(case.pk), action="update").exists()
    # Someone of another community cannot reach the case at all.
    other = user_with_role(tree.community_b, "community_chair", username="chair_b_party")
    party = case.parties.create(role="witness", description="另一位邻居")
    client.force_login(other)
    remove = reverse("cases:party_delete", args=[case.pk, party.pk])
    assert client.post(remove).status_code == 404
    assert case.parties.filter(pk=party.pk).exists()


def test_extension_request_and_approval(client, tree, worker, street_leader):
    case = make_case(tree.street_a, status="in_progress", assigned_to=worker)
    client.force_login(worker)
    client.post(
        action(case, "request_extension"),
        {"version": case.version, "days": 15, "reason": "需等待法院调查结果"},
    )
    extension = Extension.objects.get(case=case)
    assert extension.status == "pending"

    client.force_login(street_leader)
    listing = client.get(reverse("cases:extension_list")).content.decode()
    assert case.number in listing and "需等待法院调查结果" in listing
    decide = reverse("cases:extension_decide", args=[extension.pk])
    client.post(decide, {"approve": "1", "note": "同意"})
    extension.refresh_from_db()
    assert extension.status == "approved" and fresh(case).extension_days == 15
    after = client.get(reverse("cases:extension_list")).content.decode()
    assert "已批准" in after and "没有待审批的延期申请" in after


def test_extension_list_is_scoped(client, tree, worker):
    case = make_case(tree.street_a, status="in_progress", assigned_to=worker)
    extension = extension_request(user=worker, case=case, days=10, reason="等待鉴定")
    other = user_with_role(tree.district_b, "leader", username="leader_xinhua")
    client.force_login(other)
    assert case.number not in client.get(reverse("cases:extension_list")).content.decode()
    decide = reverse("cases:extension_decide", args=[extension.pk])
    assert client.post(decide, {"approve": "1"}).status_code == 404
    client.force_login(worker)  # no approve_case
    assert client.get(reverse("cases:extension_list")).status_code == 403
