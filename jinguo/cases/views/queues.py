"""The work queues: tabs, filters, saved filters and the Excel export."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jinguo.core.generic import ObjectListView

from .. import selectors
from ..filtersets import CaseFilterSet, visible_workers, worker_label
from ..forms.queues import SavedFilterForm
from ..models import Case
from ..services import saved_filters as saved_filter_services
from ..tables.cases import CaseTable

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
            self._counts = selectors.queue_counts(self.request.user, all_count=self._all_count())
        return self._counts

    def _all_count(self) -> int | None:
        """全部个案's count when this page is that queue, unfiltered: its paginator counted
        exactly those cases already (one scope count fewer per page)."""
        table = getattr(self, "_table", None)
        if table is None or self.request.GET.get(QUEUE_PARAM) != "all":
            return None
        filterset = getattr(self, "filterset", None)
        if filterset is None or not filterset.is_valid():
            return None
        if any(
            value not in (None, "", [], (), False) for value in filterset.form.cleaned_data.values()
        ):
            return None
        return table.paginator.count

    def get_table(self, **kwargs):
        self._table = super().get_table(**kwargs)
        return self._table

    def get_queryset(self):
        # paged(): the count and the page read the scope's halves by index (core/pages.py).
        return case_row_queryset(
            selectors.queue_cases(self.request.user, self.queue_name())
        ).paged()

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


WORKER_SEARCH_LIMIT = 20


@login_required
def worker_search(request):
    """Results of the queue's 承办人 picker: active staff of the user's own subtree."""
    query = request.GET.get("q", "").strip()[:50]
    rows = selectors.worker_search(visible_workers(request), query, limit=WORKER_SEARCH_LIMIT + 1)
    units = [
        {"pk": u.pk, "label": worker_label(u), "name": u.real_name or u.get_username(),
         "parent": u.home_unit.name if u.home_unit_id else ""}
        for u in rows[:WORKER_SEARCH_LIMIT]
    ]  # fmt: skip
    ctx = {
        "units": units,
        "more": len(rows) > WORKER_SEARCH_LIMIT,
        "limit": WORKER_SEARCH_LIMIT,
        "query": query,
        "empty_text": _("没有找到匹配的人员。"),
    }
    return render(request, "cases/partials/worker_search_results.html", ctx)
