"""Test settings: fixed throw-away keys, fast hashing, database from DATABASE_URL or SQLite."""

import os

import dj_database_url

from .base import *  # noqa: F403
from .base import tune_database

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789"  # noqa: S105
JINGUO_DATA_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="  # 32 bytes, tests only
JINGUO_INDEX_KEY = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA="  # 32 bytes, tests only
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

_url = os.environ.get("DATABASE_URL")
if _url:
    DATABASES = {"default": tune_database(dj_database_url.parse(_url))}
else:
    DATABASES = {
        "default": tune_database({"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"})
    }
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
