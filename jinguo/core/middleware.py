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
