"""Mediation sessions: validated, on the case's timeline, in the case's scope."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from jinguo.cases.choices import EventKind
from jinguo.cases.models import Mediation
from jinguo.cases.services.mediation import mediation_create, mediation_update
from jinguo.cases.tests.factories import make_case
from jinguo.core.models import AuditEvent
from jinguo.testing.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(tree):
    return make_case(tree.community_a, status="in_progress")


def session(**kw):
    values = {
        "held_at": timezone.now() - timedelta(hours=2),
        "mode": "federation",
        "parties": "张某（妻）、李某（夫）",
        "mediators": "李芳、社区民警",
        "outcome": "agreed",
        "agreement": "双方同意分开居住三个月，男方不得骚扰女方。",
    }
    return values | kw


def test_mediation_is_recorded_on_the_case(case, community_chair):
    mediation = mediation_create(user=community_chair, case=case, **session(place="妇女之家"))
    assert mediation.org == case.org and mediation.recorded_by == community_chair
    assert not mediation.is_sensitive
    (event,) = case.events.filter(kind=EventKind.MEDIATION)
    assert event.data["outcome_label"] == "达成协议"
    assert event.data["mediation_id"] == mediation.pk
    assert AuditEvent.objects.filter(
        object_type="cases.mediation", object_id=str(mediation.pk), action="create"
    ).exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT parties, agreement FROM cases_mediation WHERE id = %s", [mediation.pk]
        )
        raw = " ".join(cursor.fetchone())
    assert "张某" not in raw and "分开居住" not in raw, "narratives are encrypted at rest"


def test_sensitive_case_makes_a_sensitive_mediation(tree, district_officer):
    dv = make_case(tree.street_a, category="family-violence", status="in_progress")
    mediation = mediation_create(user=district_officer, case=dv, **session())
    assert mediation.is_sensitive


def test_every_problem_is_reported_at_once(case, community_chair):
    with pytest.raises(ValidationError) as exc:
        mediation_create(
            user=community_chair,
            case=case,
            **session(
                held_at=timezone.now() + timedelta(days=1),
                mode="shouting",
                parties=" ",
                mediators="",
                outcome="won",
            ),
        )
    errors = exc.value.message_dict
    assert errors["held_at"] == ["调解时间不能晚于现在。"]
    assert errors["mode"] == ["请选择调解方式。"]
    assert errors["outcome"] == ["请选择调解结果。"]
    assert errors["parties"] == ["请填写参加调解的当事人。"]
    assert errors["mediators"] == ["请填写调解员。"]
    assert not Mediation.objects.exists()


def test_an_agreement_needs_its_text(case, community_chair):
    with pytest.raises(ValidationError) as exc:
        mediation_create(user=community_chair, case=case, **session(agreement=""))
    assert "agreement" in exc.value.message_dict
    mediation_create(user=community_chair, case=case, **session(outcome="continue", agreement=""))


def test_closed_and_out_of_scope_cases_are_refused(tree, community_chair, other_district_officer):
    closed = make_case(tree.community_a, status="closed")
    with pytest.raises(ValidationError, match="已结案"):
        mediation_create(user=community_chair, case=closed, **session())
    open_case = make_case(tree.community_a, status="in_progress")
    with pytest.raises(ValidationError, match="不存在"):
        mediation_create(user=other_district_officer, case=open_case, **session())
    elsewhere = make_case(tree.community_a2, status="in_progress")
    with pytest.raises(ValidationError, match="不存在"):
        mediation_create(user=community_chair, case=elsewhere, **session())


def test_grid_worker_may_not_record_mediation(tree, case):
    grid = user_with_role(tree.community_a, "grid_worker")
    with pytest.raises(PermissionDenied):
        mediation_create(user=grid, case=case, **session())


def test_update_changes_the_outcome_and_logs_it(case, community_chair):
    mediation = mediation_create(
        user=community_chair, case=case, **session(outcome="continue", agreement="")
    )
    updated = mediation_update(
        user=community_chair, mediation=mediation, outcome="agreed", agreement="按月支付抚养费"
    )
    assert updated.outcome == "agreed"
    assert updated.parties == "张某（妻）、李某（夫）", "fields not given stay as they were"
    assert case.events.filter(kind=EventKind.MEDIATION).count() == 2
    audit_row = AuditEvent.objects.get(object_id=str(mediation.pk), action="update")
    assert set(audit_row.after) >= {"outcome", "agreement"}


def test_update_validates_and_respects_scope(case, community_chair, other_district_officer):
    mediation = mediation_create(user=community_chair, case=case, **session())
    with pytest.raises(ValidationError) as exc:
        mediation_update(user=community_chair, mediation=mediation, agreement="  ")
    assert "agreement" in exc.value.message_dict
    with pytest.raises(ValidationError, match="不存在"):
        mediation_update(user=other_district_officer, mediation=mediation, mediators="某人")
    mediation.refresh_from_db()
    assert mediation.mediators == "李芳、社区民警"
