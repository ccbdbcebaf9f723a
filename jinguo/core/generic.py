"""Base views every app's list, detail and edit pages are configured from."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, FormView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from .exports import export_table
from .scoping import permission_name


class ObjectListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """A filtered, paginated, scoped table; htmx requests get only the table fragment."""

    model = None
    action = "view"
    template_name = "core/object_list.html"
    partial_template_name = "core/partials/object_table.html"
    paginate_by = 25
    title = ""
    create_url_name = None
    create_permission = None
    export_name = None
    strict = False

    def get_queryset(self):
        return self.model.objects.restrict(self.request.user, self.action)

    def paginate_queryset(self, queryset, page_size):
        # django-tables2 paginates the table; a second paginator would count the rows again.
        return None, None, queryset, False

    def get(self, request, *args, **kwargs):
        if not request.user.has_perm(permission_name(self.model, self.action)):
            raise PermissionDenied
        if request.GET.get("export") == "xlsx":
            return self.export(request)
        return super().get(request, *args, **kwargs)

    def export(self, request):
        if not request.user.has_perm("core.export"):
            raise PermissionDenied
        filterset = self.filterset_class(request.GET, queryset=self.get_queryset(), request=request)
        qs = filterset.qs if filterset.is_valid() else self.get_queryset().none()
        table = self.table_class(qs, request=request)
        name = self.export_name or str(self.model._meta.verbose_name_plural)
        return export_table(
            request.user,
            table,
            name=name,
            object_type=self.model._meta.label_lower,
            filters={k: v for k, v in request.GET.items() if k != "export"},
        )

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return [self.partial_template_name]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["title"] = self.title or self.model._meta.verbose_name_plural
        if self.create_url_name and user.has_perm(
            self.create_permission or permission_name(self.model, "add")
        ):
            ctx["create_url_name"] = self.create_url_name
        ctx["can_export"] = user.has_perm("core.export")
        ctx["query_string"] = self.request.GET.urlencode()
        return ctx


class ObjectDetailView(LoginRequiredMixin, DetailView):
    action = "view"

    def get_queryset(self):
        return self.model.objects.restrict(self.request.user, self.action)


class ScopedObjectMixin:
    """Loads the object through restrict(); anything outside the user's scope is a 404."""

    model = None
    action = "change"

    def get_object(self):
        if not hasattr(self, "_object"):
            qs = self.model.objects.restrict(self.request.user, self.action)
            self._object = get_object_or_404(qs, pk=self.kwargs["pk"])
        return self._object


class ServiceFormView(LoginRequiredMixin, FormView):
    """A form whose valid submission calls one service function; errors keep what was typed."""

    template_name = "core/object_form.html"
    permission_required: str | None = None
    title = ""
    success_message = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.permission_required and not request.user.has_perm(self.permission_required):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = self.title
        return ctx

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except ValidationError as exc:
            form.add_service_error(exc)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.get_success_url(result))

    def get_success_url(self, result=None):
        return result.get_absolute_url()
