"""Production: every secret must come from the environment; the process refuses to start without it."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = env_bool("JINGUO_DEBUG", False)  # noqa: F405

_missing = [
    name
    for name, value in {
        "JINGUO_SECRET_KEY": SECRET_KEY,  # noqa: F405
        "JINGUO_DATA_KEY": JINGUO_DATA_KEY,  # noqa: F405
        "JINGUO_INDEX_KEY": JINGUO_INDEX_KEY,  # noqa: F405
        "DATABASE_URL": os.environ.get("DATABASE_URL", ""),  # noqa: F405
        "JINGUO_ALLOWED_HOSTS": os.environ.get("JINGUO_ALLOWED_HOSTS", ""),  # noqa: F405
    }.items()
    if not value
]
if _missing:
    raise ImproperlyConfigured(
        "Jinguo production settings need these environment variables: " + ", ".join(_missing)
    )
if len(SECRET_KEY) < 40:  # noqa: F405
    raise ImproperlyConfigured("JINGUO_SECRET_KEY must be at least 40 characters.")

SESSION_COOKIE_SECURE = env_bool("JINGUO_SECURE_COOKIES", True)  # noqa: F405
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("JINGUO_SSL_REDIRECT", False)  # noqa: F405
SECURE_HSTS_SECONDS = int(os.environ.get("JINGUO_HSTS_SECONDS", "31536000"))  # noqa: F405
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# The cache is shared by every gunicorn worker, so that the public portal's rate limits (per
# address and overall) hold for the whole site and not once per worker. Redis through
# Django's own backend; short timeouts, because the portal falls back to per-process counting
# rather than wait on a dead Redis (jinguo/portal/security.py). Nothing else depends on it:
# sessions stay in the database, so the staff side works with Redis down.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("JINGUO_REDIS_URL", "redis://127.0.0.1:6379/0"),  # noqa: F405
        "KEY_PREFIX": os.environ.get("JINGUO_CACHE_PREFIX", "jinguo"),  # noqa: F405
        "TIMEOUT": 300,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}

# Portal appeals go through the intake queue whenever the queue has its worker (intake not
# inline): the woman's request stores one row and gets her code, `process_intake` files the
# case within seconds. See jinguo/portal/services/appeals.py.
JINGUO_PORTAL_QUEUE = env_bool("JINGUO_PORTAL_QUEUE", not JINGUO_INTAKE_INLINE)  # noqa: F405
