"""Token authentication for the API that looks the token up once per request."""

from rest_framework.authentication import TokenAuthentication as DRFTokenAuthentication


class TokenAuthentication(DRFTokenAuthentication):
    """DRF's token check; when ForcePasswordChangeMiddleware has already found the request's
    token (it must know the acting user before any view runs), that look-up is reused."""

    def authenticate(self, request):
        token = getattr(request._request, "jinguo_token", None)
        if token is not None:
            return token.user, token
        return super().authenticate(request)
