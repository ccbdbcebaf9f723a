"""Person import pages: upload and own jobs, a job's progress and result, template and errors.

A job belongs to its uploader alone: anyone else gets 404. Small files run inline, so the job
page opens already finished; bigger ones go to the task worker (``manage.py db_worker``).
"""

import io
from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import FormView

from jinguo.core.exports import rows_to_workbook, xlsx_response
from jinguo.core.identity import check_char
from jinguo.orgs.importing import ImportFileError

from .. import choices
from ..forms.importing import PersonImportForm
from ..models import FocusTagType, PersonImport
from ..services.importing.columns import COLUMNS, HEADERS, NOTES_MAX, choice_labels
from ..services.importing.housekeeping import person_import_expire_if_abandoned
from ..services.importing.reader import inspect_file
from ..services.importing.runner import issue_counts, person_import_create, person_import_run
from ..services.persons import placeable_units
from ..tasks import import_persons

PERMISSION = "people.import_person"
# Files up to this many rows run inside the request (a few seconds); larger ones in the worker.
INLINE_MAX_ROWS = 5_000
ISSUES_PER_PAGE = 50
ACTIVE = (choices.ImportStatus.PENDING, choices.ImportStatus.RUNNING)


def _require(user) -> None:
    # Not allowed and does not exist give the same answer.
    if not user.has_perm(PERMISSION):
        raise Http404


def _own_job(request, pk: int) -> PersonImport:
    _require(request.user)
    return get_object_or_404(PersonImport, pk=pk, user=request.user)


class PersonImportListView(LoginRequiredMixin, FormView):
    """The upload form and the user's own imports (only her own: a job holds her file's rows)."""

    template_name = "people/import_list.html"
    form_class = PersonImportForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        jobs = PersonImport.objects.filter(user=self.request.user).order_by("-created_at")
        ctx["page_obj"] = Paginator(jobs, 25).get_page(self.request.GET.get("page"))
        ctx["title"] = _("档案导入")
        ctx["inline_max_rows"] = INLINE_MAX_ROWS
        return ctx

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        data = upload.read()  # in memory (core.uploads); never written out in clear
        try:
            # The zip's directory, the declared size and the header: a bomb is refused here.
            declared = inspect_file(data)
        except ImportFileError as exc:
            form.add_error("file", exc.message)
            return self.form_invalid(form)
        job = person_import_create(
            user=self.request.user,
            data=data,
            file_name=upload.name,
            total_rows=declared or 0,
            confirm_unknown_area=form.cleaned_data["confirm_unknown_area"],
        )
        if declared is not None and declared <= INLINE_MAX_ROWS:
            person_import_run(import_id=job.pk)
        else:
            import_persons.enqueue(job.pk)
        return redirect("people:person_import_detail", pk=job.pk)


def _issues_page(request, job: PersonImport):
    return Paginator(job.errors, ISSUES_PER_PAGE).get_page(request.GET.get("page"))


def _detail_context(request, job: PersonImport) -> dict:
    errors, warnings = issue_counts(job)
    return {
        "job": job,
        "title": _("导入 #%(pk)d") % {"pk": job.pk},
        "active": job.status in ACTIVE,
        "issues": _issues_page(request, job) if job.errors else None,
        "error_count": errors,
        "warning_count": warnings,
        "retention_hours": settings.JINGUO_IMPORT_RETENTION_HOURS,
    }


@login_required
def person_import_detail(request, pk: int):
    job = person_import_expire_if_abandoned(_own_job(request, pk))
    return render(request, "people/import_detail.html", _detail_context(request, job))


@login_required
def person_import_status(request, pk: int):
    """The status card alone, polled by htmx every second while the job is queued or running."""
    job = person_import_expire_if_abandoned(_own_job(request, pk))
    return render(request, "people/partials/import_status.html", _detail_context(request, job))


@login_required
def person_import_issues(request, pk: int):
    """One page of the problem table (htmx pagination)."""
    job = _own_job(request, pk)
    return render(request, "people/partials/import_issues.html", _detail_context(request, job))


ISSUE_HEADER = ["行号", "列", "值（已脱敏）", "问题", "类别"]


@login_required
def person_import_issues_xlsx(request, pk: int):
    job = _own_job(request, pk)
    if not job.errors:
        return redirect("people:person_import_detail", pk=job.pk)
    levels = {"error": _("错误"), "warning": _("提醒")}
    rows = (
        [i["row"] or "", i["column"], i["value"], i["message"], levels.get(i["level"], "")]
        for i in job.errors
    )
    # Values were masked when the job stored them; the file holds nothing more.
    content, _count = rows_to_workbook(ISSUE_HEADER, rows, _("导入问题清单"))
    return xlsx_response(content, _("导入问题清单-%(pk)d") % {"pk": job.pk})


@login_required
def person_import_template(request):
    _require(request.user)
    return xlsx_response(template_workbook(request.user), _("人员档案导入模板"))


def example_id_number(birth: date) -> str:
    # Sequence 002: the demo data numbers from 100 up, so the example is nobody's.
    body = f"320505{birth:%Y%m%d}002"
    return body + check_char(body)


