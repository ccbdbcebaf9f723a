from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.core.generic import ObjectDetailView, ObjectListView, ServiceFormView

from .. import onetime, pending, services
from ..choices import LoginStep
from ..filtersets import UserFilterSet
from ..forms import LoginForm, PasswordChangeForm, UserActiveForm, UserCreateForm, UserUpdateForm
from ..models import User
from ..selectors import MANAGE_USERS, user_list_for, user_security_events
from ..selectors.login import login_step_after_password, two_factor_status
from ..tables import UserTable

# --- signing in and the own password -------------------------------------------------------


class JinguoLoginView(auth_views.LoginView):
    """The password step. An account with an authenticator, or one whose roles require a
    second factor, is not signed in here: it goes on to the code or the enrolment page."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    extra_context = {"title": gettext_lazy("登录")}

    def form_valid(self, form):
        user = form.get_user()
        step = login_step_after_password(user)
        if step is None:
            return super().form_valid(form)
        pending.start(self.request, user, step=step, next_url=self.get_redirect_url())
        if step == LoginStep.ENROL:
            return redirect("accounts:two_factor_enrol")
        return redirect("accounts:login_code")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("core:home")
    extra_context = {"title": gettext_lazy("修改密码")}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["two_factor"] = two_factor_status(self.request.user)
        return ctx

    def form_valid(self, form):
        try:
            user = services.user_password_change(
                user=self.request.user, new_password=form.cleaned_data["new_password1"]
            )
        except ValidationError as exc:
            form.add_service_error(exc)
            return self.form_invalid(form)
        # Other sessions fail Django's session-hash check from now on; this one stays.
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("密码已修改，其他设备上的登录已失效。"))
        return HttpResponseRedirect(self.get_success_url())


# --- shared pieces --------------------------------------------------------------------------


class AccountsFormView(ServiceFormView):
    """A service form that needs all of ``permissions``; without them the page does not exist."""

    permissions: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perms(self.permissions):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["cancel_url"] = self.get_cancel_url()
        # The page renders roles and permissions itself, as grouped checkboxes.
        ctx["role_fields"] = ["roles", "permissions"]
        return ctx

    def get_cancel_url(self):
        return "/"


class ScopedUserMixin:
    """The account named in the URL, through the actor's scope for ``action``; else 404."""

    action = "change"

    def get_target(self) -> User:
        if not hasattr(self, "_target"):
            qs = user_list_for(self.request.user, self.action)
            self._target = qs.filter(pk=self.kwargs["pk"]).first()
            if self._target is None:
                raise Http404
        return self._target


# --- users ----------------------------------------------------------------------------------


