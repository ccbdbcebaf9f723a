"""Pages of the report forms' settings: the list of forms, a new form, and one form's editor
(header, rows, columns, cells, rules). Every change is a service call; a refused change shows
the page again with what was typed and the message beside the field."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from ..forms import (
    ReportCellForm,
    ReportFormCreateForm,
    ReportFormHeaderForm,
    ReportLineForm,
    ReportRuleForm,
)
from ..models import Indicator, ReportCell, ReportColumn, ReportForm, ReportRow, ReportRule
from ..services import reports as services
from ..services import settings as setting_services
from .reports import _int

T = "stats/reports/"


def _may_view(user) -> None:
    if not user.has_perm("stats.view_reportform"):
        raise PermissionDenied


def _may_change(user) -> None:
    if not user.has_perm("stats.change_reportform"):
        raise Http404


def _followed(request, old: ReportForm, new: ReportForm) -> None:
    if new.pk != old.pk:
        messages.info(
            request,
            _("该报表已有单位上报，修改已保存为第 %(v)d 版；已上报的报表保持原样式。")
            % {"v": new.version},
        )


class ReportFormListView(LoginRequiredMixin, View):
    def get(self, request):
        _may_view(request.user)
        forms = ReportForm.objects.filter(is_current=True).prefetch_related(
            "rows", "columns", "rules"
        )
        return render(
            request,
            T + "forms.html",
            {
                "title": _("报表设置"),
                "forms": [(f, services.cells_of(f)) for f in forms],
                "indicators": Indicator.objects.all(),
                "can_change": request.user.has_perm("stats.change_reportform"),
            },
        )


class ReportFormCreateView(LoginRequiredMixin, View):
    def get(self, request):
        _may_change(request.user)
        form = ReportFormCreateForm(user=request.user)
        return render(request, T + "form_create.html", {"title": _("新建报表"), "form": form})

    def post(self, request):
        _may_change(request.user)
        form = ReportFormCreateForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = setting_services.reportform_create(
                    user=request.user,
                    code=data["code"],
                    name=data["name"],
                    period_kind=data["period_kind"],
                    description=data["description"],
                    unit_kinds=data["unit_kinds"],
                    deadline_days=data["deadline_days"],
                )
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("报表已建立，请添加行、列和单元格。"))
                return redirect("stats:reportform_edit", created.pk)
        return render(request, T + "form_create.html", {"title": _("新建报表"), "form": form})


def layout(report_form: ReportForm) -> list[dict]:
    """Every row × column place of a form with its cell (None where none is set)."""
    columns = list(report_form.columns.all())
    cells = {(c.row_id, c.column_id): c for c in report_form.cells.all()}
    return [
        {"row": row, "places": [{"column": c, "cell": cells.get((row.pk, c.pk))} for c in columns]}
        for row in report_form.rows.all()
    ]


def _line_initial(obj, label_field) -> dict:
    return {"code": obj.code, "label": getattr(obj, label_field), "sort": obj.sort}


class ReportFormEditView(LoginRequiredMixin, View):
    """One form's editor. POST ``what`` says which part is changed."""

    def _form(self, request, pk) -> ReportForm:
        _may_change(request.user)
        return get_object_or_404(ReportForm, pk=pk)

    def context(self, request, report_form, **bound) -> dict:
        user = request.user
        editing_row = report_form.rows.filter(pk=_int(request.GET.get("row")) or 0).first()
        editing_column = report_form.columns.filter(pk=_int(request.GET.get("column")) or 0).first()
        header = bound.get("header") or ReportFormHeaderForm(
            user=user,
            prefix="h",
            initial={
                "name": report_form.name,
                "description": report_form.description,
                "unit_kinds": report_form.unit_kinds,
                "deadline_days": report_form.deadline_days,
                "is_active": report_form.is_active,
            },
        )
        row_form = bound.get("row") or ReportLineForm(
            user=user,
            prefix="row",
            initial=_line_initial(editing_row, "label") if editing_row else None,
        )
        column_form = bound.get("column") or ReportLineForm(
            user=user,
            prefix="column",
            initial=_line_initial(editing_column, "header") if editing_column else None,
        )
        column_form.fields["label"].label = _("列标题（多级用 / 分隔）")
        row_form.fields["label"].label = _("行名称")
        return {
            "title": report_form.name,
            "report_form": report_form,
            "used": setting_services.used(report_form),
            "header_form": header,
            "row_form": row_form,
            "column_form": column_form,
            "rule_form": bound.get("rule") or ReportRuleForm(user=user, prefix="rule"),
            "editing_row": bound.get("editing_row", editing_row),
            "editing_column": bound.get("editing_column", editing_column),
            "rows": list(report_form.rows.all()),
            "columns": list(report_form.columns.all()),
            "rules": list(report_form.rules.all()),
            "layout": layout(report_form),
            "error": bound.get("error"),
            "versions": ReportForm.objects.filter(code=report_form.code).order_by("-version"),
        }

    def get(self, request, pk):
        report_form = self._form(request, pk)
        return render(request, T + "form_edit.html", self.context(request, report_form))

    def post(self, request, pk):
        report_form = self._form(request, pk)
        what = request.POST.get("what", "")
        handler = getattr(self, f"post_{what}", None) if what.isidentifier() else None
        if handler is None:
            raise Http404
        try:
            result = handler(request, report_form)
        except ValidationError as exc:
            bound = getattr(self, "_bound", {})
            target = bound.get("form")
            if target is not None:
                target.add_service_error(exc)
            else:
                bound["error"] = " ".join(exc.messages)
            return render(
                request, T + "form_edit.html", self.context(request, report_form, **bound)
            )
        if result is None:  # a bound form with errors: shown again
            return render(
                request, T + "form_edit.html", self.context(request, report_form, **self._bound)
            )
        _followed(request, report_form, result)
        messages.success(request, _("已保存。"))
        return redirect("stats:reportform_edit", result.pk)

    # Each handler returns the form version changed, or None when its form did not validate
    # (self._bound then holds the bound form to show again).

    def post_header(self, request, report_form):
        form = ReportFormHeaderForm(request.POST, user=request.user, prefix="h")
        self._bound = {"header": form, "form": form}
        if not form.is_valid():
            return None
        return setting_services.reportform_update(
            user=request.user, form=report_form, **form.cleaned_data
        )

    def _line(self, request, report_form, prefix, model, save):
        form = ReportLineForm(request.POST, user=request.user, prefix=prefix)
        obj = None
        if request.POST.get("pk"):
            obj = get_object_or_404(model, form=report_form, pk=_int(request.POST["pk"]) or 0)
        self._bound = {prefix: form, "form": form, f"editing_{prefix}": obj}
        if not form.is_valid():
            return None
        data = form.cleaned_data
        saved = save(obj, data)
        return saved.form

    def post_row(self, request, report_form):
        return self._line(
            request,
            report_form,
            "row",
            ReportRow,
            lambda obj, d: setting_services.reportrow_save(
                user=request.user,
                form=report_form,
                row=obj,
                code=d["code"],
                label=d["label"],
                sort=d["sort"],
            ),
        )

    def post_column(self, request, report_form):
        return self._line(
            request,
            report_form,
            "column",
            ReportColumn,
            lambda obj, d: setting_services.reportcolumn_save(
                user=request.user,
                form=report_form,
                column=obj,
                code=d["code"],
                header=d["label"],
                sort=d["sort"],
            ),
        )

    def post_rule(self, request, report_form):
        form = ReportRuleForm(request.POST, user=request.user, prefix="rule")
        self._bound = {"rule": form, "form": form}
        if not form.is_valid():
            return None
        return setting_services.reportrule_save(
            user=request.user, form=report_form, **form.cleaned_data
        ).form

    def _delete(self, request, report_form, model, service, key):
        self._bound = {}
        obj = get_object_or_404(model, form=report_form, pk=_int(request.POST.get("pk")) or 0)
        return service(user=request.user, form=report_form, **{key: obj})

    def post_row_delete(self, request, report_form):
        return self._delete(
            request, report_form, ReportRow, setting_services.reportrow_delete, "row"
        )

    def post_column_delete(self, request, report_form):
        return self._delete(
            request, report_form, ReportColumn, setting_services.reportcolumn_delete, "column"
        )

    def post_cell_delete(self, request, report_form):
        return self._delete(
            request, report_form, ReportCell, setting_services.reportcell_delete, "cell"
        )

    def post_rule_delete(self, request, report_form):
        return self._delete(
            request, report_form, ReportRule, setting_services.reportrule_delete, "rule"
        )


