"""The public-opinion log: create, edit, close, reopen; linked cases only the visible ones."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from jinguo.cases.tests.factories import make_case
from jinguo.core.models import AuditEvent, Notification
from jinguo.protection.choices import OpinionStatus
from jinguo.protection.services import opinions as services
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


def values(**kw):
    base = {
        "source": "media",
        "occurred_on": timezone.localdate(),
        "title": "晚报报道某村妇女遭家暴",
        "summary": "报道称当地妇联介入不及时。",
        "level": "large",
        "handling": "",
        "units": [],
        "cases": [],
    }
    return {**base, **kw}


def test_create_edit_close_and_reopen_are_audited(tree, district_officer):
    opinion = services.opinion_create(user=district_officer, **values())
    assert opinion.org == tree.district_a and opinion.status == OpinionStatus.OPEN
    opinion = services.opinion_update(
        user=district_officer, opinion=opinion, **values(handling="已联系属地")
    )
    assert opinion.handling == "已联系属地"
    with pytest.raises(ValidationError) as exc:
        services.opinion_close(user=district_officer, opinion=opinion, note=" ")
    assert "closing_note" in exc.value.message_dict
    opinion = services.opinion_close(user=district_officer, opinion=opinion, note="已澄清")
    assert opinion.status == OpinionStatus.CLOSED and opinion.closed_at
    with pytest.raises(ValidationError):
        services.opinion_update(user=district_officer, opinion=opinion, **values())
    opinion = services.opinion_reopen(user=district_officer, opinion=opinion)
    assert opinion.status == OpinionStatus.OPEN and opinion.closed_at is None
    actions = list(
        AuditEvent.objects.filter(object_id=str(opinion.pk), object_type="protection.opinionitem")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update", "opinion_close", "update"]


def test_only_visible_cases_and_units_can_be_linked(tree, district_officer):
    mine = make_case(tree.community_a)
    theirs = make_case(tree.community_b)
    with pytest.raises(ValidationError) as exc:
        services.opinion_create(user=district_officer, **values(cases=[theirs.pk]))
    assert "cases" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.opinion_create(user=district_officer, **values(units=[tree.district_b.pk]))
    assert "units" in exc.value.message_dict
    opinion = services.opinion_create(
        user=district_officer, **values(cases=[mine.pk], units=[tree.community_a.pk])
    )
    assert list(opinion.cases.all()) == [mine]


def test_an_edit_keeps_links_to_cases_the_editor_cannot_see(tree, district_officer):
    city_officer = user_with_role(tree.city, "rights_officer")
    far = make_case(tree.community_b)
    opinion = services.opinion_create(user=city_officer, **values(cases=[far.pk]))
    # Move it into the district's sight: a colleague there edits it.
    opinion.org = tree.district_a
    opinion.save()
    services.opinion_update(user=district_officer, opinion=opinion, **values(handling="跟进"))
    assert list(opinion.cases.all()) == [far]


def test_the_detail_names_only_visible_cases(tree, district_officer, client):
    city_officer = user_with_role(tree.city, "rights_officer")
    near, far = make_case(tree.community_a), make_case(tree.community_b)
    opinion = services.opinion_create(user=city_officer, **values(cases=[near.pk, far.pk]))
    opinion.org = tree.district_a
    opinion.save()
    client.force_login(district_officer)
    r = client.get(reverse("protection:opinionitem_detail", args=[opinion.pk]))
    page = r.content.decode()
    assert near.number in page and far.number not in page
    assert r.context["hidden_cases"] == 1


def test_a_major_item_tells_the_unit_leaders(tree, district_officer, monkeypatch):
    from jinguo.core import notifications

    monkeypatch.setattr(notifications.transaction, "on_commit", lambda fn, *a, **k: fn())
    leader = user_with_role(tree.district_a, "leader")
    services.opinion_create(user=district_officer, **values(level="major"))
    assert Notification.objects.filter(recipient=leader, level="danger").exists()


def test_a_chair_may_not_log_opinions(tree, community_chair):
    with pytest.raises(PermissionDenied):
        services.opinion_create(user=community_chair, **values())


def test_pages_create_and_close(tree, district_officer, client):
    case = make_case(tree.community_a)
    client.force_login(district_officer)
    r = client.post(
        reverse("protection:opinionitem_create"),
        {
            "title": "网帖",
            "source": "online",
            "occurred_on": timezone.localdate().isoformat(),
            "level": "general",
            "summary": "帖子内容",
            "case_numbers": f"{case.number}, NOPE-1",
            "handling": "",
        },
    )
    assert r.status_code == 200 and "NOPE-1" in str(r.context["form"].errors)
    assert r.context["form"]["title"].value() == "网帖"
    r = client.post(
        reverse("protection:opinionitem_create"),
        {
            "title": "网帖",
            "source": "online",
            "occurred_on": timezone.localdate().isoformat(),
            "level": "general",
            "summary": "帖子内容",
            "case_numbers": case.number,
            "handling": "",
        },
    )
    assert r.status_code == 302
    from jinguo.protection.models import OpinionItem

    opinion = OpinionItem.objects.get()
    assert list(opinion.cases.all()) == [case]
    r = client.post(reverse("protection:opinionitem_close", args=[opinion.pk]), {"note": "已办结"})
    assert r.status_code == 302
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.CLOSED
    r = client.get(reverse("protection:opinionitem_list") + "?status=closed")
    assert opinion.pk in {row.pk for row in r.context["table"].data}
