"""Production settings refuse to start without their secrets."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = "import django; django.setup(); from django.conf import settings; print(settings.SESSION_COOKIE_SECURE)"


def run_with(env_extra: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JINGUO_", "DATABASE_URL"))}
    env["DJANGO_SETTINGS_MODULE"] = "jinguo.settings.prod"
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_production_refuses_to_start_without_secrets():
    result = run_with({})
    assert result.returncode != 0
    for name in ("JINGUO_SECRET_KEY", "JINGUO_DATA_KEY", "JINGUO_INDEX_KEY", "DATABASE_URL"):
        assert name in result.stderr


def test_production_starts_with_secrets_and_secure_cookies():
    result = run_with(
        {
            "JINGUO_SECRET_KEY": "x" * 50,
            "JINGUO_DATA_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
            "JINGUO_INDEX_KEY": "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/jinguo",
            "JINGUO_ALLOWED_HOSTS": "jinguo.example.org",
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
