"""Idle logout and forced password change, both before a request reaches any view."""

import functools
import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.messages.storage import default_storage
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .choices import LogoutReason

API_PREFIX = "/api/"
LAST_SEEN_KEY = "jinguo.last_seen"
# Refresh the idle clock at most this often, so that not every request rewrites the session.
LAST_SEEN_GRANULARITY = 30
# A request carrying this header (e.g. a background poll) does not count as activity.
PASSIVE_HEADER = "X-Jinguo-Passive"


def is_htmx(request) -> bool:
    # HtmxMiddleware runs later in the stack, so request.htmx is not there yet.
    return request.headers.get("HX-Request") == "true"


def redirect_to(request, url: str) -> HttpResponse:
    """A redirect the browser follows, or for htmx a full-page redirect instruction."""
    if is_htmx(request):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def flash(request, response, level: int, message: str) -> None:
    # MessageMiddleware sits below these middlewares, so we store the message ourselves.
    storage = default_storage(request)
    storage.add(level, message)
    storage.update(response)


class IdleTimeoutMiddleware:
    """Logs out a session idle for longer than JINGUO_IDLE_TIMEOUT_MINUTES."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            timeout = settings.JINGUO_IDLE_TIMEOUT_MINUTES * 60
            if last_seen is not None and now - last_seen > timeout:
                return self.expire(request)
            passive = request.headers.get(PASSIVE_HEADER) == "1"
            if last_seen is None or (not passive and now - last_seen >= LAST_SEEN_GRANULARITY):
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)

    def expire(self, request):
        request.jinguo_logout_reason = LogoutReason.IDLE
        logout(request)
        if request.path.startswith(API_PREFIX):
            # The API view now sees an anonymous request and answers it as such.
            return self.get_response(request)
        url = resolve_url(settings.LOGIN_URL)
        next_url = self.next_url(request)
        if next_url:
            url = f"{url}?{urlencode({'next': next_url})}"
        response = redirect_to(request, url)
        flash(request, response, messages.INFO, _("长时间未操作，已自动退出"))
        return response

    @staticmethod
    def next_url(request) -> str:
        if is_htmx(request):
            current = request.headers.get("HX-Current-URL", "")
            if not url_has_allowed_host_and_scheme(
                current, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                return ""
            parts = urlsplit(current)
            return parts.path + (f"?{parts.query}" if parts.query else "")
        return request.get_full_path() if request.method == "GET" else ""


class ForcePasswordChangeMiddleware:
    """A user who must change her password can do nothing else until she has."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = self.acting_user(request)
        if user is not None and user.must_change_password and not self.exempt(request):
            if request.path.startswith(API_PREFIX):
                return JsonResponse(
                    {"detail": _("必须先修改初始密码，才能使用接口。请登录网页修改密码。")},
                    status=403,
                )
            return redirect_to(request, reverse("accounts:password_change"))
        return self.get_response(request)

    @staticmethod
    def exempt(request) -> bool:
        path = request.path
        # The recovery codes are shown once, right after enrolling: they must not be lost to
        # the password change that a first login also requires.
        return path in (
            reverse("accounts:password_change"),
            reverse("accounts:logout"),
            reverse("accounts:recovery_codes"),
        ) or path.startswith(settings.STATIC_URL)

    @staticmethod
    def acting_user(request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        if request.path.startswith(API_PREFIX):
            # Token requests are authenticated later, by DRF; look the token up here.
            keyword, _sep, key = request.headers.get("Authorization", "").partition(" ")
            if keyword.lower() == "token" and key.strip():
                token = token_with_user(key.strip())
                if token is not None and token.user.is_active:
                    request.jinguo_token = token  # DRF's authentication reuses it
                    return token.user
        return None


def token_with_user(key: str):
    """The API token ``key`` with its user loaded, or None: one plain statement, as this runs
    on every API request (the ORM's compiling of the same query cost several times more)."""
    from rest_framework.authtoken.models import Token

    from .models import User

    sql, attnames = _token_user_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    user = User.from_db(connection.alias, attnames, row)
    return Token(key=key, user=user)  # not saved: only the key and the user are needed


@functools.cache
def _token_user_sql() -> tuple[str, list[str]]:
    from rest_framework.authtoken.models import Token

    from .models import User

    q = connection.ops.quote_name
    token = Token._meta
    fields = User._meta.concrete_fields
    # Names from the models' metadata; the key is a parameter.
    columns = ", ".join(f"u.{q(f.column)}" for f in fields)
    user_table, token_table = q(User._meta.db_table), q(token.db_table)
    joined = f"t.{q(token.get_field('user').column)} = u.{q(User._meta.pk.column)}"
    where = f"t.{q(token.pk.column)} = %s"
    sql = f"SELECT {columns} FROM {user_table} u JOIN {token_table} t ON {joined} WHERE {where}"  # noqa: S608
    return sql, [f.attname for f in fields]
