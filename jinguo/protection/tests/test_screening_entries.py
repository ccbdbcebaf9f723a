"""A dispute entry: masking, editing after the return, becoming a case or a mediation."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from jinguo.cases.models import Case, Category, Mediation
from jinguo.core.models import AuditEvent
from jinguo.protection.choices import DisputeKind, DisputeRisk, DisputeStatus
from jinguo.protection.models import DisputeEntry
from jinguo.protection.services import screening as services
from jinguo.testing.factories import grant, user_with_role

from .factories_screening import make_campaign, make_entry, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(tree):
    return make_report(tree.community_a, campaign=make_campaign(tree.district_a))


def test_entry_to_case_registers_a_case_in_the_entrys_unit(tree, report, community_chair):
    entry = make_entry(tree.community_a, report=report, created_by=community_chair)
    case = services.entry_to_case(
        user=community_chair,
        entry=entry,
        category=Category.objects.get(code="family-dispute"),
        summary="排查发现婆媳矛盾",
    )
    entry.refresh_from_db()
    assert entry.case == case and entry.status == DisputeStatus.CASE
    assert case.org == tree.community_a and case.channel == "grid"
    assert "王某与赵某" in case.narrative and case.number
    assert AuditEvent.objects.filter(action="dispute_to_case", object_id=str(entry.pk)).exists()
    with pytest.raises(ValidationError):
        services.entry_to_case(
            user=community_chair,
            entry=entry,
            category=Category.objects.get(code="family-dispute"),
            summary="再转一次",
        )


def test_a_violence_entry_becomes_a_sensitive_violence_case(tree, report, district_officer):
    entry = make_entry(tree.community_a, report=report, kind=DisputeKind.VIOLENCE)
    case = services.entry_to_case(
        user=district_officer,
        entry=entry,
        category=Category.objects.get(code="family-violence"),
        gbv_type="physical",
        summary="排查发现家暴线索",
        urgency="urgent",
    )
    assert case.is_sensitive and case.gbv_type == "physical"
    assert case.org == tree.community_a


def test_entry_to_case_reports_the_case_services_errors(tree, report, district_officer):
    entry = make_entry(tree.community_a, report=report)
    with pytest.raises(ValidationError) as exc:
        services.entry_to_case(
            user=district_officer,
            entry=entry,
            category=Category.objects.get(code="family-violence"),
            summary="缺暴力类型",
        )
    assert "gbv_type" in exc.value.message_dict
    entry.refresh_from_db()
    assert entry.case is None and not Case.objects.exists()


def test_entry_to_mediation_registers_the_case_first(tree, report, district_officer):
    entry = make_entry(tree.community_a, report=report)
    mediation = services.entry_to_mediation(
        user=district_officer,
        entry=entry,
        held_at=timezone.now(),
        mode="federation",
        mediators="陈维",
        outcome="agreed",
        agreement="双方同意清理楼道",
        case_fields={
            "category": Category.objects.get(code="other"),
            "summary": "邻里纠纷调解",
            "gbv_type": "",
            "urgency": "normal",
        },
    )
    entry.refresh_from_db()
    assert entry.mediation == mediation and entry.case == mediation.case
    assert entry.status == DisputeStatus.MEDIATION
    assert mediation.parties == entry.parties
    assert Mediation.objects.count() == 1


def test_entry_to_mediation_on_an_existing_case(tree, report, district_officer):
    entry = make_entry(tree.community_a, report=report)
    case = services.entry_to_case(
        user=district_officer,
        entry=entry,
        category=Category.objects.get(code="other"),
        summary="邻里纠纷",
    )
    mediation = services.entry_to_mediation(
        user=district_officer,
        entry=entry,
        held_at=timezone.now(),
        mode="federation",
        mediators="陈维",
        outcome="continue",
    )
    assert mediation.case == case


def test_a_grid_worker_cannot_mediate(tree, report):
    from django.core.exceptions import PermissionDenied

    worker = user_with_role(tree.grid_a, "grid_worker")
    entry = make_entry(tree.community_a, report=report, created_by=worker)
    with pytest.raises(PermissionDenied):
        services.entry_to_mediation(
            user=worker,
            entry=entry,
            held_at=timezone.now(),
            mode="federation",
            mediators="张",
            outcome="continue",
        )


def test_after_the_return_kind_and_risk_stay_as_reported(tree, report, community_chair):
    entry = make_entry(tree.community_a, report=report)
    report.status = "submitted"
    report.save()
    values = {
        "kind": entry.kind,
        "risk": entry.risk,
        "parties": entry.parties,
        "description": entry.description,
        "action_taken": "已调解",
        "status": DisputeStatus.RESOLVED,
        "found_on": entry.found_on,
    }
    entry = services.entry_update(user=community_chair, entry=entry, **values)
    assert entry.status == DisputeStatus.RESOLVED
    with pytest.raises(ValidationError):
        services.entry_update(
            user=community_chair, entry=entry, **{**values, "risk": DisputeRisk.HIGH}
        )


def test_a_violence_entry_stays_sensitive(tree, report, community_chair):
    entry = make_entry(
        tree.community_a, report=report, kind=DisputeKind.VIOLENCE, created_by=community_chair
    )
    entry = services.entry_update(
        user=community_chair,
        entry=entry,
        kind=DisputeKind.MARRIAGE,
        risk=entry.risk,
        parties=entry.parties,
        description=entry.description,
        action_taken="",
        status=DisputeStatus.OPEN,
        found_on=entry.found_on,
    )
    assert entry.is_sensitive


def test_a_violence_entry_is_hidden_from_colleagues_without_view_sensitive(
    tree, report, community_chair
):
    """The chair holds no core.view_sensitive: a grid worker's violence entry stays hers."""
    worker = user_with_role(tree.grid_a, "grid_worker")
    entry = make_entry(
        tree.community_a, report=report, kind=DisputeKind.VIOLENCE, created_by=worker
    )
    assert entry not in DisputeEntry.objects.restrict(community_chair, "view")
    assert entry in DisputeEntry.objects.restrict(worker, "view")


