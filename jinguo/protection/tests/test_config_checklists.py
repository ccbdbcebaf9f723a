"""Emergency checklists as data a federation edits: create, edit, reorder, add and remove
steps, switch off; one active checklist per violence type; every change audited."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from jinguo.core.models import AuditEvent
from jinguo.core.navigation import menu_for
from jinguo.protection.models import ChecklistStep, ChecklistTemplate, EmergencyAction
from jinguo.protection.selectors.shelter import checklist_for
from jinguo.protection.services import checklists as svc
from jinguo.testing.factories import user_with_role

from . import factories_followup as f

pytestmark = pytest.mark.django_db


def shipped():
    return ChecklistTemplate.objects.get(gbv_types=[])


def labels(template):
    return list(template.steps.order_by("order").values_list("label", flat=True))


def test_the_sysadmin_finds_checklists_under_system_admin_and_others_get_404(
    tree, sysadmin, district_officer, login
):
    groups = {g["label"]: [i["label"] for i in g["items"]] for g in menu_for(sysadmin, "/")}
    assert "应急处置清单" in groups["系统管理"]
    page = login(sysadmin).get(reverse("protection:checklisttemplate_list")).content.decode()
    assert shipped().name in page and "所有暴力类型" in page
    edit = login(sysadmin).get(reverse("protection:checklisttemplate_update", args=[shipped().pk]))
    assert edit.status_code == 200
    assert shipped().steps.first().label in edit.content.decode()
    assert login(sysadmin).get(reverse("protection:checklisttemplate_create")).status_code == 200
    officer = login(district_officer)
    assert officer.get(reverse("protection:checklisttemplate_create")).status_code == 404
    url = reverse("protection:checklisttemplate_update", args=[shipped().pk])
    assert officer.get(url).status_code == 404
    with pytest.raises(PermissionDenied):
        svc.checklist_create(user=district_officer, name="x", steps=["a"])


def test_create_a_checklist_for_sexual_violence_used_on_such_a_case(tree, sysadmin, login):
    response = login(sysadmin).post(
        reverse("protection:checklisttemplate_create"),
        {
            "name": "性侵害紧急处置",
            "gbv_types": ["rape", "sexual_assault"],
            "act_within_hours": "1",
            "steps": "陪同报警\n\n陪同就医并提取证据\n心理危机干预\n",
        },
    )
    created = ChecklistTemplate.objects.get(name="性侵害紧急处置")
    assert response.status_code == 302
    assert response["Location"] == reverse("protection:checklisttemplate_update", args=[created.pk])
    assert labels(created) == ["陪同报警", "陪同就医并提取证据", "心理危机干预"]
    assert created.act_within_hours == 1
    case = f.violence_case(tree.community_a, gbv_type="rape", urgency="urgent")
    assert checklist_for(case) == created
    physical = f.violence_case(tree.community_a, gbv_type="physical", urgency="urgent")
    assert checklist_for(physical) == shipped()
    event = AuditEvent.objects.filter(object_type="protection.checklisttemplate").latest("id")
    assert event.detail["step"] == "checklist_create"


def test_validation_messages_and_input_kept(tree, sysadmin, login):
    response = login(sysadmin).post(
        reverse("protection:checklisttemplate_create"),
        {"name": "", "act_within_hours": "0", "steps": "  ", "gbv_types": ["physical"]},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "请填写清单名称。" in page
    assert "“须在几小时内处置”须为正整数。" in page
    assert "请至少填写一个处置事项，每行一项。" in page
    assert re.search(r'value="physical"[^>]*checked', page)  # what she chose is kept
    with pytest.raises(ValidationError) as caught:
        svc.checklist_create(user=sysadmin, name="空清单", act_within_hours=0, steps=[])
    assert caught.value.message_dict["steps"] == ["请至少填写一个处置事项，每行一项。"]
    assert caught.value.message_dict["act_within_hours"] == [
        "处置时限应为 1 到 72 之间的整数小时。"
    ]


def test_one_active_checklist_per_violence_type(tree, sysadmin):
    svc.checklist_create(user=sysadmin, name="身体暴力", gbv_types=["physical"], steps=["报警"])
    with pytest.raises(ValidationError) as caught:
        svc.checklist_create(
            user=sysadmin, name="另一份", gbv_types=["physical", "rape"], steps=["报警"]
        )
    assert "“身体暴力”已由启用的清单“身体暴力”适用" in caught.value.message_dict["gbv_types"][0]
    with pytest.raises(ValidationError) as caught:
        svc.checklist_create(user=sysadmin, name="通用二", gbv_types=[], steps=["报警"])
    assert "已有适用于全部暴力类型的启用清单" in caught.value.message_dict["gbv_types"][0]


def test_switch_off_and_back(tree, sysadmin, login):
    template = shipped()
    url = reverse("protection:checklisttemplate_update", args=[template.pk])
    data = {"name": template.name, "act_within_hours": "3", "gbv_types": []}
    assert login(sysadmin).post(url, data).status_code == 302
    template.refresh_from_db()
    assert not template.is_active and template.act_within_hours == 3
    case = f.violence_case(tree.community_a, gbv_type="physical", urgency="urgent")
    assert checklist_for(case) is None
    svc.checklist_update(user=sysadmin, template=template, is_active=True)
    assert checklist_for(case) == template
    steps = AuditEvent.objects.filter(object_type="protection.checklisttemplate")
    assert [e.detail["step"] for e in steps.order_by("id")][-2:] == [
        "checklist_update",
        "checklist_update",
    ]


def test_steps_added_moved_changed_and_removed(tree, sysadmin, login):
    template = shipped()
    client = login(sysadmin)
    first, second = list(template.steps.order_by("order"))[:2]
    r = client.post(
        reverse("protection:checkliststep_add", args=[template.pk]),
        {"label": "通知学校", "required": ""},
    )
    assert r.status_code == 302
    added = template.steps.get(label="通知学校")
    assert labels(template)[-1] == "通知学校" and not added.required
    client.post(reverse("protection:checkliststep_action", args=[second.pk, "up"]))
    assert labels(template)[:2] == [second.label, first.label]
    client.post(
        reverse("protection:checkliststep_action", args=[added.pk, "update"]),
        {"label": "通知学校和监护人", "required": "on"},
    )
    added.refresh_from_db()
    assert added.label == "通知学校和监护人" and added.required
    client.post(reverse("protection:checkliststep_action", args=[added.pk, "remove"]))
    assert not ChecklistStep.objects.filter(pk=added.pk).exists()
    assert [s.order for s in template.steps.order_by("order")] == list(
        range(1, template.steps.count() + 1)
    )
    recorded = AuditEvent.objects.filter(object_type="protection.checklisttemplate")
    assert {e.detail["step"] for e in recorded} >= {
        "checklist_step_add",
        "checklist_step_move",
        "checklist_step_update",
        "checklist_step_remove",
    }


def test_a_duplicate_step_is_refused_and_typed_text_kept(tree, sysadmin, login):
    template = shipped()
    existing = template.steps.first().label
    r = login(sysadmin).post(
        reverse("protection:checkliststep_add", args=[template.pk]), {"label": existing}
    )
    assert r.status_code == 200
    assert "清单中已有这一事项。" in r.content.decode()


def test_a_step_ticked_on_a_case_cannot_be_removed(tree, sysadmin, district_officer, login):
    template = shipped()
    step = template.steps.first()
    case = f.violence_case(tree.community_a, urgency="urgent")
    EmergencyAction.objects.create(case=case, step=step, done_by=district_officer, org=case.org)
    with pytest.raises(ValidationError) as caught:
        svc.checklist_step_remove(user=sysadmin, step=step)
    assert "已在个案中勾选过" in caught.value.messages[0]
    r = login(sysadmin).post(reverse("protection:checkliststep_action", args=[step.pk, "remove"]))
    assert r.status_code == 302 and ChecklistStep.objects.filter(pk=step.pk).exists()


def test_the_last_step_of_an_active_checklist_stays(tree, sysadmin):
    template = svc.checklist_create(user=sysadmin, name="单项", gbv_types=["denial"], steps=["a"])
    with pytest.raises(ValidationError):
        svc.checklist_step_remove(user=sysadmin, step=template.steps.get())


def test_a_leader_reads_checklists_but_changes_nothing(tree, login):
    leader = user_with_role(tree.district_a, "leader", username="cl_leader")
    client = login(leader)
    assert client.get(reverse("protection:checklisttemplate_list")).status_code == 200
    step = shipped().steps.first()
    r = client.post(reverse("protection:checkliststep_action", args=[step.pk, "remove"]))
    assert r.status_code == 404
