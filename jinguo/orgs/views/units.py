"""Pages of the federation tree: tree browser, list, detail, create, edit, move."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from jinguo.core.generic import ObjectDetailView, ObjectListView, ScopedObjectMixin, ServiceFormView

from .. import selectors, services
from ..choices import UnitKind
from ..filtersets import OrgUnitFilterSet
from ..forms import (
    OrgUnitCreateForm,
    OrgUnitMoveForm,
    OrgUnitUpdateForm,
    suggested_child_kind,
    unit_label,
)
from ..models import OrgUnit
from ..tables import OrgUnitChildTable, OrgUnitTable


def _require_view(user) -> None:
    if not user.has_perm("orgs.view_orgunit"):
        raise PermissionDenied


def _offset(request) -> int:
    try:
        return max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        return 0


class OrgUnitTreeView(LoginRequiredMixin, TemplateView):
    """The tree from the user's home unit (or ?root=…); deeper levels load lazily with htmx."""

    template_name = "orgs/orgunit_tree.html"

    def get(self, request, *args, **kwargs):
        _require_view(request.user)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        visible = OrgUnit.objects.restrict(user, "view")
        root_pk = self.request.GET.get("root")
        if root_pk and root_pk.isdigit():
            root = get_object_or_404(visible, pk=root_pk)
        else:
            root = get_object_or_404(visible, pk=user.home_unit_id)
        level = selectors.tree_children(user=user, unit=root)
        ctx.update(
            child_total=visible.filter(parent=root).count(),
            title=_("组织树"),
            root=root,
            level=level,
            ancestors=selectors.ancestors_for(user, root),
            can_add=selectors.can(user, "add", root),
            show_users=level.user_total is not None,
        )
        return ctx


@login_required
def orgunit_tree_children(request, pk):
    """htmx partial: one page of a node's children."""
    _require_view(request.user)
    unit = get_object_or_404(OrgUnit.objects.restrict(request.user, "view"), pk=pk)
    level = selectors.tree_children(user=request.user, unit=unit, offset=_offset(request))
    return render(
        request,
        "orgs/partials/tree_children.html",
        {"level": level, "show_users": level.user_total is not None},
    )


class OrgUnitListView(ObjectListView):
    model = OrgUnit
    filterset_class = OrgUnitFilterSet
    table_class = OrgUnitTable
    title = gettext_lazy("单位列表")
    create_url_name = "orgs:orgunit_create"
    export_name = gettext_lazy("组织单位")

    def get_queryset(self):
        return super().get_queryset().select_related("parent")


class OrgUnitDetailView(ObjectDetailView):
    model = OrgUnit
    template_name = "orgs/orgunit_detail.html"
    context_object_name = "unit"

    def get_queryset(self):
        return super().get_queryset().select_related("parent")

    def get_template_names(self):
        # Sorting and paging the children table swap only the table (htmx).
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return ["orgs/partials/children_table.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        unit = self.object
        children = (
            OrgUnit.objects.restrict(user, "view")
            .filter(parent=unit)
            .annotate(child_count=Count("children"))
        )
        table = OrgUnitChildTable(children, request=self.request, prefix="c-")
        RequestConfig(self.request, paginate={"per_page": 20}).configure(table)
        members = selectors.members_of(user, unit)
        ctx.update(
            title=unit.name,
            ancestors=selectors.ancestors_for(user, unit),
            children_table=table,
            summary=selectors.subtree_summary(user, unit),
            members=members[: selectors.MEMBERS_SHOWN] if members is not None else None,
            members_total=members.count() if members is not None else None,
            can_change=selectors.can(user, "change", unit),
            can_add=selectors.can(user, "add", unit),
            can_move=unit.pk != user.home_unit_id and selectors.can(user, "move", unit),
        )
        return ctx


class OrgUnitFormMixin:
    template_name = "orgs/orgunit_form.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["unit"] = getattr(self, "_object", None)
        ctx["cancel_url"] = self.cancel_url()
        return ctx

    def cancel_url(self):
        unit = getattr(self, "_object", None)
        return unit.get_absolute_url() if unit else reverse("orgs:orgunit_list")


class OrgUnitCreateView(OrgUnitFormMixin, ServiceFormView):
    form_class = OrgUnitCreateForm
    permission_required = "orgs.add_orgunit"
    title = gettext_lazy("新增单位")
    success_message = gettext_lazy("单位已创建。")

    def parent_from_query(self):
        pk = self.request.GET.get("parent", "")
        if not pk.isdigit():
            return None
        return OrgUnit.objects.restrict(self.request.user, "add").filter(pk=pk).first()

    def get_initial(self):
        initial = super().get_initial()
        parent = self.parent_from_query()
        if parent is not None:
            initial["parent"] = parent.pk
            kind = suggested_child_kind(parent)
            if kind:
                initial["kind"] = kind
            if parent.is_territorial:
                initial["code"] = parent.code
        return initial

    def cancel_url(self):
        parent = self.parent_from_query()
        return parent.get_absolute_url() if parent else reverse("orgs:orgunit_list")

    def perform(self, form):
        return services.orgunit_create(user=self.request.user, **form.cleaned_data)


class OrgUnitUpdateView(OrgUnitFormMixin, ScopedObjectMixin, ServiceFormView):
    model = OrgUnit
    action = "change"
    form_class = OrgUnitUpdateForm
    permission_required = "orgs.change_orgunit"
    success_message = gettext_lazy("单位信息已保存。")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_object()
        return kwargs

    def get_context_data(self, **kwargs):
        self.title = _("编辑单位：%(name)s") % {"name": self.get_object().name}
        return super().get_context_data(**kwargs)

    def form_invalid(self, form):
        # The ModelForm wrote the typed values onto the instance; show the stored name instead.
        self.get_object().refresh_from_db()
        return super().form_invalid(form)

    def perform(self, form):
        return services.orgunit_update(
            user=self.request.user, unit=self.get_object(), **form.cleaned_data
        )


class OrgUnitMoveView(OrgUnitFormMixin, ScopedObjectMixin, ServiceFormView):
    model = OrgUnit
    action = "move"
    form_class = OrgUnitMoveForm
    permission_required = "orgs.move_orgunit"
    template_name = "orgs/orgunit_move.html"
    success_message = gettext_lazy("隶属关系已调整。")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["unit"] = self.get_object()
        return kwargs

    def get_context_data(self, **kwargs):
        unit = self.get_object()
        self.title = _("调整隶属：%(name)s") % {"name": unit.name}
        ctx = super().get_context_data(**kwargs)
        ctx["summary"] = selectors.subtree_summary(self.request.user, unit)
        return ctx

    def perform(self, form):
        return services.orgunit_move(
            user=self.request.user,
            unit=self.get_object(),
            new_parent=form.cleaned_data["new_parent"],
            reason=form.cleaned_data["reason"],
        )


@login_required
def orgunit_search(request):
    """Results of the searchable unit picker: active units in scope, of the kinds asked for."""
    _require_view(request.user)
    query = request.GET.get("q", "").strip()[:50]
    kinds = [k for k in request.GET.getlist("kind") if k in UnitKind.values]
    units = OrgUnit.objects.restrict(request.user, "view").filter(is_active=True)
    if kinds:
        units = units.filter(kind__in=kinds)
    limit = selectors.SEARCH_LIMIT
    rows = selectors.unit_search(units, query, limit=limit + 1)
    for unit in rows:
        unit.label = unit_label(unit)
    ctx = {"units": rows[:limit], "more": len(rows) > limit, "limit": limit, "query": query}
    return render(request, "orgs/partials/unit_search_results.html", ctx)
