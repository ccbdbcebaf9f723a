"""The protective follow-up schedule as the system administrator sets it: the page, its
validation, the audit row, and new plans (only new ones) taking it."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from jinguo.cases.choices import Status
from jinguo.cases.services.workflow import case_resolve
from jinguo.core.models import AuditEvent
from jinguo.core.navigation import menu_for
from jinguo.protection.models import FollowUpPlan
from jinguo.protection.services.followup import default_schedule
from jinguo.protection.services.followup_schedule import followup_schedule_update
from jinguo.testing.factories import grant, user_with_role

from . import factories_followup as f

pytestmark = pytest.mark.django_db

URL = "protection:followupschedule_update"


@pytest.fixture
def officer(tree):
    user = user_with_role(tree.district_a, "rights_officer", username="officer_sched")
    grant(user, "core.view_sensitive")
    return user


def test_the_page_shows_the_schedule_in_force_and_saves_a_new_one(tree, sysadmin, login):
    groups = {g["label"]: [i["label"] for i in g["items"]] for g in menu_for(sysadmin, "/")}
    assert "保护性回访安排" in groups["系统管理"]
    client = login(sysadmin)
    page = client.get(reverse(URL)).content.decode()
    assert 'value="7, 30, 90"' in page and 'value="90"' in page
    response = client.post(reverse(URL), {"days": "3，14、60", "repeat_every_days": "60"})
    assert response.status_code == 302
    assert default_schedule() == ([3, 14, 60], 60)
    event = AuditEvent.objects.get(action="update", object_type="protection.followupschedule")
    assert event.before["days"] == [7, 30, 90] and event.after["days"] == [3, 14, 60]
    assert "上次由" in client.get(reverse(URL)).content.decode()


@pytest.mark.parametrize(
    ("days", "repeat", "message"),
    [
        ("", "90", "请至少填写一次回访"),
        ("7, 7", "90", "不能重复"),
        ("7, 三十", "90", "不是天数"),
        ("7, 900", "90", "1 到 730"),
        ("7", "2", "7 到 365"),
    ],
)
def test_a_wrong_schedule_is_refused_and_what_was_typed_stays(
    tree, sysadmin, login, days, repeat, message
):
    response = login(sysadmin).post(reverse(URL), {"days": days, "repeat_every_days": repeat})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and f'value="{repeat}"' in page
    assert default_schedule() == ([7, 30, 90], 90)


def test_others_cannot_open_or_change_it(tree, officer, login):
    assert login(officer).get(reverse(URL)).status_code == 404
    with pytest.raises(PermissionDenied):
        followup_schedule_update(user=officer, days=[1], repeat_every_days=30)


def test_new_plans_take_the_new_schedule_and_old_plans_keep_theirs(
    tree, sysadmin, officer, django_capture_on_commit_callbacks
):
    old = f.plan(f.person(tree.community_a))
    followup_schedule_update(user=sysadmin, days=[2, 20], repeat_every_days=30)
    who = f.person(tree.community_a)
    case = f.violence_case(tree.community_a, who, status=Status.IN_PROGRESS)
    with django_capture_on_commit_callbacks(execute=True):
        case_resolve(user=officer, case=case, outcome="answered", outcome_note="已联系派出所")
    plan = FollowUpPlan.objects.get(person=who)
    assert (plan.schedule_days, plan.repeat_every_days) == ([2, 20], 30)
    assert plan.visits.get().due_on == plan.started_on + timedelta(days=2)
    old.refresh_from_db()
    assert old.schedule_days == [7, 30, 90]


def test_the_service_checks_what_the_api_or_a_script_sends(tree, sysadmin):
    with pytest.raises(ValidationError) as exc:
        followup_schedule_update(user=sysadmin, days=[0, 5000], repeat_every_days=1000)
    assert {"days", "repeat_every_days"} <= set(exc.value.message_dict)