def test_found_on_in_the_future_is_refused(tree, report, community_chair):
    with pytest.raises(ValidationError) as exc:
        services.entry_create(
            user=community_chair,
            report=report,
            kind="neighbour",
            risk="low",
            parties="甲乙",
            description="争吵",
            found_on=timezone.localdate() + timezone.timedelta(days=3),
        )
    assert "found_on" in exc.value.message_dict


def test_detail_masks_parties_and_logs_a_sensitive_open(tree, report, client):
    officer = user_with_role(tree.district_a, "leader")  # no reveal_pii
    entry = make_entry(
        tree.community_a, report=report, kind=DisputeKind.VIOLENCE, parties="张丽与王强"
    )
    client.force_login(officer)
    r = client.get(reverse("protection:disputeentry_detail", args=[entry.pk]))
    assert r.status_code == 200
    assert "张丽" not in r.content.decode() and "张*" in r.content.decode()
    assert AuditEvent.objects.filter(action="open", object_id=str(entry.pk)).exists()
    grant(officer, "core.reveal_pii")
    r = client.get(reverse("protection:disputeentry_detail", args=[entry.pk]))
    assert "张丽与王强" in r.content.decode()


def test_entries_export_holds_no_personal_text(tree, report, client, district_officer):
    from jinguo.testing.responses import xlsx_rows

    make_entry(tree.community_a, report=report, parties="张丽与王强", description="深夜争吵")
    client.force_login(district_officer)
    r = client.get(reverse("protection:disputeentry_list") + "?export=xlsx")
    rows = xlsx_rows(r.content)
    assert len(rows) == 1 and rows[0]["纠纷类型"] == "邻里纠纷"
    assert "张丽" not in repr(rows) and "深夜" not in repr(rows)


def test_convert_pages(tree, report, client, district_officer):
    entry = make_entry(tree.community_a, report=report)
    client.force_login(district_officer)
    url = reverse("protection:disputeentry_case", args=[entry.pk])
    assert client.get(url).status_code == 200
    r = client.post(
        url,
        {
            "category": Category.objects.get(code="family-violence").pk,
            "gbv_type": "",
            "urgency": "normal",
            "summary": "排查发现",
        },
    )
    # The case service's message shows on the form, what was typed kept.
    assert r.status_code == 200 and "gbv_type" in r.context["form"].errors
    assert r.context["form"]["summary"].value() == "排查发现"
    r = client.post(
        url,
        {
            "category": Category.objects.get(code="other").pk,
            "gbv_type": "",
            "urgency": "normal",
            "summary": "排查发现",
        },
    )
    assert r.status_code == 302
    entry.refresh_from_db()
    assert entry.case is not None
    url = reverse("protection:disputeentry_mediation", args=[entry.pk])
    r = client.get(url)
    assert r.status_code == 200 and "category" not in r.context["form"].fields
    r = client.post(
        url,
        {
            "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "mode": "federation",
            "mediators": "陈维",
            "outcome": "continue",
        },
    )
    assert r.status_code == 302
    assert DisputeEntry.objects.get(pk=entry.pk).mediation is not None
