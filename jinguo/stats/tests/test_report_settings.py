"""Editing a report form (system administrator): header, rows, columns, cells and sum rules,
with Chinese errors at the field; a form units have already submitted on is versioned so their
reports keep the layout they were filed in."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from jinguo.core.models import AuditEvent
from jinguo.stats.choices import ReportState
from jinguo.stats.models import Report, ReportCell, ReportForm
from jinguo.stats.services import reports as report_services
from jinguo.stats.services import settings as services

from .reports_helpers import last_month

pytestmark = pytest.mark.django_db


def _new_form(user):
    form = services.reportform_create(
        user=user,
        code="events_monthly",
        name="活动开展情况月报",
        period_kind="month",
        unit_kinds=["community"],
        deadline_days=3,
    )
    row = services.reportrow_save(user=user, form=form, code="main", label="合计")
    total = services.reportcolumn_save(user=user, form=form, code="total", header="活动 / 合计")
    a = services.reportcolumn_save(user=user, form=form, code="law", header="活动 / 普法")
    b = services.reportcolumn_save(user=user, form=form, code="other", header="活动 / 其他")
    for column in (total, a, b):
        services.reportcell_save(
            user=user,
            form=form,
            row=row,
            column=column,
            kind="number",
            formula="",
            required=column.code == "total",
            min_value=0,
            max_value=None,
        )
    services.reportrule_save(user=user, form=form, total="main.total", parts="main.law+main.other")
    return form


def test_a_form_is_built_and_filed(sysadmin, community_chair):
    form = _new_form(sysadmin)
    assert [c.key for c in report_services.cells_of(form)] == [
        "main.total",
        "main.law",
        "main.other",
    ]
    assert form.rules.get().parts == "main.law + main.other"
    report = report_services.report_start(
        user=community_chair, form=form, period_start=last_month()
    )
    with pytest.raises(ValidationError) as exc:
        report_services.report_submit(
            user=community_chair,
            report=report,
            values={"main.total": "5", "main.law": "1", "main.other": "1"},
        )
    assert "应等于" in " ".join(exc.value.message_dict["__all__"])
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"reportform_create", "reportrow_save", "reportcell_create", "reportrule_create"} <= (
        actions
    )


def test_only_the_administrator_edits_forms(community_chair, form):
    with pytest.raises(PermissionDenied):
        services.reportrow_save(user=community_chair, form=form, code="x", label="x")


def test_a_bad_formula_is_refused_at_the_cell(sysadmin, form):
    row, column = form.rows.first(), form.columns.first()
    for formula, message in [
        ('count("nope.nope")', "没有统计来源"),
        ("__import__('os')", "只能调用"),
        ('ind("missing")', "没有代码"),
        ("1 +", "写法有误"),
        ("", "请填写计算公式"),
    ]:
        with pytest.raises(ValidationError) as exc:
            services.reportcell_save(
                user=sysadmin,
                form=form,
                row=row,
                column=column,
                kind="computed",
                formula=formula,
                required=False,
                min_value=None,
                max_value=None,
            )
        assert message in exc.value.message_dict["formula"][0]


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"min_value": 5, "max_value": 1}, "max_value"),
        ({"min_value": "1e30"}, "min_value"),
        ({"kind": "nope"}, "kind"),
        ({"formula": "1+1"}, "formula"),
    ],
)
def test_bad_cell_settings_are_refused(sysadmin, form, kwargs, field):
    args = {"kind": "number", "formula": "", "required": False, "min_value": None}
    args.update({"max_value": None, **kwargs})
    with pytest.raises(ValidationError) as exc:
        services.reportcell_save(
            user=sysadmin, form=form, row=form.rows.first(), column=form.columns.first(), **args
        )
    assert field in exc.value.message_dict


def test_rules_name_existing_numeric_cells(sysadmin, form):
    with pytest.raises(ValidationError) as exc:
        services.reportrule_save(user=sysadmin, form=form, total="main.nope", parts="main.total")
    assert "不是本报表的数值单元格" in exc.value.message_dict["total"][0]
    with pytest.raises(ValidationError) as exc:
        services.reportrule_save(user=sysadmin, form=form, total="main.total", parts=" + ")
    assert "parts" in exc.value.message_dict


def test_a_row_used_by_a_rule_is_not_deleted(sysadmin, form):
    rule = form.rules.first()
    row = form.rows.get(code=rule.total.split(".")[0])
    with pytest.raises(ValidationError) as exc:
        services.reportrow_delete(user=sysadmin, form=form, row=row)
    assert "校验规则" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.reportrow_save(user=sysadmin, form=form, row=row, code="renamed", label="x")


def test_editing_a_form_already_filed_makes_a_new_version(
    sysadmin, community_chair, street_leader, form
):
    report = report_services.report_start(
        user=community_chair, form=form, period_start=last_month()
    )
    values = {"main.events": "2", "main.participants": "30"}
    report = report_services.report_submit(user=community_chair, report=report, values=values)
    cells_before = sorted(c.key for c in report_services.cells_of(form))
    # A drafted-only form changes in place; a submitted one does not.
    new_row = services.reportrow_save(user=sysadmin, form=form, code="extra", label="新增一行")
    new = new_row.form
    assert new.pk != form.pk and new.version == 2 and new.is_current and new.code == form.code
    form.refresh_from_db()
    assert not form.is_current and not form.is_active
    assert sorted(c.key for c in report_services.cells_of(form)) == cells_before
    assert sorted(c.key for c in report_services.cells_of(new)) == cells_before
    assert new.rules.count() == form.rules.count()
    assert AuditEvent.objects.filter(action="reportform_version").exists()
    # The next change lands on version 2 (no reports on it yet), not on a third version.
    cell = ReportCell.objects.get(form=new, row__code="main", column__code="ch_12338")
    changed = services.reportcell_update(
        user=sysadmin,
        cell=cell,
        kind="computed",
        formula='count("cases.case", channel="walk_in")',
        required=False,
        min_value=None,
        max_value=None,
    )
    assert changed.form_id == new.pk
    assert ReportForm.objects.filter(code=form.code).count() == 2
    # The old version is not editable any more.
    with pytest.raises(ValidationError):
        services.reportrow_save(user=sysadmin, form=form, code="x", label="x")
    # The filed report keeps its version and its review goes on; the street still sees it.
    report.refresh_from_db()
    assert report.form_id == form.pk
    report_services.report_review(user=street_leader, report=report, accept=True)
    assert Report.objects.get(pk=report.pk).state == ReportState.ACCEPTED
    # Starting the same period again finds that report, not a new one on version 2.
    again = report_services.report_start(user=community_chair, form=new, period_start=last_month())
    assert again.pk == report.pk


def test_editor_pages(login, sysadmin, community_chair, form):
    client = login(sysadmin)
    url = reverse("stats:reportform_edit", args=[form.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="layout-grid"' in page.content.decode()
    # A refused row keeps what was typed and says why at the field.
    response = client.post(
        url, {"what": "row", "row-code": "Bad Code", "row-label": "新行名", "row-sort": "1"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "新行名" in body and "Bad Code" in body
    response = client.post(
        url, {"what": "row", "row-code": "main", "row-label": "重复", "row-sort": "1"}
    )
    assert response.status_code == 200 and "已有代码" in response.content.decode()
    response = client.post(
        url, {"what": "row", "row-code": "newrow", "row-label": "新行", "row-sort": "99"}
    )
    assert response.status_code == 302 and form.rows.filter(code="newrow").exists()
    # A cell: formula error at the field, then saved.
    row, column = form.rows.get(code="newrow"), form.columns.first()
    cell_url = reverse("stats:reportcell_edit", args=[form.pk, row.pk, column.pk])
    assert client.get(cell_url).status_code == 200
    response = client.post(cell_url, {"kind": "computed", "formula": 'ind("nope")'})
    assert response.status_code == 200 and "没有代码为" in response.content.decode()
    assert "ind(&quot;nope&quot;)" in response.content.decode()
    response = client.post(cell_url, {"kind": "number", "required": "on", "min_value": "0"})
    assert response.status_code == 302
    assert ReportCell.objects.get(row=row, column=column).required
    # A rule with unknown cells: the error is shown, what was typed kept.
    response = client.post(url, {"what": "rule", "rule-total": "zz.zz", "rule-parts": "a.b"})
    assert response.status_code == 200 and "zz.zz" in response.content.decode()
    # Odd posts are no error.
    assert client.post(url, {"what": "nope"}).status_code == 404
    assert client.post(url, {"what": "row_delete", "pk": "x"}).status_code == 404
    assert client.post(url, {"what": "header", "h-deadline_days": "999"}).status_code == 200
    # New form page.
    create = reverse("stats:reportform_create")
    response = client.post(
        create,
        {
            "code": "my_form",
            "name": "我的报表",
            "period_kind": "quarter",
            "unit_kinds": ["community"],
            "deadline_days": "5",
        },
    )
    assert response.status_code == 302
    assert ReportForm.objects.get(code="my_form").period_kind == "quarter"
    response = client.post(create, {"code": "my_form", "name": "重复"})
    assert response.status_code == 200 and "重复" in response.content.decode()
    # Others do not reach the editor.
    other = login(community_chair)
    assert other.get(url).status_code == 404
    assert other.post(cell_url, {"kind": "number"}).status_code == 404
    assert other.get(create).status_code == 404


def test_the_upper_level_sums_children_across_versions(
    sysadmin, community_chair, chair_a2, street_leader, form
):
    """A child filed on version 1, another begins after version 2 exists: the street's own
    report (on version 2) still sums both by cell key."""
    first = report_services.report_start(user=community_chair, form=form, period_start=last_month())
    report_services.report_submit(
        user=community_chair, report=first, values={"main.events": "2", "main.participants": "5"}
    )
    new = services.reportrow_save(user=sysadmin, form=form, code="extra", label="新增").form
    second = report_services.report_start(user=chair_a2, form=new, period_start=last_month())
    assert second.form_id == new.pk
    report_services.report_submit(
        user=chair_a2, report=second, values={"main.events": "3", "main.participants": "1"}
    )
    street = report_services.report_start(user=street_leader, form=new, period_start=last_month())
    assert street.values["main.events"] == 5 and street.values["main.participants"] == 6
