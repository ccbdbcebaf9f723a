from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from jinguo.core import context
from jinguo.core.middleware import client_ip

from .choices import LoginChannel, LogoutReason

API_PREFIX = "/api/"


@receiver(post_migrate)
def create_default_roles(sender, app_config=None, using="default", **kwargs):
    # Creates only roles that are missing. Apps listed after accounts get their permissions
    # only when the signal reaches them, so make sure every app's permissions exist first.
    if app_config is None or app_config.label != "accounts":
        return
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from .services import ensure_default_roles

    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    ensure_default_roles(using=using)


def _channel(request) -> str:
    path = getattr(request, "path", "") or ""
    return LoginChannel.API if path.startswith(API_PREFIX) else LoginChannel.WEB


@receiver(user_logged_in, dispatch_uid="jinguo.accounts.login")
def record_login(sender, request=None, user=None, **kwargs):
    from .services import login_success_record

    ip = client_ip(request) if request is not None else context.current().ip
    detail = {}
    if getattr(request, "jinguo_second_factor", None):
        detail["second_factor"] = str(request.jinguo_second_factor)
    login_success_record(user=user, channel=_channel(request), ip=ip, **detail)


@receiver(user_logged_out, dispatch_uid="jinguo.accounts.logout")
def record_logout(sender, request=None, user=None, **kwargs):
    from .services import logout_record

    reason = getattr(request, "jinguo_logout_reason", LogoutReason.USER)
    logout_record(user=user, reason=reason)


@receiver(user_login_failed, dispatch_uid="jinguo.accounts.login_failed")
def record_login_failure(sender, credentials=None, request=None, **kwargs):
    from .services import login_failure_record

    # Django has already replaced the password in ``credentials``; only the username is used.
    username = (credentials or {}).get("username") or ""
    ip = client_ip(request) if request is not None else context.current().ip
    login_failure_record(username=str(username), ip=ip, channel=_channel(request))
