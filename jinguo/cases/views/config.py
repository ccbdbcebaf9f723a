"""Configuration pages of the system administrator: the category tree and deadline policies.

Categories and policies are federation-wide configuration, not scoped records; the pages
need the change permission (the shipped system administrator role holds it).
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.core.generic import ServiceFormView

from ..forms.config import CategoryForm, PolicyForm
from ..models import Category, DeadlinePolicy
from ..services import config as services
from ..tables.config import PolicyTable, category_rows

CATEGORY_FIELDS = ("name", "parent", "is_violence", "sensitive", "is_active", "sort")


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise Http404


class CategoryListView(LoginRequiredMixin, View):
    def get(self, request):
        _require(request, "cases.change_category")
        categories = Category.objects.select_related("parent").order_by("sort", "id")
        return render(
            request,
            "cases/category_list.html",
            {
                "title": _("诉求类别"),
                "rows": category_rows(categories),
                "can_add": request.user.has_perm("cases.add_category"),
            },
        )


class CategoryCreateView(ServiceFormView):
    form_class = CategoryForm
    permission_required = "cases.add_category"
    template_name = "cases/category_form.html"
    title = gettext_lazy("新建诉求类别")
    success_message = gettext_lazy("诉求类别已保存。")

    def get_initial(self):
        parent = self.request.GET.get("parent", "")
        return {"parent": int(parent)} if parent.isdigit() else {}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cancel_url"] = reverse("cases:category_list")
        return ctx

    def perform(self, form):
        return services.category_create(user=self.request.user, **form.cleaned_data)

    def get_success_url(self, result=None):
        return reverse("cases:category_list")


class CategoryUpdateView(ServiceFormView):
    form_class = CategoryForm
    permission_required = "cases.change_category"
    template_name = "cases/category_form.html"
    title = gettext_lazy("修改诉求类别")
    success_message = gettext_lazy("诉求类别已保存。")

    def get_object(self) -> Category:
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(Category, pk=self.kwargs["pk"])
        return self._object

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_object()
        return kwargs

    def get_initial(self):
        return {name: getattr(self.get_object(), name) for name in CATEGORY_FIELDS}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(category=self.get_object(), cancel_url=reverse("cases:category_list"))
        return ctx

    def perform(self, form):
        return services.category_update(
            user=self.request.user, category=self.get_object(), **form.cleaned_data
        )

    def get_success_url(self, result=None):
        return reverse("cases:category_list")


class PolicyListView(LoginRequiredMixin, View):
    def get(self, request):
        _require(request, "cases.change_deadlinepolicy")
        policies = DeadlinePolicy.objects.select_related("category", "category__parent")
        return render(
            request,
            "cases/policy_list.html",
            {
                "title": _("办理期限规则"),
                "table": PolicyTable(policies, request=request),
                "can_add": request.user.has_perm("cases.add_deadlinepolicy"),
            },
        )


class PolicyFormMixin:
    form_class = PolicyForm
    template_name = "cases/policy_form.html"
    success_message = gettext_lazy("办理期限规则已保存。新规则从个案下一次办理环节起生效。")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cancel_url"] = reverse("cases:policy_list")
        return ctx

    def get_success_url(self, result=None):
        return reverse("cases:policy_list")


class PolicyCreateView(PolicyFormMixin, ServiceFormView):
    permission_required = "cases.add_deadlinepolicy"
    title = gettext_lazy("新建办理期限规则")

    def perform(self, form):
        return services.policy_create(user=self.request.user, **form.cleaned_data)


class PolicyUpdateView(PolicyFormMixin, ServiceFormView):
    permission_required = "cases.change_deadlinepolicy"
    title = gettext_lazy("修改办理期限规则")

    def get_object(self) -> DeadlinePolicy:
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(DeadlinePolicy, pk=self.kwargs["pk"])
        return self._object

    def get_initial(self):
        policy = self.get_object()
        return {name: getattr(policy, name) for name in services.POLICY_FIELDS}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["policy"] = self.get_object()
        return ctx

    def perform(self, form):
        return services.policy_update(
            user=self.request.user, policy=self.get_object(), **form.cleaned_data
        )
