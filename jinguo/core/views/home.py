from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import registry
from ..models import Notification


@login_required
def home(request):
    """The 工作台: a greeting, then every panel the apps registered that has something for
    this user (core/registry.py)."""
    return render(
        request,
        "core/home.html",
        {"title": _("工作台"), "panels": registry.panels_for(request.user)},
    )


@login_required
def notification_list(request):
    qs = Notification.objects.filter(recipient=request.user)
    if request.GET.get("unread") == "1":
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "core/notification_list.html",
        {"title": _("消息通知"), "page": page, "unread_only": request.GET.get("unread") == "1"},
    )


@login_required
@require_POST
def notification_read(request, pk):
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    target = note.url if note.url and url_has_allowed_host_and_scheme(note.url, None) else None
    return redirect(target or "core:notification_list")


@login_required
@require_POST
def notification_read_all(request):
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("core:notification_list")


def error_404(request, exception=None):
    return render(request, "404.html", {"title": _("页面不存在")}, status=404)


def error_403(request, exception=None):
    return render(request, "403.html", {"title": _("没有权限")}, status=403)


def error_500(request):
    return render(request, "500.html", status=500)
