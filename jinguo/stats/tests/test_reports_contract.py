"""The scoping contract of the reports: a community never sees another branch's report, in
the list, its page, the Excel export or the API."""

from django.utils import timezone

from jinguo.stats.models import Report, ReportForm
from jinguo.testing.scoping import ScopedModelContract

from .reports_helpers import last_month


def make_report(unit):
    form = ReportForm.objects.get(code="rights_monthly")
    return Report.objects.create(
        org=unit, form=form, period_start=last_month(), due_on=timezone.localdate()
    )


class TestReportContract(ScopedModelContract):
    model = Report
    actions = ("view",)
    list_url = "stats:report_list"
    detail_url = "stats:report_detail"
    export = True
    api_list_url = "stats-report-list"
    api_detail_url = "stats-report-detail"

    def make(self, unit):
        return make_report(unit)

    def export_marker(self, obj):
        return "填报单位", obj.org.name
