"""API intake for telephony and grid platforms: validation in Chinese, masking, idempotency."""

import threading
from unittest import mock

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from jinguo.cases.models import Case
from jinguo.cases.services import intake
from jinguo.people.models import Person
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db

URL = "/api/cases/cases/"
PHONE = "13912345678"


@pytest.fixture
def operator(tree):
    """A 12338 operator of the city federation."""
    return user_with_role(tree.city, "hotline_operator", username="op12338", real_name="钱接")


@pytest.fixture
def api(operator):
    client = APIClient()
    client.force_authenticate(operator)
    return client


def call(**extra) -> dict:
    return {
        "channel": "hotline_12338",
        "category": "family-violence",
        "gbv_type": "physical",
        "urgency": "urgent",
        "summary": "丈夫酒后殴打，求助",
        "narrative": "来电人说丈夫昨晚酒后打人，孩子也在场。",
        "caller_phone": PHONE,
        "anonymous": True,
        **extra,
    }


def test_url_name_is_stable():
    assert reverse("case-list") == URL


def test_intake_registers_a_case_and_masks_the_caller(api, operator):
    r = api.post(URL, call(client_reference="T-1"), format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    case = Case.objects.get(pk=body["id"])
    assert body["number"] == case.number
    assert body["category_code"] == "family" and body["subcategory_code"] == "family-violence"
    assert body["is_sensitive"] is True
    assert "narrative" not in body  # the detail has it
    detail = api.get(f"{URL}{case.pk}/").json()
    assert detail["narrative"] == "来电人说丈夫昨晚酒后打人，孩子也在场。"
    assert body["masked_caller_phone"] == "139****5678"
    assert PHONE not in r.content.decode()
    assert "caller_phone" not in body
    assert case.caller_phone == PHONE and case.created_by == operator
    assert "Idempotent-Replayed" not in r.headers


def test_category_by_id_with_subcategory(api):
    from jinguo.cases.models import Category

    family = Category.objects.get(code="family")
    r = api.post(
        URL,
        call(category=family.pk, subcategory="family-divorce", gbv_type="", anonymous=True),
        format="json",
    )
    assert r.status_code == 201, r.json()
    assert r.json()["subcategory_code"] == "family-divorce"


def test_same_reference_twice_gives_one_case(api, operator):
    first = api.post(URL, call(client_reference="CALL-0001"), format="json")
    again = api.post(URL, call(client_reference="CALL-0001"), format="json")
    assert first.status_code == 201 and again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["number"] == first.json()["number"]
    assert Case.objects.filter(client_reference="CALL-0001").count() == 1
    other = api.post(URL, call(client_reference="CALL-0002"), format="json")
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]
    assert Case.objects.filter(created_by=operator).count() == 2


def test_without_reference_every_post_is_a_new_case(api):
    assert api.post(URL, call(), format="json").status_code == 201
    assert api.post(URL, call(), format="json").status_code == 201
    assert Case.objects.count() == 2


def test_the_reference_belongs_to_the_account(api, tree):
    api.post(URL, call(client_reference="GRID-7"), format="json")
    other = APIClient()
    other.force_authenticate(user_with_role(tree.city, "hotline_operator", username="op2"))
    r = other.post(URL, call(client_reference="GRID-7"), format="json")
    assert r.status_code == 201
    assert Case.objects.filter(client_reference="GRID-7").count() == 2