def example_unit(user):
    """The unit of the template's example row, so that the untouched template imports: her own
    unit if persons are filed with it (a community or grid), else the first such unit in her
    subtree; None when she has none."""
    units = placeable_units(user)
    return units.filter(pk=user.home_unit_id).first() or units.order_by("path").first()


def template_workbook(user) -> bytes:
    """The import template: headers, one example row, drop-downs, and a sheet of allowed values."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "人员档案"
    sheet.append(HEADERS)
    required = PatternFill("solid", fgColor="F8D7E3")
    optional = PatternFill("solid", fgColor="EEF1F6")
    tag_types = list(FocusTagType.objects.filter(is_active=True).values_list("name", flat=True))
    birth = date(1986, 3, 7)
    unit = example_unit(user)
    example = {
        "name": "示例人员",
        "gender": "女",
        "birth_date": birth,
        "ethnicity": "汉族",
        "id_type": "居民身份证",
        "id_number": example_id_number(birth),
        "phone": "13800000000",
        "phone2": "",
        "address": "示例路 8 号 2 幢 301 室",
        "registration": "本地户籍",
        "origin_place": "江苏省苏州市",
        "marital_status": "已婚",
        "education": "高中/中专",
        "employment": "个体/灵活就业",
        "disability": "无",
        "living_situation": "留守",
        "unit_code": unit.code if unit else "",
        "tags": "留守妇女" if "留守妇女" in tag_types else (tag_types[0] if tag_types else ""),
        "notes": "示例行（虚构人员）：可直接改写，或删除后再填写",
    }
    sheet.append([example[c.key] for c in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = required if column.required else optional
        sheet.column_dimensions[letter].width = max(12, min(40, len(column.header) * 3 + 6))
        if column.key in ("id_number", "phone", "phone2", "unit_code"):
            # Text, so 18-digit IDs and 12-digit codes keep every digit.
            for row in range(2, 2002):
                sheet.cell(row=row, column=index).number_format = "@"
        if column.key == "birth_date":
            sheet.cell(row=2, column=index).number_format = "yyyy-mm-dd"
        if column.choices is not None:
            labels = ",".join(choice_labels(column.choices))
            check = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
            check.error = _("请从下拉列表中选择。")
            check.showErrorMessage = False  # grid-platform words are accepted too
            sheet.add_data_validation(check)
            check.add(f"{letter}2:{letter}200001")
    sheet.cell(row=1, column=1).comment = Comment(
        _("第 2 行是示例（虚构人员），可直接改写或删除。粉色表头为必填列。"), "巾帼"
    )
    if unit is None:
        unit_column = [c.key for c in COLUMNS].index("unit_code") + 1
        sheet.cell(row=2, column=unit_column).comment = Comment(
            _(
                "您的管辖范围内没有可以建立人员档案的社区（村）或网格，请填写人员所属社区或网格的单位代码。"
            ),
            "巾帼",
        )
    sheet.freeze_panes = "B2"

    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "是否必填", "填写要求"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    explanations = {
        "name": "50 字以内。",
        "gender": "女、男或未知；有身份证号码时可留空，由号码推算。",
        "birth_date": "如 1985-03-01、1985/3/1、19850301 或 Excel 日期；须与身份证号码一致。",
        "ethnicity": "如 汉族、回族；留空按汉族。",
        "id_number": "18 位居民身份证号码（校验位、出生日期、性别都会核对）；其他证件 3 至 40 位字母数字。"
        "请把此列设为“文本”格式，否则 Excel 会丢失末几位。",
        "phone": "11 位手机号，或带区号的座机号。",
        "phone2": "同上，可留空。",
        "address": "200 字以内。",
        "origin_place": "户籍所在地或来源地，100 字以内。",
        "unit_code": "人员所属社区（村）妇联或网格的单位代码，须在您的管辖范围内。",
        "tags": "可填多个，用“、”或“,”分隔；可填："
        + "、".join(tag_types)
        + "。标签起始日期为导入当天，责任人为导入人。",
        "notes": f"{NOTES_MAX} 字以内。",
    }
    for column in COLUMNS:
        text = explanations.get(column.key, "")
        if column.choices is not None:
            allowed = "、".join(choice_labels(column.choices))
            text = f"{text}可填：{allowed}。" if text else f"可填：{allowed}；留空按默认。"
        notes.append([column.header, "必填" if column.required else "", text])
    notes.append([])
    for line in (
        "1. 第一行为表头，请勿修改列名；列的顺序可以调整，不用的选填列可以删除。",
        "2. 只要有一行有误，整个文件都不会导入；页面会列出每一处错误的行号和列，并可下载错误清单。",
        "3. 同一文件中证件号码重复、或与系统中已有档案的证件号码相同，均不能导入；"
        "姓名和出生日期与已有档案相同的，作为疑似重复提醒。",
        "4. 未满 18 周岁的人员和带敏感标签（如家庭暴力受害人）的人员将自动标记为敏感档案。",
        "5. 一次最多 20 万行、文件不超过 20 MB；较大的文件在后台导入，可在导入记录中查看进度。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
