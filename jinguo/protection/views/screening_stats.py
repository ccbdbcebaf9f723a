"""The anonymised violence statistics page and its Excel download (audited as an export)."""

from io import BytesIO

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View
from openpyxl import Workbook

from jinguo.core import audit
from jinguo.core.exports import safe_cell, xlsx_response

from ..forms.screening import StatsForm, default_stats_period
from ..selectors import violence_stats as stats

PERMISSION = "protection.view_violence_stats"
NOTES = (
    "本表为匿名统计：不含姓名、证件号、个案编号和任何文字叙述。",
    "1–4 的数字显示为“<5”；为防止用合计减去其他数字推算出被隐藏的数字，同一行或同一列中另有一个数字被隐藏，显示为“*”。",
    "发生情境、年龄段等按个案中已登记的信息推算，无法推算的计为“未知”；推算规则见系统说明。",
)


def statistics_for(user, data) -> dict:
    return stats.violence_statistics(
        user, unit=data["unit"], start=data["start"], end=data["end"], by=data["by"]
    )


def stats_workbook(result, data) -> bytes:
    wb = Workbook()
    info = wb.active
    info.title = _("说明")
    info.append([_("统计单位"), data["unit"].name])
    info.append([_("统计期间"), f"{data['start']:%Y-%m} — {data['end']:%Y-%m}"])
    for line in NOTES:
        info.append([line])
    first_header = _("下级单位") if data["by"] == "unit" else _("月份")
    for table in result["tables"]:
        ws = wb.create_sheet(str(table["label"])[:31])
        ws.append([first_header, *(str(c) for c in table["columns"]), _("合计")])
        for label, cells, total in zip(
            result["rows"], table["cells"], table["row_totals"], strict=True
        ):
            ws.append([safe_cell(str(label)), *cells, total])
        ws.append([_("合计"), *table["col_totals"], table["total"]])
        ws.freeze_panes = "B2"
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


class ViolenceStatsView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        if not user.has_perm(PERMISSION) or user.home_unit_id is None:
            raise PermissionDenied
        start, end = default_stats_period()
        params = (
            request.GET
            if "start" in request.GET
            else {
                "start": f"{start:%Y-%m}",
                "end": f"{end:%Y-%m}",
                "by": "unit",
            }
        )
        form = StatsForm(params, user=user)
        result = None
        if form.is_valid():
            data = form.cleaned_data
            result = statistics_for(user, data)
            if request.GET.get("export") == "xlsx":
                if not user.has_perm("core.export"):
                    raise PermissionDenied
                content = stats_workbook(result, data)
                audit.record_access(
                    user,
                    action="export",
                    object_type="cases.case",
                    rows=result["cases"],
                    report="violence_stats",
                    filters={
                        "unit": data["unit"].pk,
                        "start": f"{data['start']:%Y-%m}",
                        "end": f"{data['end']:%Y-%m}",
                        "by": data["by"],
                    },
                )
                return xlsx_response(content, _("匿名暴力统计"))
        if result is not None:
            for table in result["tables"]:
                table["body"] = list(
                    zip(result["rows"], table["cells"], table["row_totals"], strict=True)
                )
        return render(
            request,
            "protection/screening/violence_stats.html",
            {
                "title": _("匿名暴力统计"),
                "form": form,
                "result": result,
                "notes": NOTES,
                "query_string": request.GET.urlencode() if "start" in request.GET else "",
                "can_export": user.has_perm("core.export"),
                "first_header": _("下级单位")
                if form.is_valid() and form.cleaned_data["by"] == "unit"
                else _("月份"),
            },
        )