def test_a_lost_race_answers_with_the_winner(api, operator):
    """The unique constraint stops the second of two simultaneous requests: answer with the
    case the first one created, as a replay."""
    winner = api.post(URL, call(client_reference="RACE-1"), format="json").json()
    real, looks = intake.registered_case, []

    def not_yet_then_real(user, reference):
        # The first look misses it, as when both requests look before either has inserted;
        # the insert then hits the unique constraint for real.
        looks.append(reference)
        return None if len(looks) == 1 else real(user, reference)

    with mock.patch.object(intake, "registered_case", side_effect=not_yet_then_real):
        r = api.post(URL, call(client_reference="RACE-1"), format="json")
    assert len(looks) == 2
    assert r.status_code == 200 and r.headers["Idempotent-Replayed"] == "true"
    assert r.json()["id"] == winner["id"]
    assert Case.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_identical_requests_create_one_case(tree):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent writers need PostgreSQL")
    operator = user_with_role(tree.city, "hotline_operator", username="op_race")
    results, barrier = [], threading.Barrier(4)

    def post():
        client = APIClient()
        client.force_authenticate(operator)
        barrier.wait()
        try:
            r = client.post(URL, call(client_reference="SAME-1"), format="json")
            results.append((r.status_code, r.json()["id"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(code for code, _id in results) == [200, 200, 200, 201]
    assert len({pk for _code, pk in results}) == 1
    assert Case.objects.filter(client_reference="SAME-1").count() == 1


def test_new_complainant_is_filed_and_masked(api, tree):
    r = api.post(
        URL,
        call(
            anonymous=False,
            client_reference="NEW-1",
            new_complainant={
                "name": "王秀英",
                "gender": "F",
                "phone": "13800138000",
                "org": tree.community_a.pk,
            },
        ),
        format="json",
    )
    assert r.status_code == 201, r.json()
    person = Person.objects.get(name="王秀英")
    assert person.org == tree.community_a
    assert r.json()["complainant"] == person.pk
    detail = api.get(f"{URL}{r.json()['id']}/")
    assert detail.json()["complainant"]["id"] == person.pk
    assert detail.json()["complainant"]["masked_name"] == "王**"
    assert detail.json()["complainant"]["masked_phone"] == "138****8000"
    for response in (r, detail):
        text = response.content.decode()
        assert "王秀英" not in text and "13800138000" not in text


def test_parties_are_masked(api, tree):
    victim = PersonFactory(org=tree.community_a, name="赵小红", phone="13700137000")
    r = api.post(
        URL,
        call(
            anonymous=False,
            complainant=victim.pk,
            parties=[
                {"person": victim.pk, "role": "victim"},
                {"role": "respondent", "description": "丈夫，约40岁"},
            ],
        ),
        format="json",
    )
    assert r.status_code == 201, r.json()
    detail = api.get(f"{URL}{r.json()['id']}/")
    parties = detail.json()["parties"]
    assert [p["role"] for p in parties] == ["victim", "respondent"]
    assert parties[0]["person"]["masked_name"] == "赵**"
    for response in (r, detail):
        text = response.content.decode()
        assert "赵小红" not in text and "13700137000" not in text


@pytest.mark.parametrize(
    ("data", "field", "fragment"),
    [
        ({"summary": ""}, "summary", "不能为空"),
        ({"channel": "fax"}, "channel", "不是合法选项"),
        ({"category": "no-such"}, "category", "诉求类别“no-such”不存在或已停用"),
        ({"category": "family", "subcategory": "labour-rights"}, "subcategory", "不属于"),
        ({"gbv_type": ""}, "gbv_type", "请选择暴力类型"),
        ({"caller_phone": "12345"}, "caller_phone", "电话"),
        ({"summary": "来电 13912345678 求助"}, "summary", "不要写电话号码"),
        ({"parties": [{"role": "respondent"}]}, "parties", "请选择人员档案，或填写当事人说明"),
        ({"complainant": 999999, "anonymous": False}, "complainant", "不存在或不在您的管辖范围内"),
    ],
)
def test_bad_input_gets_a_chinese_error_and_creates_nothing(api, data, field, fragment):
    r = api.post(URL, call(client_reference="BAD", **data), format="json")
    assert r.status_code == 400
    errors = r.json()
    assert field in errors, errors
    assert fragment in str(errors[field])
    assert not Case.objects.exists()


def test_missing_fields_are_named_in_chinese(api):
    r = api.post(URL, {}, format="json")
    assert r.status_code == 400
    body = r.json()
    assert set(body) >= {"channel", "category", "summary"}
    assert body["summary"] == ["该字段是必填项。"]


def test_a_complainant_out_of_scope_is_refused(tree):
    chair = user_with_role(tree.community_a, "community_chair", username="chair_a")
    elsewhere = PersonFactory(org=tree.community_b, name="孙丽")
    client = APIClient()
    client.force_authenticate(chair)
    r = client.post(URL, call(anonymous=False, complainant=elsewhere.pk), format="json")
    assert r.status_code == 400 and "complainant" in r.json()
    assert not Case.objects.exists()


def test_intake_needs_the_add_permission(tree):
    client = APIClient()
    client.force_authenticate(user_with_role(tree.city, "leader", username="boss"))
    r = client.post(URL, call(), format="json")
    assert r.status_code == 403
    assert not Case.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_deadlocked_registration_is_retried(api):
    """PostgreSQL rolls a deadlock victim back whole; the intake service registers it again
    (only outside an enclosing transaction, hence a transactional test)."""
    from django.db import OperationalError

    real = intake.case_create
    attempts = []

    def deadlock_once(**kwargs):
        attempts.append(1)
        if len(attempts) == 1:
            cause = type("DeadlockDetected", (Exception,), {"sqlstate": "40P01"})()
            raise OperationalError("deadlock detected") from cause
        return real(**kwargs)

    with mock.patch.object(intake, "case_create", side_effect=deadlock_once):
        r = api.post(URL, call(client_reference="DL-1"), format="json")
    assert r.status_code == 201 and len(attempts) == 2
    assert Case.objects.filter(client_reference="DL-1").count() == 1


def test_a_complainant_id_with_an_unknown_area_is_confirmed_not_refused(api, tree):
    body = call(
        anonymous=False,
        client_reference="AREA-1",
        new_complainant={
            "name": "李桂兰",
            "id_number": "449329195607298926",  # a county code that never existed
            "org": tree.community_a.pk,
        },
    )
    r = api.post(URL, body, format="json")
    assert r.status_code == 400
    assert "449329" in str(r.json()["complainant_id_number"])
    assert not Person.objects.filter(name="李桂兰").exists()
    body["new_complainant"]["confirm_unknown_area"] = True
    r = api.post(URL, body, format="json")
    assert r.status_code == 201, r.json()
    assert Person.objects.filter(name="李桂兰").count() == 1


@pytest.mark.parametrize("reference", ["REF/2026/001", "a b", "..", "编号1"])
def test_a_reference_the_queue_would_refuse_is_refused_here_too(api, operator, reference):
    r = api.post(URL, call(client_reference=reference), format="json")
    assert r.status_code == 400, r.content
    assert "对方系统编号" in r.json()["client_reference"][0]
    assert not Case.objects.exists()


def test_the_service_refuses_such_a_reference_too(operator, tree):
    with pytest.raises(intake.ValidationError) as refused:
        intake.case_create(
            user=operator,
            channel="hotline_12338",
            summary="丈夫酒后殴打",
            category=intake.Case._meta.get_field("category")
            .related_model.objects.filter(parent=None)
            .first(),
            anonymous=True,
            client_reference="REF/2026/001",
        )
    assert "client_reference" in refused.value.message_dict
    assert not Case.objects.exists()
