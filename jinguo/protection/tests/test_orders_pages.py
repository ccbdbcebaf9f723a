"""The pages, panels, sections and API of the orders concern, as a worker, her leader and a
committee use them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from jinguo.cases.tests.factories import make_case
from jinguo.core import registry
from jinguo.people.tests.factories import PersonFactory
from jinguo.protection.choices import OrderStatus
from jinguo.protection.models import OrderBreach, ProtectionOrder
from jinguo.protection.tests.factories_orders import (
    assess,
    court,
    make_order,
    make_warning,
    police,
)
from jinguo.protection.views.orders.protection_orders import offered_steps
from jinguo.testing.factories import user_with_role


@pytest.fixture
def officer(tree):
    return user_with_role(tree.district_a, "rights_officer", real_name="陈维")


@pytest.fixture
def leader(tree):
    return user_with_role(tree.district_a, "leader")


def overdue(tree, hours):
    accepted = timezone.now() - datetime.timedelta(hours=72 + hours)
    return make_order(
        tree.community_a, status=OrderStatus.ACCEPTED, accepted_at=accepted,
        decision_due_at=accepted + datetime.timedelta(hours=72),
    )  # fmt: skip


def panel(user, key):
    return dict((p.key, ctx) for p, ctx in registry.panels_for(user)).get(key)


def test_overdue_decisions_show_to_worker_and_leader_most_overdue_first(
    officer, leader, other_district_officer, tree
):
    a, b = overdue(tree, 2), overdue(tree, 30)
    make_order(tree.community_a, status=OrderStatus.ACCEPTED,
               decision_due_at=timezone.now() + datetime.timedelta(hours=5))  # fmt: skip
    for user in (officer, leader):
        ctx = panel(user, "protection.orders_overdue")
        assert ctx["count"] == 2
        assert [row["order"].pk for row in ctx["rows"]] == [b.pk, a.pk]
        assert ctx["rows"][0]["hours"] == 30
    assert panel(other_district_officer, "protection.orders_overdue") is None


def test_the_overdue_count_is_one_click_from_its_list(officer, tree, client):
    order = overdue(tree, 3)
    make_order(tree.community_a, status=OrderStatus.GRANTED)
    client.force_login(officer)
    home = client.get("/").content.decode()
    assert "保护令裁定超期" in home
    url = panel(officer, "protection.orders_overdue")["url"]
    r = client.get(url)
    assert [o.pk for o in r.context["table"].data] == [order.pk]
    detail = client.get(order.get_absolute_url()).content.decode()
    assert 'data-testid="order-overdue"' in detail


def test_expiring_orders_panel_lists_only_continuing_risk(officer, tree):
    today = timezone.localdate()
    risky = make_order(tree.community_a, status="granted", effective_from=today,
                       effective_until=today + datetime.timedelta(days=10))  # fmt: skip
    calm = make_order(tree.community_a, status="granted", effective_from=today,
                      effective_until=today + datetime.timedelta(days=7))  # fmt: skip
    assess(risky.person, "high")
    assess(calm.person, "standard")
    ctx = panel(officer, "protection.orders_expiring")
    assert [row["order"].pk for row in ctx["rows"]] == [risky.pk]
    assert ctx["rows"][0]["days"] == 10


def test_the_committee_sees_its_visits_on_its_home_page(community_chair, tree, client):
    from jinguo.protection.services.orders import warnings

    officer = user_with_role(tree.district_a, "rights_officer")
    warning = warnings.warning_create(
        user=officer, person=PersonFactory(org=tree.community_a),
        police_station=police(tree.street_a),
        issued_on=timezone.localdate() - datetime.timedelta(days=27),
        facts="推搡", prohibition="禁止殴打", abuser_description="丈夫",
    )  # fmt: skip
    ctx = panel(community_chair, "protection.warning_visits")
    assert ctx["count"] == 1 and ctx["rows"][0].warning_id == warning.pk
    client.force_login(community_chair)
    r = client.get(reverse("protection:warningvisit_record", args=[ctx["rows"][0].pk]))
    assert r.status_code == 200
    r = client.post(
        reverse("protection:warningvisit_record", args=[ctx["rows"][0].pk]),
        {"done_at": "", "reached": "1", "finding": "当事人安全"},
    )
    assert r.status_code == 200 and "当事人安全" in r.content.decode()  # kept on error
    assert client.get(warning.get_absolute_url()).status_code == 200


def test_person_and_case_pages_show_her_warnings_and_orders(officer, tree, client):
    person = PersonFactory(org=tree.community_a)
    case = make_case(tree.community_a, category="family-violence", complainant=person)
    make_warning(tree.community_a, person=person, case=case)
    make_order(tree.community_a, person=person, case=case, status="granted")
    client.force_login(officer)
    page = client.get(person.get_absolute_url()).content.decode()
    assert 'data-testid="protection-orders-section"' in page
    assert "打印证据材料" in page and page.count("告诫书") >= 1
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'data-testid="protection-orders-section"' in page


def test_sections_of_another_branch_show_nothing_of_ours(officer, other_district_officer, tree):
    person_b = PersonFactory(org=tree.community_b)
    case_b = make_case(tree.community_b, category="family-violence", complainant=person_b)
    before = registry.sections_for(other_district_officer, person_b)
    before_case = registry.sections_for(other_district_officer, case_b)
    # Branch A keeps records about B's person and case.
    make_warning(tree.community_a, person=person_b, case=case_b)
    make_order(tree.community_a, person=person_b, case=case_b, status="granted")
    after = registry.sections_for(other_district_officer, person_b)
    after_case = registry.sections_for(other_district_officer, case_b)

    def ours(sections):
        return [ctx for s, ctx in sections if s.key.startswith("protection.")]

    assert ours(before) == ours(after) and ours(before_case) == ours(after_case)
    # The control: branch A's officer does see them on the same page, so the check can fail.
    mine = [c for c in ours(registry.sections_for(officer, person_b)) if "orders_section" in c]
    assert mine[0]["orders_section"]["warnings"] and mine[0]["orders_section"]["orders"]


def test_a_rule_beyond_six_months_keeps_what_was_typed(officer, tree, client):
    order = make_order(tree.community_a, status=OrderStatus.ACCEPTED)
    client.force_login(officer)
    start = timezone.localdate()
    r = client.post(
        reverse("protection:protectionorder_step", args=[order.pk, "rule"]),
        {
            "outcome": "granted",
            "ruled_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "ban_violence": "on",
            "other_measures": "禁止到单位纠缠",
            "effective_from": start.isoformat(),
            "effective_until": (start + datetime.timedelta(days=200)).isoformat(),
        },
    )
    html = r.content.decode()
    assert r.status_code == 200 and "不超过六个月" in html and "禁止到单位纠缠" in html
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED


def test_the_list_filters_by_phase(officer, tree, client):
    late = overdue(tree, 1)
    granted = make_order(tree.community_a, status="granted")
    client.force_login(officer)
    url = reverse("protection:protectionorder_list")
    assert {o.pk for o in client.get(url + "?phase=overdue").context["table"].data} == {late.pk}
    assert {o.pk for o in client.get(url + "?phase=in_force").context["table"].data} == {granted.pk}
    assert client.get(url + "?phase=nonsense").status_code == 200


# --- the API ----------------------------------------------------------------------------------


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_accept_sets_the_decision_due_time(officer, tree):
    order = make_order(tree.community_a, status=OrderStatus.APPLIED)
    accepted_at = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=1)
    r = api(officer).post(
        reverse("protectionorder-accept", args=[order.pk]),
        {"accepted_at": accepted_at.isoformat(), "urgent": True, "court": court(tree.street_a).pk},
        format="json",
    )
    assert r.status_code == 200, r.content
    order.refresh_from_db()
    assert order.decision_due_at == accepted_at + datetime.timedelta(hours=24)
    assert r.json()["status"] == "accepted"


def test_api_rule_beyond_six_months_is_a_400_in_chinese(officer, tree):
    order = make_order(tree.community_a, status=OrderStatus.ACCEPTED)
    start = timezone.localdate()
    r = api(officer).post(
        reverse("protectionorder-rule", args=[order.pk]),
        {
            "outcome": "granted",
            "ruled_at": timezone.now().isoformat(),
            "ban_violence": True,
            "effective_from": start.isoformat(),
            "effective_until": (start + datetime.timedelta(days=190)).isoformat(),
        },
        format="json",
    )
    assert r.status_code == 400
    assert "六个月" in r.json()["effective_until"][0]


def test_api_records_a_breach_and_lists_it_without_the_narrative(officer, tree):
    order = make_order(tree.community_a, status=OrderStatus.GRANTED)
    client = api(officer)
    r = client.post(
        reverse("orderbreach-list"),
        {"order": order.pk, "occurred_at": timezone.now().isoformat(), "description": "上门威胁"},
        format="json",
    )
    assert r.status_code == 201, r.content
    assert OrderBreach.objects.get().description == "上门威胁"
    listed = client.get(reverse("orderbreach-list")).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert rows and "description" not in rows[0]
    detail = client.get(reverse("orderbreach-detail", args=[rows[0]["id"]])).json()
    assert detail["description"] == "上门威胁"


def test_api_detail_of_an_order_carries_its_timeline(officer, tree):
    order = make_order(tree.community_a, status=OrderStatus.GRANTED)
    api(officer).post(
        reverse("protectionorder-revoke", args=[order.pk]), {"note": "当事人申请"}, format="json"
    )
    body = api(officer).get(reverse("protectionorder-detail", args=[order.pk])).json()
    assert body["status"] == "revoked" and body["events"][-1]["kind"] == "revocation"
    assert ProtectionOrder.objects.get().status == "revoked"


def test_every_page_answers_the_worker(officer, tree, client):
    from jinguo.protection.tests.factories_orders import make_breach, make_bundle, make_injury

    warning = make_warning(tree.community_a)
    orders = {s: make_order(tree.community_a, status=s) for s in OrderStatus.values}
    breach = make_breach(tree.community_a)
    injury = make_injury(tree.community_a)
    bundle = make_bundle(tree.community_a)
    client.force_login(officer)
    urls = [
        reverse(f"protection:{name}_list")
        for name in (
            "policewarning", "warningvisit", "protectionorder", "orderbreach", "injuryrecord",
            "evidencebundle",
        )
    ] + [
        warning.get_absolute_url(),
        warning.visits.first().get_absolute_url(),
        reverse("protection:warningvisit_record", args=[warning.visits.first().pk]),
        reverse("protection:policewarning_update", args=[warning.pk]),
        reverse("protection:policewarning_create") + f"?person={warning.person_id}",
        reverse("protection:protectionorder_create") + f"?person={warning.person_id}",
        reverse("protection:injuryrecord_create") + f"?person={warning.person_id}",
        reverse("protection:evidencebundle_print", args=[warning.person_id]),
        breach.get_absolute_url(),
        reverse("protection:orderbreach_update", args=[breach.pk]),
        reverse("protection:orderbreach_create", args=[orders["granted"].pk]),
        injury.get_absolute_url(),
        bundle.get_absolute_url(),
        "/",
    ]  # fmt: skip
    for order in orders.values():
        urls.append(order.get_absolute_url())
        urls += [
            reverse("protection:protectionorder_step", args=[order.pk, step["name"]])
            for step in offered_steps(officer, order)
        ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert (
        client.get(reverse("protection:protectionorder_step", args=[1, "nope"])).status_code == 404
    )
    for phase in ("overdue", "expiring", "in_force", "pending"):
        url = reverse("protection:protectionorder_list") + f"?phase={phase}&export=xlsx"
        assert client.get(url).status_code == 200
