"""Division-code import pages: upload, results or error table, error list and template downloads."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from jinguo.core.exports import rows_to_workbook, xlsx_response

from ..forms import OrgUnitImportForm
from ..importing import (
    ERROR_HEADER,
    ImportFileError,
    import_units,
    read_upload,
    rows_under,
    template_workbook,
)

SESSION_KEY = "orgs_import_errors"
ERRORS_SHOWN = 500
ERRORS_KEPT = 20_000


def _require_import(user) -> None:
    if not user.has_perm("orgs.import_orgunit"):
        raise PermissionDenied


class OrgUnitImportView(LoginRequiredMixin, FormView):
    template_name = "orgs/orgunit_import.html"
    form_class = OrgUnitImportForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require_import(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("导入区划代码")
        return ctx

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            rows = read_upload(data, upload.name)
            if form.cleaned_data["under"]:
                rows = rows_under(rows, form.cleaned_data["under"])
        except ImportFileError as exc:
            if not exc.source:
                exc.source = upload.name
            return self.show(form, errors=[exc.as_row_error()], file_name=upload.name)
        result = import_units(
            user=self.request.user,
            rows=rows,
            version=form.cleaned_data["version"],
            dry_run=form.cleaned_data["dry_run"],
            source=upload.name,
        )
        if result.ok:
            self.request.session.pop(SESSION_KEY, None)
        return self.show(form, result=result, errors=result.errors, file_name=upload.name)

    def show(self, form, *, errors, file_name, result=None):
        if errors:
            # Kept for the xlsx download of the complete list.
            self.request.session[SESSION_KEY] = {
                "file": file_name,
                "rows": [e.as_list() for e in errors[:ERRORS_KEPT]],
            }
        ctx = self.get_context_data(
            form=form,
            result=result,
            errors=errors[:ERRORS_SHOWN],
            errors_total=len(errors),
            errors_truncated=len(errors) > ERRORS_SHOWN,
            file_name=file_name,
        )
        return self.render_to_response(ctx)


@login_required
def orgunit_import_template(request):
    _require_import(request.user)
    return xlsx_response(template_workbook(), _("区划代码导入模板"))


@login_required
def orgunit_import_errors(request):
    _require_import(request.user)
    kept = request.session.get(SESSION_KEY)
    if not kept:
        return redirect("orgs:orgunit_import")
    content, _count = rows_to_workbook(
        [str(h) for h in ERROR_HEADER], kept["rows"], _("导入错误清单")
    )
    return xlsx_response(content, _("导入错误清单"))