class UserListView(ObjectListView):
    model = User
    filterset_class = UserFilterSet
    table_class = UserTable
    title = gettext_lazy("用户")
    create_url_name = "accounts:user_create"
    export_name = gettext_lazy("用户")

    def get_queryset(self):
        return user_list_for(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if not self.request.user.has_perms(("accounts.add_user", MANAGE_USERS)):
            ctx.pop("create_url_name", None)
        return ctx


class UserDetailView(ObjectDetailView):
    model = User
    template_name = "accounts/user_detail.html"
    context_object_name = "account"

    def get_queryset(self):
        return user_list_for(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor, account = self.request.user, self.object
        can_change = user_list_for(actor, "change").filter(pk=account.pk).exists()
        ctx.update(
            title=account.real_name or account.username,
            roles=list(account.roles.all()),
            can_change=can_change,
            can_reset=can_change and actor.has_perm(MANAGE_USERS) and account.pk != actor.pk,
            can_toggle=can_change and account.pk != actor.pk,
            two_factor=two_factor_status(account),
            show_events=actor.has_perm("core.view_audit"),
            temporary_password=onetime.pop(self.request, account),
        )
        ctx["can_reset_two_factor"] = ctx["can_reset"] and ctx["two_factor"].enrolled
        if ctx["show_events"]:
            ctx["events"] = user_security_events(account)
        return ctx

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if context.get("temporary_password"):
            add_never_cache_headers(response)
        return response


class UserCreateView(AccountsFormView):
    form_class = UserCreateForm
    template_name = "accounts/user_form.html"
    permissions = ("accounts.add_user", MANAGE_USERS)
    title = gettext_lazy("新建用户")

    def perform(self, form):
        data = form.cleaned_data
        created = services.user_create(
            actor=self.request.user,
            username=data["username"],
            real_name=data["real_name"],
            phone=data["phone"],
            title=data["title"],
            home_unit=data["home_unit"],
            roles=data["roles"],
            password=data["password"] or None,
        )
        if created.temporary_password:
            onetime.stash(self.request, created.user, created.temporary_password)
        messages.success(self.request, _("已创建用户“%(name)s”。") % {"name": created.user})
        return created.user

    def get_cancel_url(self):
        return reverse("accounts:user_list")


class UserUpdateView(ScopedUserMixin, AccountsFormView):
    form_class = UserUpdateForm
    template_name = "accounts/user_form.html"
    permissions = ("accounts.change_user",)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "target": self.get_target()}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("编辑用户：%(name)s") % {"name": self.get_target()}
        ctx["account"] = self.get_target()
        return ctx

    def perform(self, form):
        data = form.cleaned_data
        user = services.user_update(
            actor=self.request.user,
            user=self.get_target(),
            real_name=data["real_name"],
            phone=form.phone_value(),
            title=data["title"],
            home_unit=data["home_unit"],
            roles=form.roles_value(),
            is_active=form.active_value(),
        )
        messages.success(self.request, _("已保存。"))
        return user

    def get_cancel_url(self):
        return self.get_target().get_absolute_url()


class UserConfirmView(ScopedUserMixin, LoginRequiredMixin, View):
    """GET asks for confirmation, POST calls the service and returns to the account's page."""

    template_name = "accounts/confirm.html"
    permissions: tuple[str, ...] = ("accounts.change_user",)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not request.user.has_perms(self.permissions):
                raise Http404
            self.get_target()
        return super().dispatch(request, *args, **kwargs)

    def confirmation(self) -> dict:
        raise NotImplementedError

    def perform(self):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        ctx = {"account": self.get_target(), "cancel_url": self.get_target().get_absolute_url()}
        ctx.update(self.confirmation())
        return render(request, self.template_name, ctx)

    def post(self, request, *args, **kwargs):
        try:
            self.perform()
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect(self.get_target().get_absolute_url())


class UserDeactivateView(UserConfirmView):
    def confirmation(self):
        account = self.get_target()
        if account.is_active:
            return {
                "title": _("停用账号：%(name)s") % {"name": account},
                "message": _("停用后该账号不能登录，已签发的接口令牌立即作废；可以随时重新启用。"),
                "button": _("停用"),
                "button_class": "btn-danger",
                "fields": {"active": "0"},
            }
        return {
            "title": _("启用账号：%(name)s") % {"name": account},
            "message": _("启用后该账号可以重新登录。"),
            "button": _("启用"),
            "button_class": "btn-primary",
            "fields": {"active": "1"},
        }

    def perform(self):
        form = UserActiveForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("请求无效，请重试。"))
        account = services.user_set_active(
            actor=self.request.user, user=self.get_target(), active=form.cleaned_data["active"]
        )
        text = _("已启用账号“%(name)s”。") if account.is_active else _("已停用账号“%(name)s”。")
        messages.success(self.request, text % {"name": account})


class UserPasswordResetView(UserConfirmView):
    permissions = ("accounts.change_user", MANAGE_USERS)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.pk == self.kwargs["pk"]:
            # One's own password is changed, not reset.
            return redirect("accounts:password_change")
        return super().dispatch(request, *args, **kwargs)

    def confirmation(self):
        return {
            "title": _("重置密码：%(name)s") % {"name": self.get_target()},
            "message": _(
                "系统将生成一个临时密码，仅显示一次。该用户的所有登录立即失效，"
                "接口令牌作废，下次登录时须修改密码。"
            ),
            "button": _("重置密码"),
            "button_class": "btn-warning",
            "fields": {},
        }

    def perform(self):
        temporary = services.user_password_reset(actor=self.request.user, user=self.get_target())
        onetime.stash(self.request, self.get_target(), temporary)
        messages.success(self.request, _("密码已重置。"))
