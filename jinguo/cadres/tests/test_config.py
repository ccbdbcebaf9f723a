"""Position types and retraining rules are edited on the system administrator's pages,
through audited services; bad input gives a message beside the field, never a 500."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from jinguo.cadres.models import PositionType, RetrainingRule
from jinguo.cadres.selectors import due_for_retraining
from jinguo.core.models import AuditEvent
from jinguo.testing.factories import user_with_role

from .factories import make_position, make_training, position_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def sysadmin(tree):
    return user_with_role(tree.city, "sysadmin", real_name="管理员")


@pytest.fixture
def admin_client(client, sysadmin):
    client.force_login(sysadmin)
    return client


def test_the_sysadmin_adds_and_edits_a_position_type(admin_client):
    response = admin_client.post(
        reverse("cadres:positiontype_create"),
        {"code": "council_member", "name": "妇女议事会成员", "kind": "federation", "sort": "90"},
    )
    assert response.status_code == 302
    row = PositionType.objects.get(code="council_member")
    assert AuditEvent.objects.filter(object_id=str(row.pk), action="create").exists()
    response = admin_client.post(
        reverse("cadres:positiontype_update", args=[row.pk]),
        {"name": "议事会成员", "kind": "federation", "sort": "95"},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.name, row.sort, row.is_active) == ("议事会成员", 95, False)
    assert AuditEvent.objects.filter(object_id=str(row.pk), action="update").exists()
    page = admin_client.get(reverse("cadres:positiontype_list"))
    assert "议事会成员" in page.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"code": "chair", "name": "新主席", "kind": "federation", "sort": "1"}, "code", "已被使用"),
        ({"code": "Bad Code!", "name": "甲", "kind": "federation", "sort": "1"}, "code", "小写字母"),
        ({"code": "x1", "name": "主席", "kind": "federation", "sort": "1"}, "name", "已有名为"),
        ({"code": "x2", "name": "乙", "kind": "other", "sort": "1", "is_executive": "on"},
         "is_executive", "只有妇联职务"),
        ({"code": "x3", "name": "丙", "kind": "nope", "sort": "1"}, "kind", ""),
        ({"code": "x4", "name": "丁", "kind": "other", "sort": "99999999999"}, "sort", ""),
    ],
)  # fmt: skip
def test_a_bad_position_type_is_refused_beside_its_field(admin_client, data, field, message):
    response = admin_client.post(reverse("cadres:positiontype_create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert response.context["form"]["name"].value() == data["name"]


def test_a_rule_edited_changes_who_is_due(tree, admin_client, sysadmin):
    rule = RetrainingRule.objects.get(position_type__code="rights_cadre")
    cadre = make_position(tree.community_a, "rights_cadre")
    training = make_training(
        tree.community_a, kind="rights", ends_on=timezone.localdate() - timedelta(days=70)
    )
    training.attendances.create(org=tree.community_a, person=cadre.person, completed=True)
    leader = user_with_role(tree.city, "leader")
    assert not due_for_retraining(leader)
    # Trained 70 days ago: a two-month rule makes her due.
    response = admin_client.post(
        reverse("cadres:retrainingrule_update", args=[rule.pk]),
        {
            "name": rule.name,
            "position_type": rule.position_type_id,
            "kind": "rights",
            "every_months": "1",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert [r["position"] for r in due_for_retraining(leader)] == [cadre]
    assert AuditEvent.objects.filter(object_id=str(rule.pk), action="update").exists()


def test_a_new_rule_lists_holders_of_its_position(tree, admin_client):
    juror = make_position(tree.community_a, "juror")
    response = admin_client.post(
        reverse("cadres:retrainingrule_create"),
        {
            "name": "人民陪审员每年法律培训",
            "position_type": position_type("juror").pk,
            "kind": "law",
            "every_months": "12",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    leader = user_with_role(tree.city, "leader")
    assert juror in [r["position"] for r in due_for_retraining(leader)]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"every_months": "0"}, "every_months"),
        ({"every_months": "100000000000000000000"}, "every_months"),
        ({"position_type": "999999999"}, "position_type"),
        ({"position_type": "abc"}, "position_type"),
        ({"kind": "mediation"}, "kind"),  # the mediator rule already asks for mediation
        ({"name": "人民调解员每三年复训"}, "name"),
    ],
)
def test_a_bad_rule_is_refused_beside_its_field(admin_client, changes, field):
    data = {
        "name": "新规则",
        "position_type": position_type("mediator").pk,
        "kind": "law",
        "every_months": "24",
        "is_active": "on",
        **changes,
    }
    response = admin_client.post(reverse("cadres:retrainingrule_create"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors


def test_the_pages_are_the_sysadmins_only(tree, client):
    rule = RetrainingRule.objects.first()
    for role in ("leader", "rights_officer", "community_chair"):
        client.force_login(user_with_role(tree.city, role))
        for url in (
            reverse("cadres:positiontype_list"),
            reverse("cadres:positiontype_create"),
            reverse("cadres:retrainingrule_list"),
            reverse("cadres:retrainingrule_update", args=[rule.pk]),
        ):
            assert client.get(url).status_code == 404, (role, url)


def test_unknown_ids_are_404(admin_client):
    for name in ("cadres:positiontype_update", "cadres:retrainingrule_update"):
        assert admin_client.get(reverse(name, args=[99999999])).status_code == 404
