from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from .forms import LoginForm, PasswordChangeForm


class JinguoLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("core:home")
    extra_context = {"title": _("修改密码")}

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("密码已修改，其他设备上的登录已失效。"))
        return response


def placeholder(request, pk=None):
    raise Http404
