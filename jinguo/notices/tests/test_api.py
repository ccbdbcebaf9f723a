"""/api/notices/: the inbox, signing and completing, the issuer's progress."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from jinguo.notices.choices import ReceiptState

from .factories import make_notice

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_inbox_lists_her_units_receipts_waiting_first(tree, community_chair):
    first = make_notice(tree.street_a, due_in=9)
    second = make_notice(tree.street_a, due_in=2)
    r = api(community_chair).get(reverse("receipt-list"))
    assert r.status_code == 200
    titles = [row["title"] for row in r.json()["results"]]
    assert titles == [second.title, first.title]


def test_acknowledge_and_complete(tree, community_chair):
    receipt = make_notice(tree.street_a).receipts.get(org=tree.community_a)
    client = api(community_chair)
    r = client.post(reverse("receipt-acknowledge", args=[receipt.pk]))
    assert r.status_code == 200 and r.json()["state"] == ReceiptState.ACKNOWLEDGED
    r = client.post(
        reverse("receipt-complete", args=[receipt.pk]),
        {"note": "已完成", "figures": [{"key": "覆盖人数", "value": 120}]},
        format="json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["state"] == ReceiptState.COMPLETED
    assert body["figures"] == [{"key": "覆盖人数", "value": 120.0}]
    # A second time is refused in words, not a 500.
    r = client.post(reverse("receipt-complete", args=[receipt.pk]), {"note": "再报"}, format="json")
    assert r.status_code == 400


def test_complete_refuses_bad_input(tree, community_chair):
    receipt = make_notice(tree.street_a).receipts.get(org=tree.community_a)
    url = reverse("receipt-complete", args=[receipt.pk])
    client = api(community_chair)
    assert client.post(url, {}, format="json").status_code == 400
    r = client.post(url, {"note": "好", "figures": [{"key": "x", "value": "abc"}]}, format="json")
    assert r.status_code == 400
    r = client.post(
        url,
        {"note": "好", "figures": [{"key": "x", "value": 1}, {"key": "x", "value": 2}]},
        format="json",
    )
    assert r.status_code == 400


def test_the_level_above_cannot_sign_for_a_unit(tree, street_officer):
    receipt = make_notice(tree.district_a).receipts.get(org=tree.street_a)
    from jinguo.testing.factories import user_with_role

    district = user_with_role(tree.district_a, "rights_officer")
    r = api(district).post(reverse("receipt-acknowledge", args=[receipt.pk]))
    assert r.status_code == 404
    assert (
        api(street_officer).post(reverse("receipt-acknowledge", args=[receipt.pk])).status_code
        == 200
    )


def test_issuer_sees_progress(tree, street_officer, community_chair):
    notice = make_notice(tree.street_a)
    api(community_chair).post(
        reverse("receipt-acknowledge", args=[notice.receipts.get(org=tree.community_a).pk])
    )
    r = api(street_officer).get(reverse("notice-detail", args=[notice.pk]))
    assert r.status_code == 200
    assert r.json()["progress"]["total"] == 2
    assert r.json()["progress"]["acknowledged"] == 1


def test_a_withdrawn_notice_is_not_signed(tree, street_officer, community_chair):
    from jinguo.notices import services

    notice = make_notice(tree.street_a)
    services.notice_withdraw(user=street_officer, notice=notice, reason="重发")
    receipt = notice.receipts.get(org=tree.community_a)
    r = api(community_chair).post(reverse("receipt-acknowledge", args=[receipt.pk]))
    assert r.status_code == 400
    assert (
        api(community_chair).get(reverse("receipt-detail", args=[receipt.pk])).json()["withdrawn"]
    )
