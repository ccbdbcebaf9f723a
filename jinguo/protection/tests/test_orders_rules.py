"""The legal clocks and the state machine of protection orders (反家庭暴力法 arts. 28–30)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jinguo.core.models import AuditEvent
from jinguo.protection.choices import OrderChange, OrderStatus
from jinguo.protection.services.orders import protection_orders as svc
from jinguo.protection.services.orders.common import add_months, ruling_max_until
from jinguo.protection.tests.factories_orders import court, make_order
from jinguo.testing.factories import UserFactory, user_with_role

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def officer(tree):
    return user_with_role(tree.district_a, "rights_officer")


def accepted(officer, tree, accepted_at, urgent):
    order = make_order(tree.community_a)
    return svc.order_accept(
        user=officer,
        order=order,
        accepted_at=accepted_at,
        urgent=urgent,
        court=court(tree.district_a),
    )


# --- 24 h / 72 h on the calendar clock -------------------------------------------------------


def test_normal_decision_is_due_72_hours_after_acceptance_over_a_weekend(officer, tree):
    friday = at(2026, 9, 25, 18, 0)  # a Friday evening
    order = accepted(officer, tree, friday, urgent=False)
    assert order.decision_due_at == at(2026, 9, 28, 18, 0)  # Monday, not a working-day count
    assert order.decision_due_at == friday + datetime.timedelta(hours=72)


def test_urgent_decision_is_due_24_hours_after_acceptance_over_a_weekend(officer, tree):
    friday = at(2026, 9, 25, 18, 0)
    order = accepted(officer, tree, friday, urgent=True)
    assert order.decision_due_at == at(2026, 9, 26, 18, 0)  # Saturday
    assert order.decision_due_at == friday + datetime.timedelta(hours=24)


def test_a_public_holiday_does_not_stop_the_clock(officer, tree):
    # 30 September 2026: the National Day holiday starts the next morning.
    eve = at(2026, 9, 30, 10, 0)
    normal = accepted(officer, tree, eve, urgent=False)
    urgent = accepted(officer, tree, eve, urgent=True)
    assert normal.decision_due_at == at(2026, 10, 3, 10, 0) == eve + datetime.timedelta(hours=72)
    assert urgent.decision_due_at == at(2026, 10, 1, 10, 0) == eve + datetime.timedelta(hours=24)


def test_decision_due_is_plain_hours_whatever_the_day():
    for day in range(1, 32):
        start = at(2026, 10, 1, 9, 30) + datetime.timedelta(days=day)
        assert svc.decision_due(start, False) - start == datetime.timedelta(hours=72)
        assert svc.decision_due(start, True) - start == datetime.timedelta(hours=24)


# --- the six-month cap ------------------------------------------------------------------------


def ruled(officer, tree, start, until, outcome=OrderStatus.GRANTED):
    order = make_order(tree.community_a, status=OrderStatus.ACCEPTED)
    return svc.order_rule(
        user=officer,
        order=order,
        outcome=outcome,
        ruled_at=timezone.now(),
        ban_violence=True,
        effective_from=start,
        effective_until=until,
    )


def test_six_months_both_ends_counted_is_allowed(officer, tree):
    start = timezone.localdate()
    order = ruled(officer, tree, start, ruling_max_until(start))
    assert order.status == OrderStatus.GRANTED
    assert order.effective_until == add_months(start, 6) - datetime.timedelta(days=1)


def test_a_ruling_beyond_six_months_is_refused_in_chinese(officer, tree):
    start = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        ruled(officer, tree, start, add_months(start, 6))
    assert "不超过六个月" in exc.value.message_dict["effective_until"][0]


def test_the_cap_on_month_ends():
    assert ruling_max_until(datetime.date(2026, 1, 1)) == datetime.date(2026, 6, 30)
    assert ruling_max_until(datetime.date(2026, 8, 31)) == datetime.date(2027, 2, 27)
    assert ruling_max_until(datetime.date(2027, 9, 1)) == datetime.date(2028, 2, 29)


def test_a_granted_order_needs_a_measure(officer, tree):
    order = make_order(tree.community_a, status=OrderStatus.ACCEPTED)
    start = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        svc.order_rule(
            user=officer,
            order=order,
            outcome=OrderStatus.GRANTED,
            ruled_at=timezone.now(),
            effective_from=start,
            effective_until=start + datetime.timedelta(days=90),
        )
    assert "ban_violence" in exc.value.message_dict


def test_a_refusal_carries_no_measures_or_period(officer, tree):
    order = make_order(tree.community_a, status=OrderStatus.ACCEPTED)
    order = svc.order_rule(
        user=officer, order=order, outcome=OrderStatus.REFUSED, ruled_at=timezone.now(),
        ban_violence=True,
    )  # fmt: skip
    assert order.status == OrderStatus.REFUSED
    assert not order.ban_violence and order.effective_until is None


# --- extensions: a new ruling of at most six more months ---------------------------------------


def test_an_extension_runs_the_total_past_six_months(officer, tree):
    start = timezone.localdate() - datetime.timedelta(days=170)
    order = make_order(
        tree.community_a, status=OrderStatus.GRANTED, effective_from=start,
        effective_until=ruling_max_until(start),
    )  # fmt: skip
    old = order.effective_until
    new_until = ruling_max_until(old + datetime.timedelta(days=1))
    order = svc.order_extend(user=officer, order=order, new_until=new_until, note="仍有危险")
    assert order.effective_until == new_until
    assert (order.effective_until - order.effective_from).days > 183
    event = order.events.get(kind=OrderChange.EXTENSION)
    assert (event.old_until, event.new_until) == (old, new_until)


def test_an_extension_beyond_six_more_months_is_refused(officer, tree):
    order = make_order(tree.community_a, status=OrderStatus.GRANTED)
    too_far = add_months(order.effective_until + datetime.timedelta(days=1), 6)
    with pytest.raises(ValidationError) as exc:
        svc.order_extend(user=officer, order=order, new_until=too_far)
    assert "六个月" in exc.value.message_dict["new_until"][0]


def test_an_order_cannot_be_extended_after_it_ended(officer, tree):
    start = timezone.localdate() - datetime.timedelta(days=100)
    order = make_order(
        tree.community_a, status=OrderStatus.GRANTED, effective_from=start,
        effective_until=start + datetime.timedelta(days=90),
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        svc.order_extend(
            user=officer, order=order, new_until=timezone.localdate() + datetime.timedelta(days=30)
        )
    assert "at" in exc.value.message_dict


def test_a_variation_cannot_lengthen_the_order(officer, tree):
    order = make_order(tree.community_a, status=OrderStatus.GRANTED)
    with pytest.raises(ValidationError) as exc:
        svc.order_vary(
            user=officer, order=order, note="增加迁出",
            effective_until=order.effective_until + datetime.timedelta(days=1),
        )  # fmt: skip
    assert "effective_until" in exc.value.message_dict
    order = svc.order_vary(user=officer, order=order, note="责令迁出", move_out=True)
    assert order.move_out and order.ban_violence


# --- reconsideration within 5 days ------------------------------------------------------------


def test_reconsideration_within_five_days_of_the_ruling(officer, tree):
    ruled_at = timezone.now() - datetime.timedelta(days=6)
    order = make_order(tree.community_a, status=OrderStatus.GRANTED, ruled_at=ruled_at)
    inside = ruled_at + datetime.timedelta(days=5) - datetime.timedelta(minutes=1)
    order = svc.order_reconsider(user=officer, order=order, note="被申请人申请复议", at=inside)
    assert order.events.filter(kind=OrderChange.RECONSIDERATION).count() == 1


def test_reconsideration_after_five_days_is_refused(officer, tree):
    ruled_at = timezone.now() - datetime.timedelta(days=6)
    order = make_order(tree.community_a, status=OrderStatus.REFUSED, ruled_at=ruled_at)
    late = ruled_at + datetime.timedelta(days=5, minutes=1)
    with pytest.raises(ValidationError) as exc:
        svc.order_reconsider(user=officer, order=order, note="申请复议", at=late)
    assert "5 日内" in exc.value.message_dict["at"][0]
    with pytest.raises(ValidationError):
        svc.order_reconsider(user=officer, order=order, note="申请复议")  # now: day 6


def test_reconsideration_is_asked_once(officer, tree):
    order = make_order(tree.community_a, status=OrderStatus.GRANTED)
    svc.order_reconsider(user=officer, order=order, note="第一次")
    with pytest.raises(ValidationError) as exc:
        svc.order_reconsider(user=officer, order=order, note="第二次")
    assert "只能申请一次" in exc.value.message_dict["at"][0]


# --- the state machine ------------------------------------------------------------------------


def test_the_whole_way_from_application_to_revocation(officer, tree):
    from jinguo.people.tests.factories import PersonFactory

    person = PersonFactory(org=tree.community_a)
    order = svc.order_create(
        user=officer, person=person, applicant_kind="federation", applicant_name="和平区妇联",
        respondent_description="丈夫", help_drafting=True,
    )  # fmt: skip
    assert order.status == OrderStatus.PREPARING and order.org == tree.community_a
    now = timezone.now()
    order = svc.order_apply(
        user=officer, order=order, applied_at=now - datetime.timedelta(hours=3),
        court=court(tree.district_a),
    )  # fmt: skip
    order = svc.order_accept(
        user=officer, order=order, accepted_at=now - datetime.timedelta(hours=2), urgent=True
    )
    assert order.status == OrderStatus.ACCEPTED
    order = svc.order_rule(
        user=officer, order=order, outcome=OrderStatus.PARTLY, ruled_at=now,
        ban_contact=True, effective_from=timezone.localdate(),
        effective_until=timezone.localdate() + datetime.timedelta(days=120),
    )  # fmt: skip
    order = svc.order_revoke(user=officer, order=order, note="申请人申请撤销")
    assert order.status == OrderStatus.REVOKED
    kinds = list(order.events.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["created", "applied", "accepted", "ruled", "revocation"]
    actions = set(
        AuditEvent.objects.filter(
            object_type="protection.protectionorder", object_id=str(order.pk)
        ).values_list("action", flat=True)
    )
    assert {"create", "order_apply", "order_accept", "order_rule", "order_revoke"} <= actions


@pytest.mark.parametrize(
    ("status", "step", "kwargs"),
    [
        ("preparing", svc.order_rule, {"outcome": "refused", "ruled_at": None}),
        ("granted", svc.order_accept, {"accepted_at": None, "urgent": False}),
        ("refused", svc.order_extend, {"new_until": datetime.date(2030, 1, 1)}),
        ("granted", svc.order_withdraw, {"note": "撤回"}),
        ("revoked", svc.order_revoke, {"note": "再撤销"}),
        ("expired", svc.order_vary, {"note": "变更"}),
    ],
)
def test_a_step_out_of_turn_is_refused(officer, tree, status, step, kwargs):
    order = make_order(tree.community_a, status=status)
    kwargs = {k: (timezone.now() if v is None else v) for k, v in kwargs.items()}
    with pytest.raises(ValidationError) as exc:
        step(user=officer, order=order, **kwargs)
    assert exc.value.code == "state" or "当前状态" in str(exc.value)
    order.refresh_from_db()
    assert order.status == status


def test_a_withdrawn_application_stays_withdrawn(officer, tree):
    order = make_order(tree.community_a, status=OrderStatus.APPLIED)
    order = svc.order_withdraw(user=officer, order=order, note="当事人决定撤回")
    assert order.status == OrderStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        svc.order_accept(user=officer, order=order, accepted_at=timezone.now(), urgent=False)


def test_steps_need_the_permission_and_the_scope(officer, other_district_officer, tree):
    order = make_order(tree.community_a, status=OrderStatus.GRANTED)
    with pytest.raises(PermissionDenied):
        svc.order_revoke(user=UserFactory(home_unit=tree.district_a), order=order, note="x")
    with pytest.raises(ValidationError) as exc:
        svc.order_revoke(user=other_district_officer, order=order, note="x")
    assert exc.value.code == "not_found"
    order.refresh_from_db()
    assert order.status == OrderStatus.GRANTED


def test_acceptance_before_the_application_is_refused(officer, tree):
    order = make_order(tree.community_a, status=OrderStatus.APPLIED, applied_at=timezone.now())
    with pytest.raises(ValidationError) as exc:
        svc.order_accept(
            user=officer, order=order, urgent=False, court=court(tree.district_a),
            accepted_at=timezone.now() - datetime.timedelta(days=1),
        )  # fmt: skip
    assert "accepted_at" in exc.value.message_dict


def test_a_court_out_of_reach_is_refused(officer, tree):
    order = make_order(tree.community_a, status=OrderStatus.APPLIED)
    far = court(tree.district_b)
    with pytest.raises(ValidationError) as exc:
        svc.order_accept(user=officer, order=order, urgent=False, court=far,
                         accepted_at=timezone.now())  # fmt: skip
    assert "court" in exc.value.message_dict
