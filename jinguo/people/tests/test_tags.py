"""Key-focus tags: adding, the one-active rule, reviews, ending, tag types, the review list."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from jinguo.people.models import FocusTagType, PersonTag
from jinguo.people.selectors.tags import review_counts
from jinguo.people.services import tags
from jinguo.people.tests.factories import PersonFactory
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


def tag_type(code="left_behind_woman"):
    return FocusTagType.objects.get(code=code)


@pytest.fixture
def grid_worker(tree):
    return user_with_role(tree.grid_a, "grid_worker", username="grid_fangcao", real_name="吴网")


def test_add_computes_next_review_from_the_type(tree, community_chair):
    person = PersonFactory(org=tree.community_a)
    since = timezone.localdate() - timedelta(days=400)
    tag = tags.tag_add(user=community_chair, person=person, tag_type=tag_type(), since=since)
    assert tag.review_days == 90
    assert tag.next_review_on == timezone.localdate() + timedelta(days=90)
    assert tag.org == person.org and tag.org_path == person.org_path


def test_one_active_tag_per_type(tree, community_chair):
    person = PersonFactory(org=tree.community_a)
    first = tags.tag_add(user=community_chair, person=person, tag_type=tag_type())
    with pytest.raises(ValidationError) as exc:
        tags.tag_add(user=community_chair, person=person, tag_type=tag_type())
    assert "已有一个有效的“留守妇女”标签" in str(exc.value)
    # The database constraint is the last word (two workers at the same moment).
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonTag.objects.create(
            person=person,
            org=person.org,
            tag_type=tag_type(),
            review_days=90,
            next_review_on=timezone.localdate(),
        )
    tags.tag_end(user=community_chair, tag=first, reason="丈夫已返乡")
    again = tags.tag_add(user=community_chair, person=person, tag_type=tag_type())
    assert again.pk != first.pk


def test_duplicate_through_the_form_shows_a_chinese_error(client, tree, community_chair):
    person = PersonFactory(org=tree.community_a)
    tags.tag_add(user=community_chair, person=person, tag_type=tag_type())
    client.force_login(community_chair)
    data = {
        "person": person.pk,
        "tag_type": tag_type().pk,
        "since": timezone.localdate(),
        "reason": "再次登记",
    }
    r = client.post(reverse("people:tag_create"), data)
    assert r.status_code == 200
    assert "已有一个有效的“留守妇女”标签" in r.content.decode()
    assert 'value="再次登记"' in r.content.decode()  # what was typed stays


@pytest.fixture
def officer(tree):
    """A rights officer of 和平区 (holds view_sensitive)."""
    return user_with_role(tree.district_a, "rights_officer", real_name="区维权干部")


def test_review_moves_the_next_review(tree, officer):
    person = PersonFactory(org=tree.community_a)
    since = timezone.localdate() - timedelta(days=10)
    tag = tags.tag_add(user=officer, person=person, tag_type=tag_type("dv_victim"), since=since)
    reviewed = timezone.localdate() - timedelta(days=1)
    tag = tags.tag_review(user=officer, tag=tag, reviewed_on=reviewed, note="情况稳定")
    assert tag.last_reviewed_on == reviewed
    assert tag.next_review_on == reviewed + timedelta(days=7)


def test_responsible_grid_worker_may_review_but_not_end(client, tree, community_chair, grid_worker):
    person = PersonFactory(org=tree.community_a)
    tag = tags.tag_add(
        user=community_chair, person=person, tag_type=tag_type(), responsible=grid_worker
    )
    client.force_login(grid_worker)
    r = client.post(
        reverse("people:tag_review", args=[tag.pk]), {"reviewed_on": timezone.localdate()}
    )
    assert r.status_code == 302
    tag.refresh_from_db()
    assert tag.last_reviewed_on == timezone.localdate()
    assert client.get(reverse("people:tag_end", args=[tag.pk])).status_code == 404


def test_end_needs_a_reason_and_lifts_sensitivity(tree, officer, community_chair):
    person = PersonFactory(org=tree.community_a)
    tag = tags.tag_add(user=officer, person=person, tag_type=tag_type("dv_victim"))
    person.refresh_from_db()
    assert person.is_sensitive
    # The community chair holds no view_sensitive: the tag is now out of her reach.
    with pytest.raises(ValidationError):
        tags.tag_end(user=community_chair, tag=tag, reason="已解除")
    with pytest.raises(ValidationError) as exc:
        tags.tag_end(user=officer, tag=tag, reason="")
    assert "请填写解除原因" in str(exc.value)
    tags.tag_end(user=officer, tag=tag, reason="已离婚并搬离，风险解除")
    person.refresh_from_db()
    assert not person.is_sensitive


def test_responsible_out_of_scope_is_refused(tree, community_chair):
    stranger = user_with_role(tree.community_b, "grid_worker")
    person = PersonFactory(org=tree.community_a)
    with pytest.raises(ValidationError) as exc:
        tags.tag_add(user=community_chair, person=person, tag_type=tag_type(), responsible=stranger)
    assert "责任人不存在" in str(exc.value)


def test_review_list_mine_and_unit_with_counts(client, tree, community_chair, grid_worker):
    today = timezone.localdate()
    officer = user_with_role(tree.street_a, "rights_officer", real_name="街道干部")

    def make(name, unit, next_review, responsible):
        tag = tags.tag_add(
            user=officer,
            person=PersonFactory(org=unit, name=name),
            tag_type=tag_type(),
            responsible=responsible,
        )
        PersonTag.objects.filter(pk=tag.pk).update(next_review_on=next_review)
        return tag

    make("逾期甲", tree.community_a, today - timedelta(days=3), grid_worker)
    make("将到乙", tree.community_a, today + timedelta(days=10), grid_worker)
    make("远期丙", tree.community_a, today + timedelta(days=40), grid_worker)
    make("别人丁", tree.community_a2, today - timedelta(days=1), None)
    ended = make("解除戊", tree.community_a, today - timedelta(days=5), grid_worker)
    tags.tag_end(user=officer, tag=ended, reason="已解除")

    counts = review_counts(grid_worker)
    # Her unit is a grid below 芳草社区: the community's tags are not in her subtree.
    assert counts == {"mine_overdue": 1, "mine_due": 1, "unit_overdue": 0, "unit_due": 0}
    client.force_login(grid_worker)
    html = client.get(reverse("people:review_list")).content.decode()
    assert html.index("逾期甲") < html.index("将到乙")
    assert "远期丙" not in html and "别人丁" not in html and "解除戊" not in html
    assert "逾期 3 天" in html

    client.force_login(officer)
    html = client.get(reverse("people:review_list_unit")).content.decode()
    assert all(name in html for name in ("逾期甲", "将到乙", "别人丁"))
    assert review_counts(officer)["unit_overdue"] == 2
    r = client.get(reverse("people:review_list_unit"), {"due": "overdue"})
    assert "将到乙" not in r.content.decode() and "别人丁" in r.content.decode()


def test_tag_types_are_data(client, tree):
    admin = user_with_role(tree.city, "sysadmin")
    created = tags.tagtype_create(user=admin, code="war_widow", name="烈属妇女", review_days=180)
    assert not created.is_builtin
    with pytest.raises(ValidationError) as exc:
        tags.tagtype_create(user=admin, code="war_widow", name="另一个", review_days=30)
    assert "已被使用" in str(exc.value)
    dv = tag_type("dv_victim")
    with pytest.raises(ValidationError) as exc:
        tags.tagtype_update(user=admin, tag_type=dv, name=dv.name, review_days=14, sensitive=False)
    assert "不能取消敏感标记" in str(exc.value)
    client.force_login(admin)
    assert client.get(reverse("people:tagtype_list")).status_code == 200
    r = client.post(reverse("people:tagtype_deactivate", args=[created.pk]))
    assert r.status_code == 302
    created.refresh_from_db()
    assert not created.is_active
    with pytest.raises(ValidationError) as exc:
        tags.tagtype_delete(user=None, tag_type=dv)
    assert "系统内置" in str(exc.value)


def test_making_a_type_sensitive_hides_its_holders(tree, community_chair):
    admin = user_with_role(tree.city, "sysadmin")
    person = PersonFactory(org=tree.community_a)
    tags.tag_add(user=community_chair, person=person, tag_type=tag_type("poor_mother"))
    t = tag_type("poor_mother")
    tags.tagtype_update(
        user=admin, tag_type=t, name=t.name, review_days=t.review_days, sensitive=True
    )
    person.refresh_from_db()
    assert person.is_sensitive