class ReportCellEditView(LoginRequiredMixin, View):
    """The cell at a row × column of a form: created or changed (formula errors at the field)."""

    def _place(self, request, pk, row, column):
        _may_change(request.user)
        report_form = get_object_or_404(ReportForm, pk=pk)
        row = get_object_or_404(ReportRow, form=report_form, pk=row)
        column = get_object_or_404(ReportColumn, form=report_form, pk=column)
        cell = ReportCell.objects.filter(row=row, column=column).first()
        return (
            report_form,
            row,
            column,
            cell or ReportCell(form=report_form, row=row, column=column),
        )

    def _render(self, request, report_form, row, column, cell, form):
        return render(
            request,
            T + "cell_form.html",
            {
                "title": _("修改单元格"),
                "form": form,
                "report_form": report_form,
                "row": row,
                "column": column,
                "cell": cell,
                "used": setting_services.used(report_form),
            },
        )

    def get(self, request, pk, row, column):
        report_form, row, column, cell = self._place(request, pk, row, column)
        form = ReportCellForm(instance=cell, user=request.user)
        return self._render(request, report_form, row, column, cell, form)

    def post(self, request, pk, row, column):
        report_form, row, column, cell = self._place(request, pk, row, column)
        form = ReportCellForm(request.POST, instance=cell, user=request.user)
        if form.is_valid():
            try:
                saved = setting_services.reportcell_save(
                    user=request.user, form=report_form, row=row, column=column, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_service_error(exc)
            else:
                _followed(request, report_form, saved.form)
                messages.success(request, _("单元格已保存。"))
                return redirect("stats:reportform_edit", saved.form_id)
        return self._render(request, report_form, row, column, cell, form)


class ReportCellUpdateView(ReportCellEditView):
    """A cell's settings addressed by the cell itself (the list of forms links here)."""

    def _cell(self, request, pk):
        _may_change(request.user)
        return get_object_or_404(ReportCell, pk=pk)

    def get(self, request, pk):
        cell = self._cell(request, pk)
        return super().get(request, cell.form_id, cell.row_id, cell.column_id)

    def post(self, request, pk):
        cell = self._cell(request, pk)
        return super().post(request, cell.form_id, cell.row_id, cell.column_id)
