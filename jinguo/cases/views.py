"""The work queues (tabs, filters, saved filters, export) and the extension approvals."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_tables2 import SingleTableView

from jinguo.core.generic import ObjectListView

from . import choices, selectors
from .filtersets import CaseFilterSet
from .forms.extensions import ExtensionDecideForm
from .forms.queues import SavedFilterForm
from .models import Case, Extension
from .services import saved_filters as saved_filter_services
from .services import workflow
from .tables.cases import CaseTable
from .tables.extensions import ExtensionTable

QUEUE_PARAM = "queue"
QUEUE_ICONS = {
    "mine": "ti-user-check",
    "unassigned": "ti-inbox",
    "due_soon": "ti-clock",
    "overdue": "ti-alert-triangle",
    "sensitive": "ti-lock",
    "all": "ti-list",
}


def case_row_queryset(qs):
    """What a queue row shows, fetched with the cases (no query per row)."""
    return qs.select_related("org", "category", "subcategory", "assigned_to", "complainant")


class CaseListView(ObjectListView):
    model = Case
    filterset_class = CaseFilterSet
    table_class = CaseTable
    template_name = "cases/case_list.html"
    title = gettext_lazy("个案工作台")
    export_name = gettext_lazy("维权个案")

    def queue_name(self) -> str:
        name = self.request.GET.get(QUEUE_PARAM, "")
        if name in selectors.QUEUES:
            return name
        return "all" if self.counts().get("mine", 0) == 0 else "mine"

    def counts(self) -> dict:
        if not hasattr(self, "_counts"):
            self._counts = selectors.queue_counts(self.request.user)
        return self._counts

    def get_queryset(self):
        return case_row_queryset(selectors.queue_cases(self.request.user, self.queue_name()))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        current = self.queue_name()
        params = self.request.GET.copy()
        for key in ("page", "export", QUEUE_PARAM):
            params.pop(key, None)
        rest = params.urlencode()
        counts = self.counts()
        ctx["tabs"] = [
            {
                "name": name,
                "label": label,
                "count": counts.get(name, 0),
                "icon": QUEUE_ICONS.get(name, "ti-list"),
                "active": name == current,
                "url": "?" + urlencode({QUEUE_PARAM: name}) + (f"&{rest}" if rest else ""),
            }
            for name, label in selectors.QUEUES.items()
        ]
        ctx["queue"] = current
        ctx["filter_query"] = rest
        # A saved filter keeps the tab too ("my overdue violence cases").
        ctx["save_query"] = urlencode({QUEUE_PARAM: current}) + (f"&{rest}" if rest else "")
        ctx["saved_filters"] = list(saved_filter_services.saved_filters(user))
        ctx["can_hotline"] = user.has_perm("cases.add_case")
        ctx["can_dispatch"] = user.has_perm("cases.dispatch_case")
        return ctx


@login_required
@require_POST
def saved_filter_create(request):
    if not request.user.has_perm("cases.view_case"):
        raise Http404
    form = SavedFilterForm(request.POST, user=request.user)
    query = request.POST.get("query", "")
    if form.is_valid():
        try:
            saved = saved_filter_services.saved_filter_save(
                user=request.user, name=form.cleaned_data["name"], query=query
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已保存常用筛选“%(name)s”。") % {"name": saved.name})
            return redirect(reverse("cases:case_list") + "?" + saved.query)
    else:
        messages.error(request, _("请为这组筛选条件起个名字。"))
    return redirect(reverse("cases:case_list") + ("?" + query if query else ""))


@login_required
@require_POST
def saved_filter_delete(request, pk):
    try:
        saved_filter_services.saved_filter_delete(user=request.user, pk=pk)
    except ValidationError as exc:
        raise Http404 from exc
    messages.success(request, _("已删除常用筛选。"))
    return redirect("cases:case_list")


# --- extension approvals ------------------------------------------------------------------


def pending_extensions(user):
    """Pending requests on the cases the user may approve (restrict with "approve")."""
    cases = Case.objects.restrict(user, "approve").values("pk")
    return Extension.objects.filter(
        status=choices.ExtensionStatus.PENDING, case__in=cases
    ).select_related("case", "case__org", "requested_by")


class ExtensionListView(LoginRequiredMixin, SingleTableView):
    table_class = ExtensionTable
    template_name = "cases/extension_list.html"
    paginate_by = 25

    def get(self, request, *args, **kwargs):
        if not request.user.has_perm("cases.approve_case"):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return pending_extensions(self.request.user)

    def paginate_queryset(self, queryset, page_size):
        return None, None, queryset, False

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("延期审批")
        return ctx


@login_required
@require_POST
def extension_decide(request, pk):
    extension = get_object_or_404(pending_extensions(request.user), pk=pk)
    form = ExtensionDecideForm(request.POST, user=request.user)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("cases:extension_list")
    if not form.is_valid():
        messages.error(request, _("请选择批准或不批准。"))
        return redirect(back)
    approve = form.cleaned_data["approve"]
    try:
        workflow.extension_decide(
            user=request.user,
            extension=extension,
            approve=approve,
            note=form.cleaned_data.get("note", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        text = (
            _("已批准 %(number)s 延期 %(days)d 天。")
            if approve
            else _("已驳回 %(number)s 的延期申请。")
        )
        messages.success(request, text % {"number": extension.case.number, "days": extension.days})
    return redirect(back)
