"""Roles: global bundles of permissions (not scoped by unit), edited by administrators."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView

from jinguo.core.generic import ObjectListView

from .. import services
from ..filtersets import RoleFilterSet
from ..forms import RoleForm
from ..models import Role
from ..selectors import permission_groups, role_list_for, role_users_for
from ..tables import RoleTable
from .users import AccountsFormView

ROLE_USERS_SHOWN = 50


class RoleListView(ObjectListView):
    model = Role
    filterset_class = RoleFilterSet
    table_class = RoleTable
    title = gettext_lazy("角色与权限")
    create_url_name = "accounts:role_create"
    export_name = gettext_lazy("角色")

    def get_queryset(self):
        return role_list_for(self.request.user)

    def get_table_kwargs(self):
        if self.request.user.has_perm("accounts.view_user"):
            return {}
        return {"exclude": ("user_count",)}


class RoleDetailView(LoginRequiredMixin, DetailView):
    model = Role
    template_name = "accounts/role_detail.html"
    context_object_name = "role"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("accounts.view_role"):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor, role = self.request.user, self.object
        perms = list(role.permissions.select_related("content_type"))
        ctx.update(
            title=role.name,
            groups=permission_groups(perms, selected=[p.pk for p in perms]),
            can_view_users=actor.has_perm("accounts.view_user"),
            can_change=actor.has_perm("accounts.change_role"),
            can_delete=actor.has_perm("accounts.delete_role") and not role.is_builtin,
        )
        if ctx["can_view_users"]:
            holders = role_users_for(actor, role)
            ctx["holders"] = holders[:ROLE_USERS_SHOWN]
            ctx["holder_count"] = holders.count()
        return ctx


class RoleFormView(AccountsFormView):
    form_class = RoleForm
    template_name = "accounts/role_form.html"


class RoleCreateView(RoleFormView):
    permissions = ("accounts.add_role",)
    title = gettext_lazy("新建角色")

    def perform(self, form):
        data = form.cleaned_data
        role = services.role_create(
            actor=self.request.user,
            code=data["code"],
            name=data["name"],
            description=data["description"],
            permissions=form.permissions_value(),
            requires_two_factor=data["requires_two_factor"],
        )
        messages.success(self.request, _("已创建角色“%(name)s”。") % {"name": role.name})
        return role

    def get_cancel_url(self):
        return reverse("accounts:role_list")


class RoleUpdateView(RoleFormView):
    permissions = ("accounts.change_role",)

    def get_role(self) -> Role:
        if not hasattr(self, "_role"):
            self._role = get_object_or_404(Role, pk=self.kwargs["pk"])
        return self._role

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "role": self.get_role()}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("编辑角色：%(name)s") % {"name": self.get_role().name}
        ctx["role"] = self.get_role()
        return ctx

    def perform(self, form):
        data = form.cleaned_data
        role = services.role_update(
            actor=self.request.user,
            role=self.get_role(),
            name=data["name"],
            description=data["description"],
            permissions=form.permissions_value(),
            requires_two_factor=data["requires_two_factor"],
        )
        messages.success(self.request, _("已保存，持有该角色的用户立即生效。"))
        return role

    def get_cancel_url(self):
        return self.get_role().get_absolute_url()


class RoleDeleteView(LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("accounts.delete_role"):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        role = get_object_or_404(Role, pk=pk)
        ctx = {
            "title": _("删除角色：%(name)s") % {"name": role.name},
            "message": _("删除后不可恢复。只有未被任何用户持有的自定义角色可以删除。"),
            "button": _("删除"),
            "button_class": "btn-danger",
            "fields": {},
            "role": role,
            "cancel_url": role.get_absolute_url(),
        }
        return render(request, "accounts/confirm.html", ctx)

    def post(self, request, pk):
        role = get_object_or_404(Role, pk=pk)
        try:
            services.role_delete(actor=request.user, role=role)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(role.get_absolute_url())
        messages.success(request, _("已删除角色“%(name)s”。") % {"name": role.name})
        return redirect("accounts:role_list")
