"""Configuration pages: the category tree and deadline policies, for the system administrator."""

import pytest
from django.urls import reverse

from jinguo.cases.models import Category, DeadlinePolicy
from jinguo.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def policy_data(**kw):
    data = {
        "name": "家暴紧急个案",
        "category": "",
        "urgency": "",
        "decide_amount": 24,
        "decide_unit": "hours",
        "finish_amount": 15,
        "finish_unit": "days",
        "max_extension_days": 10,
        "follow_up_amount": 7,
        "follow_up_unit": "working_days",
        "referral_amount": 2,
        "referral_unit": "working_days",
        "warn_hours": 12,
        "is_active": "on",
    }
    data.update(kw)
    return data


@pytest.mark.parametrize(
    "url",
    ["cases:category_list", "cases:category_create", "cases:policy_list", "cases:policy_create"],
)
def test_config_pages_need_the_sysadmin_permission(login, district_officer, sysadmin, url):
    assert login(district_officer).get(reverse(url)).status_code == 404
    assert login(sysadmin).get(reverse(url)).status_code == 200


def test_category_tree_lists_children_under_parents(login, sysadmin):
    page = login(sysadmin).get(reverse("cases:category_list")).content.decode()
    assert page.index("婚姻家庭权益") < page.index("家庭暴力") < page.index("儿童权益")
    assert "内置" in page


def test_create_a_subcategory_with_audit(login, sysadmin):
    family = Category.objects.get(code="family")
    r = login(sysadmin).post(
        reverse("cases:category_create"),
        {"name": "彩礼纠纷", "parent": family.pk, "sort": 90, "is_active": "on"},
    )
    assert r.status_code == 302
    created = Category.objects.get(name="彩礼纠纷")
    assert created.parent == family and created.code.startswith("family-")
    assert AuditEvent.objects.filter(
        action="create", object_type="cases.category", object_id=str(created.pk)
    ).exists()


def test_a_third_level_is_refused_in_chinese(login, sysadmin):
    violence = Category.objects.get(code="family-violence")
    r = login(sysadmin).post(
        reverse("cases:category_create"),
        {"name": "精神暴力", "parent": violence.pk, "sort": 100, "is_active": "on"},
    )
    assert r.status_code == 200
    page = r.content.decode()
    assert "有效的选项" in page and "精神暴力" in page
    assert not Category.objects.filter(name="精神暴力").exists()


def test_duplicate_name_under_the_same_parent_is_refused(login, sysadmin):
    family = Category.objects.get(code="family")
    r = login(sysadmin).post(
        reverse("cases:category_create"),
        {"name": "离婚", "parent": family.pk, "sort": 100, "is_active": "on"},
    )
    assert r.status_code == 200 and "已有名为“离婚”的类别" in r.content.decode()


def test_shipped_category_may_be_deactivated(login, sysadmin):
    consult = Category.objects.get(code="consultation")
    r = login(sysadmin).post(
        reverse("cases:category_update", args=[consult.pk]),
        {"name": consult.name, "sort": consult.sort},
    )
    assert r.status_code == 302
    consult.refresh_from_db()
    assert consult.is_active is False and consult.is_builtin
    assert AuditEvent.objects.filter(action="update", object_id=str(consult.pk)).exists()


def test_violence_category_is_always_sensitive(login, sysadmin):
    personal = Category.objects.get(code="personal")
    login(sysadmin).post(
        reverse("cases:category_create"),
        {"name": "跟踪骚扰", "parent": personal.pk, "sort": 100, "is_violence": "on"},
    )
    assert Category.objects.get(name="跟踪骚扰").sensitive is True


def test_policy_list_and_create(login, sysadmin):
    client = login(sysadmin)
    page = client.get(reverse("cases:policy_list")).content.decode()
    assert DeadlinePolicy.objects.first().name in page
    violence = Category.objects.get(code="family-violence")
    # A shipped policy may already cover violence + urgent; use a combination nobody has.
    DeadlinePolicy.objects.filter(category=violence, urgency="priority").delete()
    r = client.post(
        reverse("cases:policy_create"), policy_data(category=violence.pk, urgency="priority")
    )
    assert r.status_code == 302
    policy = DeadlinePolicy.objects.get(name="家暴紧急个案")
    assert policy.decide_unit == "hours" and policy.decide_amount == 24
    assert AuditEvent.objects.filter(action="create", object_type="cases.deadlinepolicy").exists()


def test_policy_validation_in_chinese_keeps_values(login, sysadmin):
    r = login(sysadmin).post(
        reverse("cases:policy_create"),
        policy_data(name="错误规则", urgency="normal", finish_amount=0, decide_amount=900),
    )
    assert r.status_code == 200
    page = r.content.decode()
    assert "不能小于 1" in page and "错误规则" in page
    assert not DeadlinePolicy.objects.filter(name="错误规则").exists()


def test_policy_amount_over_the_limit_is_refused(login, sysadmin):
    r = login(sysadmin).post(
        reverse("cases:policy_create"),
        policy_data(name="过长规则", urgency="normal", finish_amount=900),
    )
    assert r.status_code == 200 and "办结期限不能超过 366 自然日" in r.content.decode()


def test_two_active_policies_for_the_same_case_are_refused(login, sysadmin):
    existing = DeadlinePolicy.objects.filter(is_active=True).first()
    r = login(sysadmin).post(
        reverse("cases:policy_create"),
        policy_data(
            name="重复规则",
            category=existing.category_id or "",
            urgency=existing.urgency,
        ),
    )
    assert r.status_code == 200 and existing.name in r.content.decode()


def test_edit_a_shipped_policy(login, sysadmin):
    policy = DeadlinePolicy.objects.filter(is_builtin=True, category__isnull=False).first()
    client = login(sysadmin)
    page = client.get(reverse("cases:policy_update", args=[policy.pk])).content.decode()
    assert policy.name in page
    data = policy_data(
        name=policy.name,
        category=policy.category_id,
        urgency=policy.urgency,
        warn_hours=48,
    )
    r = client.post(reverse("cases:policy_update", args=[policy.pk]), data)
    assert r.status_code == 302
    policy.refresh_from_db()
    assert policy.warn_hours == 48 and policy.decide_unit == "hours"


def test_service_refuses_a_third_level_and_non_admins(sysadmin, district_officer):
    from django.core.exceptions import PermissionDenied, ValidationError

    from jinguo.cases.services.config import category_create

    violence = Category.objects.get(code="family-violence")
    with pytest.raises(ValidationError, match="只有两级"):
        category_create(user=sysadmin, name="精神暴力", parent=violence)
    with pytest.raises(PermissionDenied):
        category_create(user=district_officer, name="新类别")
