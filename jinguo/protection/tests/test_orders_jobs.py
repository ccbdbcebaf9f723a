"""Written warnings: notifying the committee, the visit schedule and who records visits; the
scheduler's jobs: missed visits and expiring or ended orders."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jinguo.core import registry
from jinguo.core.models import Notification
from jinguo.people.tests.factories import PersonFactory
from jinguo.protection.choices import OrderStatus, VisitState
from jinguo.protection.models import (
    Alert,
    AlertRule,
    PoliceWarning,
    ProtectionOrder,
    WarningVisit,
)
from jinguo.protection.services.alert_sweep import alerts_sweep
from jinguo.protection.services.orders import protection_orders as order_svc
from jinguo.protection.services.orders import warnings as svc
from jinguo.protection.tests.factories_orders import assess, make_order, make_warning, police
from jinguo.testing.factories import user_with_role


@pytest.fixture
def officer(tree):
    return user_with_role(tree.district_a, "rights_officer")


def issue(officer, tree, person=None, **kw):
    kw.setdefault("issued_on", timezone.localdate())
    return svc.warning_create(
        user=officer,
        person=person or PersonFactory(org=tree.grid_a),
        police_station=police(tree.street_a),
        facts="丈夫酒后殴打",
        prohibition="禁止殴打、威胁",
        abuser_description="丈夫",
        **kw,
    )


def test_a_warning_belongs_to_the_victims_committee_and_schedules_three_visits(
    officer, tree, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        warning = issue(officer, tree)
    # Filed under her grid: the warning is kept by the community (the committee) above it.
    assert warning.org == tree.community_a
    today = timezone.localdate()
    days = list(warning.visits.values_list("due_on", flat=True))
    assert days == [today + datetime.timedelta(days=d) for d in (30, 60, 90)]
    assert warning.committee_notified_at is not None


def test_the_committee_is_notified_and_may_record_its_visits(
    officer, tree, community_chair, django_capture_on_commit_callbacks
):
    grid_worker = user_with_role(tree.grid_a, "grid_worker")
    elsewhere = user_with_role(tree.community_a2, "community_chair")
    with django_capture_on_commit_callbacks(execute=True):
        warning = issue(officer, tree)
    note = Notification.objects.get(recipient=community_chair)
    assert note.url == warning.get_absolute_url() and "回访" in note.title
    assert Notification.objects.filter(recipient=grid_worker).exists()
    assert not Notification.objects.filter(recipient=elsewhere).exists()
    # No view_sensitive: they reach exactly what was shared with their committee.
    assert PoliceWarning.objects.restrict(community_chair, "view").filter(pk=warning.pk).exists()
    assert not PoliceWarning.objects.restrict(elsewhere, "view").exists()
    assert not PoliceWarning.objects.restrict(community_chair, "change").exists()
    visit = warning.visits.first()
    assert svc.may_record(community_chair, visit) and svc.may_record(grid_worker, visit)
    assert not svc.may_record(elsewhere, visit)
    done = svc.visit_record(
        user=community_chair, visit=visit, done_at=timezone.now(), with_police=True,
        finding="当事人安全，未再发生",
    )  # fmt: skip
    assert done.state == VisitState.DONE and done.with_police and done.done_by == community_chair
    with pytest.raises(ValidationError):
        svc.visit_record(user=community_chair, visit=visit, done_at=timezone.now(), finding="再记")


def test_an_unreachable_victim_is_recorded_as_such(officer, tree, community_chair):
    warning = issue(officer, tree)
    visit = svc.visit_record(
        user=community_chair, visit=warning.visits.first(), done_at=timezone.now(),
        reached=False, finding="多次上门无人",
    )  # fmt: skip
    assert visit.state == VisitState.UNREACHABLE


def test_the_schedule_follows_the_interval_and_end(officer, tree):
    issued = timezone.localdate() - datetime.timedelta(days=1)
    warning = issue(
        officer, tree, issued_on=issued, visit_every_days=14,
        visits_until=issued + datetime.timedelta(days=60),
    )  # fmt: skip
    assert warning.visits.count() == 4  # days 14, 28, 42, 56


def test_a_warning_needs_the_abuser_a_police_station_and_a_past_date(officer, tree):
    with pytest.raises(ValidationError) as exc:
        svc.warning_create(
            user=officer, person=PersonFactory(org=tree.community_a),
            police_station=police(tree.district_b), facts="x", prohibition="y",
            issued_on=timezone.localdate() + datetime.timedelta(days=2),
        )  # fmt: skip
    errors = exc.value.message_dict
    assert {"police_station", "issued_on", "abuser_description"} <= set(errors)
    assert PoliceWarning.objects.count() == 0


def test_a_victim_out_of_scope_is_refused(officer, tree):
    with pytest.raises(ValidationError) as exc:
        issue(officer, tree, person=PersonFactory(org=tree.community_b))
    assert "person" in exc.value.message_dict


# --- the missed-visit job ---------------------------------------------------------------------


def test_a_visit_past_its_day_becomes_missed_and_the_leader_is_told(
    tree, django_capture_on_commit_callbacks
):
    leader = user_with_role(tree.community_a, "leader")
    warning = make_warning(tree.community_a, visits=0)
    today = timezone.localdate()
    late = WarningVisit.objects.create(
        warning=warning, person=warning.person, org=warning.org,
        due_on=today - datetime.timedelta(days=1),
    )  # fmt: skip
    on_time = WarningVisit.objects.create(
        warning=warning, person=warning.person, org=warning.org, due_on=today
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert svc.visits_sweep() == 1
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert (late.state, on_time.state) == (VisitState.MISSED, VisitState.DUE)
    note = Notification.objects.get(recipient=leader)
    assert note.level == "danger" and note.url == late.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        assert svc.visits_sweep() == 0
    assert Notification.objects.filter(recipient=leader).count() == 1


def test_a_missed_visit_raises_a_warning_record_without_telling_the_leader_twice(
    tree, django_capture_on_commit_callbacks
):
    leader = user_with_role(tree.community_a, "leader")
    warning = make_warning(tree.community_a, visits=0)
    late = WarningVisit.objects.create(
        warning=warning, person=warning.person, org=warning.org,
        due_on=timezone.localdate() - datetime.timedelta(days=2),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        svc.visits_sweep()
        alerts_sweep()
    [alert] = Alert.objects.filter(rule__code="warning_visit_missed")
    assert alert.subject == f"wvisit:{late.pk}" and alert.org == tree.community_a
    assert alert.person == warning.person and warning.person.name not in alert.summary
    assert Notification.objects.filter(recipient=leader).count() == 1
    # Recorded after all: the warning resolves itself.
    WarningVisit.objects.filter(pk=late.pk).update(state=VisitState.DONE, done_at=timezone.now())
    alerts_sweep(now=timezone.now() + datetime.timedelta(minutes=10))
    alert.refresh_from_db()
    assert alert.status == "resolved"


def test_without_a_leader_in_the_committee_the_next_unit_up_is_told(
    tree, django_capture_on_commit_callbacks
):
    street_leader = user_with_role(tree.street_a, "leader")
    warning = make_warning(tree.community_a, visits=0)
    WarningVisit.objects.create(
        warning=warning, person=warning.person, org=warning.org,
        due_on=timezone.localdate() - datetime.timedelta(days=3),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        svc.visits_sweep()
    assert Notification.objects.filter(recipient=street_leader).count() == 1


def test_a_missed_visit_may_still_be_recorded_late(officer, tree, community_chair):
    warning = issue(officer, tree)
    visit = warning.visits.first()
    WarningVisit.objects.filter(pk=visit.pk).update(state=VisitState.MISSED)
    visit = svc.visit_record(
        user=community_chair, visit=visit, done_at=timezone.now(), finding="补记"
    )
    assert visit.state == VisitState.DONE


def test_the_jobs_are_registered():
    keys = {job.key for job in registry.jobs()}
    assert {"protection.warning_visits", "protection.orders"} <= keys


# --- the expiry warning and the end of an order -----------------------------------------------


def ending_in(tree, days, **kw):
    today = timezone.localdate()
    return make_order(
        tree.community_a, status=OrderStatus.GRANTED,
        effective_from=today - datetime.timedelta(days=100),
        effective_until=today + datetime.timedelta(days=days), **kw,
    )  # fmt: skip


@pytest.fixture
def without_expiry_rule():
    """The orders job tells the order's maker itself only while the early-warning rule for
    expiring orders is switched off."""
    AlertRule.objects.filter(code="order_expiring").update(is_active=False)


def test_the_worker_is_warned_14_days_before_expiry_while_risk_is_high(
    officer, tree, django_capture_on_commit_callbacks, without_expiry_rule
):
    order = ending_in(tree, 14, created_by=officer)
    assess(order.person, "high")
    with django_capture_on_commit_callbacks(execute=True):
        assert order_svc.orders_sweep()["warned"] == 1
    note = Notification.objects.get(recipient=officer)
    assert "即将到期" in note.title and note.url == order.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        assert order_svc.orders_sweep()["warned"] == 0  # once per end date


def test_no_expiry_warning_when_the_latest_risk_is_standard(
    officer, tree, django_capture_on_commit_callbacks, without_expiry_rule
):
    order = ending_in(tree, 5, created_by=officer)
    assess(order.person, "high", at=timezone.now() - datetime.timedelta(days=30))
    assess(order.person, "standard")
    far = ending_in(tree, 15, created_by=officer)
    assess(far.person, "medium")
    with django_capture_on_commit_callbacks(execute=True):
        assert order_svc.orders_sweep()["warned"] == 0
    assert not Notification.objects.filter(recipient=officer).exists()


def test_an_extension_rearms_the_expiry_warning(
    officer, tree, django_capture_on_commit_callbacks, without_expiry_rule
):
    order = ending_in(tree, 3, created_by=officer)
    assess(order.person, "medium")
    with django_capture_on_commit_callbacks(execute=True):
        order_svc.orders_sweep()
    order.refresh_from_db()
    order_svc.order_extend(
        user=officer, order=order, new_until=order.effective_until + datetime.timedelta(days=10)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert order_svc.orders_sweep()["warned"] == 1
    assert Notification.objects.filter(recipient=officer).count() == 2


def test_with_the_rule_on_an_expiring_order_is_told_once_through_its_warning(
    officer, tree, django_capture_on_commit_callbacks
):
    order = ending_in(tree, 10, created_by=officer)
    assess(order.person, "high")
    with django_capture_on_commit_callbacks(execute=True):
        assert order_svc.orders_sweep()["warned"] == 0
        alerts_sweep()
    [alert] = Alert.objects.filter(rule__code="order_expiring")
    # No worker on a case: the warning goes to the order's maker, once.
    [note] = Notification.objects.filter(recipient=officer)
    assert note.url == alert.get_absolute_url() and "即将到期" in note.title + note.body
    with django_capture_on_commit_callbacks(execute=True):
        order_svc.orders_sweep()
        alerts_sweep()
    assert Notification.objects.filter(recipient=officer).count() == 1


def test_an_order_past_its_end_expires(tree):
    order = ending_in(tree, -1)
    current = ending_in(tree, 0)
    assert order_svc.orders_sweep()["expired"] == 1
    order.refresh_from_db()
    current.refresh_from_db()
    assert (order.status, current.status) == (OrderStatus.EXPIRED, OrderStatus.GRANTED)
    assert order.events.filter(kind="expired").exists()
    assert ProtectionOrder.objects.filter(status=OrderStatus.EXPIRED).count() == 1
