"""Settings of the gunicorn server bench_portal.py --server starts: the test settings (fixed
throw-away keys, DATABASE_URL) with the portal's limits raised out of the way (still counted)
and production's choices where they matter for speed: the rate-limit counters in Redis shared
by the workers (JINGUO_REDIS_URL, default database 14 on 127.0.0.1; an empty value keeps the
per-process cache), tasks in the database, the intake queue per JINGUO_PORTAL_QUEUE (set by the
bench), persistent database connections."""

import os

from jinguo.settings.test import *  # noqa: F403

DEBUG = False
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
JINGUO_PORTAL_MIN_FILL_SECONDS = 0
JINGUO_PORTAL_SUBMIT_PER_ADDRESS = 10**9
JINGUO_PORTAL_SUBMIT_PER_MINUTE = 10**9
JINGUO_PORTAL_LOOKUP_PER_ADDRESS = 10**9
JINGUO_PORTAL_QUEUE = os.environ.get("JINGUO_PORTAL_QUEUE", "1") == "1"
JINGUO_INTAKE_INLINE = False
# Persistent connections, as a production deployment would configure.
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405

_redis = os.environ.get("JINGUO_REDIS_URL", "redis://127.0.0.1:6379/14")
if _redis:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis,
            "KEY_PREFIX": "jinguo-bench-portal",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
