"""Early-warning rules as data a federation edits: the system administrator's pages, the
validation of each rule's parameters, the audit row, and a changed rule re-checked in full."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from jinguo.core.models import AuditEvent
from jinguo.core.navigation import menu_for
from jinguo.protection.models import Alert, AlertRule
from jinguo.protection.services.alert_rule_config import alert_rule_update
from jinguo.protection.services.alert_sweep import alerts_sweep
from jinguo.testing.factories import user_with_role

from . import factories_followup as f

pytestmark = pytest.mark.django_db


def rule_data(rule, **kw):
    data = {
        "name": rule.name,
        "level": rule.level,
        "audience": rule.audience,
        "escalate_after_hours": rule.escalate_after_hours or "",
        "description": rule.description,
        "is_active": "on" if rule.is_active else "",
        **{f"param_{k}": v for k, v in rule.params.items()},
    }
    data.update(kw)
    return data


def _update(user, rule, **kw):
    fields = {
        "name": rule.name,
        "description": rule.description,
        "level": rule.level,
        "audience": rule.audience,
        "params": dict(rule.params),
        "escalate_after_hours": rule.escalate_after_hours,
        "is_active": rule.is_active,
    }
    fields.update(kw)
    return alert_rule_update(user=user, rule=rule, **fields)


def test_the_sysadmin_finds_the_rules_under_system_admin(tree, sysadmin, login):
    groups = {g["label"]: [i["label"] for i in g["items"]] for g in menu_for(sysadmin, "/")}
    assert "预警规则" in groups["系统管理"]
    page = login(sysadmin).get(reverse("protection:alertrule_list")).content.decode()
    assert "反复受暴" in page and "统计月数：12" in page
    rule = AlertRule.objects.get(code="repeat_victim")
    form = login(sysadmin).get(reverse("protection:alertrule_update", args=[rule.pk]))
    assert form.status_code == 200
    assert 'name="param_months"' in form.content.decode()


def test_a_leader_reads_the_rules_but_cannot_change_them(tree, login):
    leader = user_with_role(tree.district_a, "leader", username="rule_leader")
    rule = AlertRule.objects.get(code="repeat_victim")
    client = login(leader)
    page = client.get(reverse("protection:alertrule_list"))
    assert page.status_code == 200
    assert reverse("protection:alertrule_update", args=[rule.pk]) not in page.content.decode()
    assert client.get(reverse("protection:alertrule_update", args=[rule.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        _update(leader, rule, level="red")


def test_a_community_chair_gets_404(tree, login):
    chair = user_with_role(tree.community_a, "community_chair", username="rule_chair")
    assert login(chair).get(reverse("protection:alertrule_list")).status_code == 404


def test_the_sysadmin_changes_level_params_and_escalation_with_an_audit_row(tree, sysadmin, login):
    rule = AlertRule.objects.get(code="repeat_victim")
    response = login(sysadmin).post(
        reverse("protection:alertrule_update", args=[rule.pk]),
        rule_data(rule, level="red", param_cases=3, param_months=6, escalate_after_hours=4),
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.level, rule.params, rule.escalate_after_hours) == (
        "red",
        {"cases": 3, "months": 6},
        4,
    )
    event = AuditEvent.objects.filter(object_type="protection.alertrule").latest("id")
    assert event.detail["step"] == "alert_rule_update"
    assert event.before["params"] == {"cases": 2, "months": 12}


@pytest.mark.parametrize("value", ["0", "-3", "2.5", "abc"])
def test_days_must_be_a_positive_whole_number(tree, sysadmin, login, value):
    rule = AlertRule.objects.get(code="order_expiring")
    response = login(sysadmin).post(
        reverse("protection:alertrule_update", args=[rule.pk]), rule_data(rule, param_days=value)
    )
    assert response.status_code == 200
    assert "“提前天数”须为正整数。" in response.content.decode()
    assert f'value="{value}"' in response.content.decode()  # what she typed is kept
    rule.refresh_from_db()
    assert rule.params == {"days": 14}


def test_params_are_validated_by_the_service_per_rule(tree, sysadmin):
    rule = AlertRule.objects.get(code="order_expiring")
    for params, message in [
        ({"days": 0}, "“提前天数”须为正整数。"),
        ({"days": True}, "“提前天数”须为正整数。"),
        ({"days": "7"}, None),
        ({"days": 400}, "“提前天数”应在 1 到 180 之间。"),
        ({}, "请填写“提前天数”。"),
        ({"days": 7, "weeks": 1}, "该规则没有这些参数：weeks。"),
    ]:
        if message is None:
            assert _update(sysadmin, rule, params=params).params == {"days": 7}
            continue
        with pytest.raises(ValidationError) as caught:
            _update(sysadmin, rule, params=params)
        assert message in caught.value.messages
    high = AlertRule.objects.get(code="high_risk")
    with pytest.raises(ValidationError) as caught:
        _update(sysadmin, high, params={"days": 3})
    assert "该规则没有这些参数：days。" in caught.value.messages


def test_escalation_hours_and_name_are_checked(tree, sysadmin):
    rule = AlertRule.objects.get(code="high_risk")
    with pytest.raises(ValidationError) as caught:
        _update(sysadmin, rule, escalate_after_hours=0, name=" ")
    assert set(caught.value.message_dict) == {"escalate_after_hours", "name"}
    with pytest.raises(ValidationError):
        _update(sysadmin, rule, name=AlertRule.objects.get(code="repeat_victim").name)


def test_an_unchanged_save_writes_nothing(tree, sysadmin):
    rule = AlertRule.objects.get(code="high_risk")
    before = AuditEvent.objects.count()
    _update(sysadmin, rule)
    assert AuditEvent.objects.count() == before


def test_new_params_apply_to_everything_on_the_next_sweep(tree, sysadmin):
    """A stricter threshold resolves warnings it no longer holds, though nothing else changed."""
    who = f.person(tree.community_a)
    f.violence_case(tree.community_a, who)
    f.violence_case(tree.community_a, who)
    alerts_sweep()
    warned = Alert.objects.get(rule__code="repeat_victim", person=who)
    assert warned.is_open
    rule = AlertRule.objects.get(code="repeat_victim")
    _update(sysadmin, rule, params={"cases": 3, "months": 12})
    assert AlertRule.objects.get(pk=rule.pk).swept_at is None
    alerts_sweep(now=timezone.now() + timedelta(minutes=10))
    warned.refresh_from_db()
    assert not warned.is_open


def test_a_rule_switched_off_raises_nothing_and_switched_on_checks_everything(tree, sysadmin):
    who = f.person(tree.community_a)
    rule = AlertRule.objects.get(code="high_risk")
    _update(sysadmin, rule, is_active=False)
    f.assess(who, "high")
    alerts_sweep()
    assert not Alert.objects.filter(rule=rule, person=who).exists()
    _update(sysadmin, AlertRule.objects.get(pk=rule.pk), is_active=True)
    alerts_sweep(now=timezone.now() + timedelta(minutes=10))
    assert Alert.objects.filter(rule=rule, person=who).exists()
