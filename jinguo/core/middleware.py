import dataclasses
import uuid

from . import context


def client_ip(request) -> str | None:
    # Behind a reverse proxy the deployment sets REMOTE_ADDR correctly (e.g. gunicorn
    # --forwarded-allow-ips); we never trust a client-supplied X-Forwarded-For here.
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Gives every request an id and records the client address for the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = uuid.uuid4().hex
        token = context.set_current(
            context.ActorContext(ip=client_ip(request), request_id=request.request_id)
        )
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request.request_id
        return response


class RequestUserMiddleware:
    """Adds the authenticated user to the actor context (after AuthenticationMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ctx = context.current()
        if request.user.is_authenticated:
            token = context.set_current(dataclasses.replace(ctx, user_id=request.user.pk))
            try:
                return self.get_response(request)
            finally:
                context.reset(token)
        return self.get_response(request)


class ApiJsonErrorsMiddleware:
    """An error under /api/ is JSON like every other answer of the API, whoever produced it:
    Django's 404 for an unknown path (HTML, or the debug page), a 500, a CSRF refusal."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return api_error_response(response)
        return response


class ApiQueryMiddleware:
    """A query parameter of the API has one value, and text there follows the rule of text in a
    body: no control characters. Django would take the last of repeated values and let a
    control character through to a filter (a NUL even into SQL). The schema says the same
    (core.api_schema)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            errors = query_errors(request.GET)
            if errors:
                from django.http import JsonResponse

                return JsonResponse(errors, status=400, json_dumps_params={"ensure_ascii": False})
        return self.get_response(request)


def query_errors(query) -> dict:
    from django.utils.translation import gettext as _

    from .serializers import CONTROL_CHARACTER_MESSAGE, CONTROL_CHARACTER_RE

    errors = {}
    for name, values in query.lists():
        if len(values) > 1:
            errors[name] = [_("该参数只能给一个值。")]
        elif CONTROL_CHARACTER_RE.search(values[0]):
            errors[name] = [str(CONTROL_CHARACTER_MESSAGE)]
    return errors


def api_error_response(response):
    from http import HTTPStatus

    from django.http import JsonResponse
    from django.utils.translation import gettext as _

    messages = {
        400: _("请求有误。"),
        403: _("没有权限。"),
        404: _("找不到该记录。"),
        405: _("不支持该请求方法。"),
        500: _("服务器出错，请稍后再试。"),
    }
    status = response.status_code
    try:
        fallback = HTTPStatus(status).phrase
    except ValueError:
        fallback = str(status)
    answer = JsonResponse({"detail": messages.get(status, fallback)}, status=status)
    for header in ("Allow", "X-Request-ID", "Retry-After"):
        if header in response:
            answer[header] = response[header]
    return answer
