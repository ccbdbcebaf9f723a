"""The second factor's pages: the code step of a login, enrolling an authenticator (during a
login or from one's own account), the recovery codes, and an administrator's reset."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jinguo.core.middleware import client_ip

from .. import onetime, pending, services, two_factor
from ..choices import LoginStep, SecondFactor
from ..forms import AuthenticatorCodeForm, LoginCodeForm, TwoFactorResetForm
from ..models import TOTPDevice
from ..selectors import MANAGE_USERS
from ..selectors.login import (
    login_refusal,
    recovery_codes_left,
    two_factor_device,
    two_factor_required,
)
from .users import AccountsFormView, ScopedUserMixin

ACCOUNT_SECURITY_URL = "accounts:password_change"
# Which secret this browser session is enrolling (shown on its page).
ENROLLING_KEY = "jinguo.enrolling_secret"


def _expired(request):
    messages.info(request, _("登录已超时，请重新输入用户名和密码。"))
    return redirect("accounts:login")


def _refused(request, refusal):
    pending.clear(request)
    messages.error(request, refusal.message)
    return redirect("accounts:login")


def _no_cache(response):
    add_never_cache_headers(response)
    return response


class LoginCodeView(View):
    """The second step of a login: a code from the authenticator, or a recovery code. Wrong
    codes count towards the same lock as wrong passwords."""

    template_name = "accounts/login_code.html"

    def dispatch(self, request, *args, **kwargs):
        self.pending = pending.load(request, step=LoginStep.CODE)
        if self.pending is None:
            return _expired(request)
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form):
        ctx = {"form": form, "title": _("两步验证"), "account_name": self.pending.user.username}
        return _no_cache(render(self.request, self.template_name, ctx))

    def get(self, request):
        return self.render_form(LoginCodeForm())

    def post(self, request):
        user, ip = self.pending.user, client_ip(request)
        refusal = login_refusal(username=user.username, ip=ip)
        if refusal is not None:
            return _refused(request, refusal)
        form = LoginCodeForm(request.POST)
        if not form.is_valid():
            return self.render_form(form)
        try:
            how = services.two_factor_login_verify(user=user, code=form.cleaned_data["code"], ip=ip)
        except ValidationError as exc:
            refusal = login_refusal(username=user.username, ip=ip)
            if refusal is not None:
                return _refused(request, refusal)
            if exc.code == "no_device":
                pending.clear(request)
                messages.error(request, exc.messages[0])
                return redirect("accounts:login")
            form.add_error("code", exc)
            return self.render_form(form)
        pending.finish(request, self.pending, second_factor=how)
        if how == SecondFactor.RECOVERY_CODE:
            left = recovery_codes_left(user)
            messages.warning(
                request,
                _(
                    "您用一个恢复码登录，还剩 %(left)d 个。手机找不到了请联系系统管理员重置两步验证。"
                )
                % {"left": left},
            )
        return redirect(self.pending.next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


class TwoFactorEnrolView(View):
    """Enrol an authenticator: scan the QR code (or type the secret), then type a code.

    Reached during a login whose roles require a second factor (the browser is not signed in
    until this is done), or from one's own account page to turn it on by choice.
    """

    template_name = "accounts/two_factor_enrol.html"

    def dispatch(self, request, *args, **kwargs):
        self.pending = None
        if request.user.is_authenticated:
            self.subject = request.user
        else:
            self.pending = pending.load(request, step=LoginStep.ENROL)
            if self.pending is None:
                return _expired(request)
            self.subject = self.pending.user
        if two_factor_device(self.subject) is not None:
            messages.info(request, _("已启用两步验证。"))
            return redirect(ACCOUNT_SECURITY_URL)
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form):
        device = services.two_factor_device_start(
            user=self.subject, keep=self.request.session.get(ENROLLING_KEY)
        )
        self.request.session[ENROLLING_KEY] = services.enrolment_mark(device)
        uri = two_factor.provisioning_uri(
            secret_base32=device.base32_secret,
            username=self.subject.username,
            digits=TOTPDevice.DIGITS,
            period=TOTPDevice.STEP,
        )
        ctx = {
            "form": form,
            "title": _("启用两步验证"),
            "during_login": self.pending is not None,
            "required": two_factor_required(self.subject),
            "account_name": self.subject.username,
            "issuer": settings.JINGUO_TWO_FACTOR_ISSUER,
            "qr_svg": two_factor.qr_svg(uri),
            "secret": two_factor.grouped(device.base32_secret),
            "digits": TOTPDevice.DIGITS,
            "period": TOTPDevice.STEP,
        }
        return _no_cache(render(self.request, self.template_name, ctx))

    def get(self, request):
        return self.render_form(AuthenticatorCodeForm())

    def post(self, request):
        form = AuthenticatorCodeForm(request.POST)
        if not form.is_valid():
            return self.render_form(form)
        try:
            codes = services.two_factor_enrol(user=self.subject, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
            return self.render_form(form)
        request.session.pop(ENROLLING_KEY, None)
        if self.pending is not None:
            pending.finish(request, self.pending, second_factor=SecondFactor.ENROLLED)
            next_url = self.pending.next_url
        else:
            next_url = reverse(ACCOUNT_SECURITY_URL)
        onetime.stash_recovery_codes(request, codes, next_url)
        messages.success(request, _("两步验证已启用。"))
        return redirect("accounts:recovery_codes")


class RecoveryCodesView(LoginRequiredMixin, View):
    """The new recovery codes, shown once."""

    def get(self, request):
        stashed = onetime.pop_recovery_codes(request)
        if stashed is None:
            return redirect(ACCOUNT_SECURITY_URL)
        codes, next_url = stashed
        ctx = {
            "title": _("恢复码"),
            "codes": codes,
            "next_url": next_url or resolve_url(settings.LOGIN_REDIRECT_URL),
        }
        return _no_cache(render(request, "accounts/recovery_codes.html", ctx))


class OwnTwoFactorView(LoginRequiredMixin, View):
    """A change to one's own second factor, confirmed with a current authenticator code."""

    template_name = "accounts/two_factor_confirm.html"
    title = ""
    message = ""
    button = ""
    button_class = "btn-primary"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and two_factor_device(request.user) is None:
            messages.info(request, _("尚未启用两步验证。"))
            return redirect(ACCOUNT_SECURITY_URL)
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, form):
        ctx = {
            "form": form,
            "title": self.title,
            "message": self.message,
            "button": self.button,
            "button_class": self.button_class,
            "cancel_url": reverse(ACCOUNT_SECURITY_URL),
        }
        return render(self.request, self.template_name, ctx)

    def get(self, request):
        return self.render_form(AuthenticatorCodeForm())

    def post(self, request):
        form = AuthenticatorCodeForm(request.POST)
        if not form.is_valid():
            return self.render_form(form)
        try:
            return self.perform(form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
            return self.render_form(form)

    def perform(self, code: str):
        raise NotImplementedError


class RecoveryCodesRegenerateView(OwnTwoFactorView):
    title = gettext_lazy("重新生成恢复码")
    message = gettext_lazy("生成 10 个新的恢复码，原来的恢复码（包括没用过的）全部作废。")
    button = gettext_lazy("生成新的恢复码")

    def perform(self, code):
        codes = services.recovery_codes_regenerate(user=self.request.user, code=code)
        onetime.stash_recovery_codes(self.request, codes, reverse(ACCOUNT_SECURITY_URL))
        return redirect("accounts:recovery_codes")


class TwoFactorDisableView(OwnTwoFactorView):
    title = gettext_lazy("停用两步验证")
    message = gettext_lazy("停用后登录只需密码；身份验证器上的账号和全部恢复码随之作废。")
    button = gettext_lazy("停用两步验证")
    button_class = "btn-danger"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and two_factor_required(request.user):
            messages.error(
                request, _("您持有的角色要求两步验证，不能停用。更换手机请联系系统管理员重置。")
            )
            return redirect(ACCOUNT_SECURITY_URL)
        return super().dispatch(request, *args, **kwargs)

    def perform(self, code):
        services.two_factor_disable(user=self.request.user, code=code)
        messages.success(self.request, _("两步验证已停用。"))
        return redirect(ACCOUNT_SECURITY_URL)


class UserTwoFactorResetView(ScopedUserMixin, AccountsFormView):
    """An administrator removes another user's authenticator and recovery codes, with a reason
    (a lost or replaced phone)."""

    form_class = TwoFactorResetForm
    template_name = "accounts/two_factor_confirm.html"
    permissions = ("accounts.change_user", MANAGE_USERS)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.pk == self.kwargs["pk"]:
            return redirect(ACCOUNT_SECURITY_URL)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        account = self.get_target()
        ctx.update(
            account=account,
            title=_("重置两步验证：%(name)s") % {"name": account},
            message=_(
                "将删除该用户的身份验证器和全部恢复码。下次登录时只需密码；"
                "如其角色要求两步验证，登录时须重新启用。请先核实本人身份。"
            ),
            button=_("重置两步验证"),
            button_class="btn-warning",
        )
        return ctx

    def perform(self, form):
        account = self.get_target()
        services.two_factor_reset(
            actor=self.request.user, user=account, reason=form.cleaned_data["reason"]
        )
        messages.success(self.request, _("已重置“%(name)s”的两步验证。") % {"name": account})
        return account

    def get_success_url(self, result=None):
        return self.get_target().get_absolute_url()

    def get_cancel_url(self):
        return self.get_target().get_absolute_url()
