"""Emergency intervention: the checklist on an urgent violence case from its registration,
ticking steps (time, who, audit), and the leader's alert when nobody acts in time (once)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from jinguo.cases.models import Case
from jinguo.cases.services.intake import case_create
from jinguo.cases.tests.factories import category, make_case
from jinguo.core.models import AuditEvent, Notification
from jinguo.protection.contributions.shelter import load_defaults
from jinguo.protection.models import (
    Alert,
    AlertRule,
    ChecklistStep,
    ChecklistTemplate,
    EmergencyAction,
    EmergencyEscalation,
)
from jinguo.protection.selectors.shelter import unattended_urgent_cases
from jinguo.protection.services.alert_sweep import alerts_sweep
from jinguo.protection.services.emergency import emergency_tick, sweep_unattended
from jinguo.protection.tests.factories_shelter import default_checklist
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree):
    return user_with_role(tree.district_a, "rights_officer", real_name="陈维")


def urgent(unit, hours_ago=0, **kw):
    kw.setdefault("category", "family-violence")
    kw.setdefault("gbv_type", "physical")
    kw.setdefault("urgency", "urgent")
    return make_case(unit, received_at=timezone.now() - timedelta(hours=hours_ago), **kw)


def test_the_default_checklist_is_shipped_once_and_never_overwritten():
    load_defaults()
    template = ChecklistTemplate.objects.get()
    assert template.act_within_hours == 2 and template.steps.count() >= 6
    template.name = "本会自定清单"
    template.save()
    ChecklistStep.objects.filter(template=template).first().delete()
    load_defaults()
    assert ChecklistTemplate.objects.get().name == "本会自定清单"
    assert template.steps.count() >= 5


def test_the_checklist_shows_on_an_urgent_violence_case_from_registration(client, tree, officer):
    default_checklist()
    case = case_create(
        user=officer,
        channel="hotline_12338",
        summary="遭丈夫殴打求助",
        category=category("family-violence"),
        gbv_type="physical",
        urgency="urgent",
    )
    client.force_login(officer)
    html = client.get(case.get_absolute_url()).content.decode()
    assert 'data-testid="case-emergency"' in html
    assert html.count('data-testid="emergency-tick"') == default_checklist().steps.count()


@pytest.mark.parametrize(
    "kw",
    [
        {"urgency": "normal"},  # violence, but not urgent
        {"category": "family-dispute", "gbv_type": ""},  # urgent, but no violence
    ],
)
def test_no_checklist_on_other_cases(client, tree, officer, kw):
    default_checklist()
    case = urgent(tree.community_a, **kw)
    client.force_login(officer)
    assert (
        'data-testid="case-emergency"' not in client.get(case.get_absolute_url()).content.decode()
    )


def test_a_gbv_type_on_a_plain_category_makes_it_a_violence_case(client, tree, officer):
    default_checklist()
    case = urgent(tree.community_a, category="family-dispute", gbv_type="psychological")
    client.force_login(officer)
    assert 'data-testid="case-emergency"' in client.get(case.get_absolute_url()).content.decode()


def test_ticking_a_step_records_when_and_who_and_audits_it(client, tree, officer):
    step = default_checklist().steps.order_by("order").first()
    case = urgent(tree.community_a)
    client.force_login(officer)
    url = reverse("protection:emergencyaction_create", args=[case.pk])
    r = client.post(url, {"step": step.pk, "note": "已协助报警", "done_at": ""})
    assert r.status_code == 302
    action = EmergencyAction.objects.get(case=case)
    assert action.done_by == officer and action.note == "已协助报警"
    assert AuditEvent.objects.filter(
        object_type="protection.emergencyaction", action="create"
    ).exists()
    html = client.get(case.get_absolute_url()).content.decode()
    assert 'data-testid="emergency-done"' in html and "陈维" in html


def test_a_step_is_ticked_once(tree, officer):
    step = default_checklist().steps.first()
    case = urgent(tree.community_a)
    emergency_tick(user=officer, case=case, step=step)
    with pytest.raises(ValidationError) as exc:
        emergency_tick(user=officer, case=case, step=step)
    assert "已于" in exc.value.message_dict["step"][0]


def test_a_step_of_another_checklist_or_a_future_time_is_refused(tree, officer):
    default_checklist()
    other = ChecklistTemplate.objects.create(name="性侵害", gbv_types=["rape"], is_active=True)
    foreign = ChecklistStep.objects.create(template=other, label="陪同取证")
    case = urgent(tree.community_a)
    with pytest.raises(ValidationError) as exc:
        emergency_tick(user=officer, case=case, step=foreign)
    assert "step" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        emergency_tick(
            user=officer,
            case=case,
            step=default_checklist().steps.first(),
            done_at=timezone.now() + timedelta(hours=1),
        )
    assert "done_at" in exc.value.message_dict


def test_a_checklist_for_the_violence_type_wins_over_the_general_one(client, tree, officer):
    default_checklist()
    special = ChecklistTemplate.objects.create(
        name="性侵害应急", gbv_types=["rape"], act_within_hours=1
    )
    ChecklistStep.objects.create(template=special, label="陪同就医取证")
    case = urgent(tree.community_a, category="personal-sexual", gbv_type="rape")
    client.force_login(officer)
    html = client.get(case.get_absolute_url()).content.decode()
    assert "性侵害应急" in html and "陪同就医取证" in html


def test_someone_who_may_not_change_the_case_cannot_tick(client, tree):
    step = default_checklist().steps.first()
    case = urgent(tree.community_a)
    stranger = user_with_role(tree.district_b, "rights_officer")
    client.force_login(stranger)
    r = client.post(reverse("protection:emergencyaction_create", args=[case.pk]), {"step": step.pk})
    assert r.status_code == 404
    assert not EmergencyAction.objects.exists()


def test_unattended_urgent_cases_are_those_past_the_hours_with_no_action(tree, officer):
    default_checklist()  # 2 hours
    late = urgent(tree.community_a, hours_ago=3)
    urgent(tree.community_a, hours_ago=1)  # still within its hours
    acted = urgent(tree.community_a, hours_ago=5)
    emergency_tick(user=officer, case=acted, step=default_checklist().steps.first())
    urgent(tree.community_a, hours_ago=5, urgency="priority")
    closed = urgent(tree.community_a, hours_ago=5)
    Case.objects.filter(pk=closed.pk).update(status="closed")
    assert list(unattended_urgent_cases()) == [late]


def test_each_checklist_counts_its_own_hours(tree):
    default_checklist()
    fast = ChecklistTemplate.objects.create(name="性侵害", gbv_types=["rape"], act_within_hours=1)
    ChecklistStep.objects.create(template=fast, label="陪同取证")
    rape = urgent(tree.community_a, hours_ago=1.5, category="personal-sexual", gbv_type="rape")
    urgent(tree.community_a, hours_ago=1.5)  # physical: 2 hours
    assert list(unattended_urgent_cases()) == [rape]


def test_the_unit_leader_is_alerted_once_per_case(tree, django_capture_on_commit_callbacks):
    """With the early-warning rule switched off the job tells the leaders itself."""
    AlertRule.objects.filter(code="urgent_no_action").update(is_active=False)
    default_checklist()
    leader = user_with_role(tree.community_a, "leader")
    bystander = user_with_role(tree.community_b, "leader")
    case = urgent(tree.community_a, hours_ago=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_unattended() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_unattended() == 0
    notes = Notification.objects.filter(recipient=leader)
    assert notes.count() == 1
    assert case.number in notes.get().title and notes.get().level == "danger"
    assert not Notification.objects.filter(recipient=bystander).exists()
    assert EmergencyEscalation.objects.get(case=case).recipients == 1
    assert AuditEvent.objects.filter(action="emergency_alert", object_id=str(case.pk)).count() == 1


def test_while_the_warning_rule_is_on_its_red_warning_is_the_one_message(
    tree, django_capture_on_commit_callbacks
):
    default_checklist()
    leader = user_with_role(tree.community_a, "leader")
    case = urgent(tree.community_a, hours_ago=3)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_unattended() == 1
        alerts_sweep()
    assert EmergencyEscalation.objects.get(case=case).recipients == 0
    titles = list(Notification.objects.filter(recipient=leader).values_list("title", flat=True))
    assert len(titles) == 1 and "紧急个案无人处置" in titles[0]
    assert Alert.objects.get(rule__code="urgent_no_action", case=case).is_open


def test_the_warning_follows_the_checklist_hours_of_the_case_type(tree):
    default_checklist()
    fast = ChecklistTemplate.objects.create(name="性侵害", gbv_types=["rape"], act_within_hours=1)
    ChecklistStep.objects.create(template=fast, label="陪同取证")
    rape = urgent(tree.community_a, hours_ago=1.5, category="personal-sexual", gbv_type="rape")
    urgent(tree.community_a, hours_ago=1.5)  # physical: the shipped checklist's 2 hours
    alerts_sweep()
    [alert] = Alert.objects.filter(rule__code="urgent_no_action")
    assert alert.case_id == rape.pk and "1 小时" in alert.summary


def test_no_alert_once_someone_acted(tree, officer, django_capture_on_commit_callbacks):
    default_checklist()
    user_with_role(tree.community_a, "leader")
    case = urgent(tree.community_a, hours_ago=3)
    emergency_tick(user=officer, case=case, step=default_checklist().steps.first())
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_unattended() == 0
    assert not Notification.objects.exists()


def test_the_job_is_registered_and_the_home_panel_lists_the_case(client, tree, officer):
    from jinguo.core import registry

    assert "protection.unattended_urgent" in {j.key for j in registry.jobs()}
    default_checklist()
    case = urgent(tree.community_a, hours_ago=3)
    client.force_login(officer)
    html = client.get("/").content.decode()
    assert 'data-testid="panel-emergency"' in html and case.number in html
