"""Mandatory reports: the reporter seen only by those handling it and never exported; each
report becomes a case, joins one, or is dismissed with a reason."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from jinguo.cases.models import Case, CaseEvent
from jinguo.cases.tests.factories import make_case
from jinguo.core.models import AuditEvent
from jinguo.people.tests.factories import PersonFactory
from jinguo.protection.models import MandatoryReport
from jinguo.protection.selectors.shelter_panels import pending_reports_panel
from jinguo.protection.services import emergency as services
from jinguo.protection.tests.factories_shelter import make_report
from jinguo.testing.factories import user_with_role
from jinguo.testing.responses import xlsx_rows

pytestmark = pytest.mark.django_db
REPORTER = ("春晖小学", "周老师", "13912345678")


@pytest.fixture
def officer(tree):
    return user_with_role(tree.district_a, "rights_officer")


@pytest.fixture
def leader(tree):
    return user_with_role(tree.district_a, "leader")


@pytest.fixture
def report(tree):
    return make_report(tree.community_a)


def test_the_handling_officer_sees_the_reporter(client, officer, report):
    client.force_login(officer)
    html = client.get(
        reverse("protection:mandatoryreport_detail", args=[report.pk])
    ).content.decode()
    assert all(part in html for part in REPORTER)


def test_a_leader_reads_the_report_but_not_who_made_it(client, leader, report):
    client.force_login(leader)
    html = client.get(
        reverse("protection:mandatoryreport_detail", args=[report.pk])
    ).content.decode()
    assert "身上多处淤青" in html
    assert not any(part in html for part in REPORTER)
    assert "仅对处理本报告的人员可见" in html


def test_the_api_gives_the_reporter_to_the_handler_only(officer, leader, report):
    api = APIClient()
    url = reverse("mandatoryreport-detail", args=[report.pk])
    api.force_authenticate(leader)
    assert api.get(url).json()["reporter"] is None
    api.force_authenticate(officer)
    assert api.get(url).json()["reporter"] == {
        "organisation": "春晖小学",
        "name": "周老师",
        "phone": "13912345678",
    }
    listed = api.get(reverse("mandatoryreport-list")).json()["results"][0]
    assert "reporter" not in listed and not set(listed) & {
        "reporter_name",
        "reporter_phone",
        "reporter_organisation",
    }


def test_the_export_never_holds_the_reporter_even_for_the_handler(client, officer, report):
    client.force_login(officer)
    r = client.get(reverse("protection:mandatoryreport_list") + "?export=xlsx")
    rows = xlsx_rows(r.content)
    assert len(rows) == 1
    cells = " ".join(str(v) for row in rows for v in [*row.keys(), *row.values()])
    assert not any(part in cells for part in REPORTER)
    assert "报告人" not in " ".join(rows[0].keys())


def test_the_list_page_does_not_show_the_reporter(client, officer, report):
    client.force_login(officer)
    html = client.get(reverse("protection:mandatoryreport_list")).content.decode()
    assert not any(part in html for part in REPORTER)


def test_the_reporter_never_reaches_the_audit_trail_in_clear(officer, tree):
    made = services.report_create(
        user=officer,
        org=tree.community_a,
        reporter_kind="medical",
        reporter_organisation="区医院",
        reporter_name="吴医生",
        reporter_phone="13700001111",
        victim_description="约6岁女孩",
        suspicion="烫伤痕迹",
    )
    event = AuditEvent.objects.get(
        object_type="protection.mandatoryreport", object_id=str(made.pk), action="create"
    )
    blob = str(event.after) + str(event.detail)
    assert "吴医生" not in blob and "13700001111" not in blob and "区医院" not in blob


def test_a_report_needs_a_minor_or_a_person_without_capacity_and_a_victim(officer, tree):
    with pytest.raises(ValidationError) as exc:
        services.report_create(
            user=officer,
            org=tree.community_a,
            reporter_kind="school",
            reporter_organisation="春晖小学",
            suspicion="疑似",
            victim_is_minor=False,
        )
    assert {"victim_is_minor", "victim_description"} <= set(exc.value.message_dict)


def test_a_report_becomes_an_urgent_sensitive_violence_case_with_deadlines(officer, report):
    case = services.report_register_case(user=officer, report=report)
    report.refresh_from_db()
    assert (report.status, report.case, report.handled_by) == ("case", case, officer)
    assert case.urgency == "urgent" and case.is_sensitive and case.involves_minor
    assert case.subcategory.is_violence or case.category.is_violence
    assert case.gbv_type == "physical" and case.channel == "transfer"
    assert case.due_at is not None and case.decide_due_at is not None
    assert case.org == report.org
    assert "周老师" not in case.narrative and "春晖小学" not in case.narrative + case.summary
    assert case.parties.get().description == "五年级女生，约11岁"


def test_a_report_on_a_person_on_file_makes_her_the_victim(officer, tree):
    child = PersonFactory(org=tree.community_a)
    report = make_report(tree.community_a, victim=child)
    case = services.report_register_case(user=officer, report=report)
    assert case.parties.get().person == child


def test_a_report_joins_an_open_case_with_a_note_on_its_timeline(officer, tree):
    child = PersonFactory(org=tree.community_a)
    report = make_report(tree.community_a, victim=child)
    case = make_case(tree.community_a, category="family-violence", status="in_progress")
    services.report_join_case(user=officer, report=report, case=case)
    report.refresh_from_db()
    assert report.case == case and report.status == "case"
    assert CaseEvent.objects.filter(case=case, kind="note").exists()
    assert case.parties.filter(person=child, role="victim").exists()


def test_a_closed_case_or_one_out_of_reach_cannot_be_joined(officer, tree, report):
    closed = make_case(tree.community_a, status="closed")
    with pytest.raises(ValidationError):
        services.report_join_case(user=officer, report=report, case=closed)
    elsewhere = make_case(tree.community_b)
    with pytest.raises(ValidationError):
        services.report_join_case(user=officer, report=report, case=elsewhere)
    report.refresh_from_db()
    assert report.status == "new"


def test_dismissal_needs_a_reason_and_a_report_is_handled_once(officer, report):
    with pytest.raises(ValidationError):
        services.report_dismiss(user=officer, report=report, reason="  ")
    services.report_dismiss(user=officer, report=report, reason="经核实为意外摔伤")
    report.refresh_from_db()
    assert report.status == "dismissed"
    with pytest.raises(ValidationError):
        services.report_register_case(user=officer, report=report)
    assert not Case.objects.exists()


def test_the_page_registers_the_case(client, officer, report):
    client.force_login(officer)
    r = client.post(
        reverse("protection:mandatoryreport_action", args=[report.pk, "register"]),
        {"gbv_type": "psychological", "summary": ""},
    )
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.case.gbv_type == "psychological"


def test_the_pending_panel_lists_new_reports_oldest_first(client, officer, tree):
    first = make_report(tree.community_a)
    make_report(tree.street_a)
    services.report_dismiss(user=officer, report=make_report(tree.community_a), reason="重复报告")
    panel = pending_reports_panel(officer)
    assert panel["reports_pending_count"] == 2
    assert panel["reports_pending_rows"][0]["report"].pk == first.pk
    assert "status=new" in panel["reports_pending_url"]
    client.force_login(officer)
    assert "待处理强制报告" in client.get("/").content.decode()
    assert pending_reports_panel(user_with_role(tree.district_b, "rights_officer")) is None


def test_the_list_filters_by_status(client, officer, tree):
    kept = make_report(tree.community_a)
    services.report_dismiss(user=officer, report=make_report(tree.community_a), reason="误报")
    client.force_login(officer)
    r = client.get(reverse("protection:mandatoryreport_list") + "?status=new")
    assert [x.pk for x in r.context["table"].data] == [kept.pk]


def test_a_community_chair_registers_a_report_and_can_open_it_but_not_the_reporter(
    client, tree, community_chair
):
    client.force_login(community_chair)
    r = client.post(
        reverse("protection:mandatoryreport_create"),
        {
            "org": tree.community_a.pk,
            "reporter_kind": "committee",
            "reporter_organisation": "芳草社区居委会",
            "reporter_name": "刘主任",
            "reporter_phone": "",
            "reported_at": "",
            "victim_description": "邻居家男孩",
            "victim_is_minor": "on",
            "suspicion": "常听到打骂和哭喊",
        },
    )
    assert r.status_code == 200  # the time is required: what she typed stays
    assert "芳草社区居委会" in r.content.decode()
    r = client.post(
        reverse("protection:mandatoryreport_create"),
        {
            "org": tree.community_a.pk,
            "reporter_kind": "committee",
            "reporter_organisation": "芳草社区居委会",
            "reporter_name": "刘主任",
            "reporter_phone": "",
            "reported_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "victim_description": "邻居家男孩",
            "victim_is_minor": "on",
            "suspicion": "常听到打骂和哭喊",
        },
    )
    assert r.status_code == 302
    made = MandatoryReport.objects.get()
    html = client.get(reverse("protection:mandatoryreport_detail", args=[made.pk])).content.decode()
    assert "常听到打骂和哭喊" in html and "刘主任" not in html
