"""The portal's rate limits are shared by every worker process (production caches in Redis),
and a dead Redis neither lets a flood through unchecked nor turns a request into an error."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse

from jinguo.cases.models import Case
from jinguo.portal import security
from jinguo.portal.services.appeals import appeal_submit

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("JINGUO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(autouse=True)
def _fresh_fallback():
    security.reset_fallback()
    yield
    security.reset_fallback()


def worker(monkeypatch, client_cache):
    """Make the next requests count in ``client_cache``, as a worker with its own client."""
    monkeypatch.setattr(security, "cache", client_cache)


def test_production_settings_cache_in_redis_from_the_environment():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jinguo.settings.prod",
        "JINGUO_SECRET_KEY": "x" * 50,
        "JINGUO_DATA_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        "JINGUO_INDEX_KEY": "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=",
        "DATABASE_URL": "sqlite:///:memory:",
        "JINGUO_ALLOWED_HOSTS": "example.org",
        "JINGUO_REDIS_URL": "redis://10.9.8.7:6390/3",
    }
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "from django.core.cache import caches; c = settings.CACHES['default']; "
        "print(json.dumps([c['BACKEND'], c['LOCATION'], type(caches['default']).__name__, "
        "settings.SESSION_ENGINE, settings.JINGUO_PORTAL_QUEUE]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    backend, location, cache_class, sessions, queue = json.loads(out.stdout.splitlines()[-1])
    assert backend == "django.core.cache.backends.redis.RedisCache"
    assert location == "redis://10.9.8.7:6390/3"
    assert cache_class == "RedisCache"
    # The staff side's sessions do not depend on Redis.
    assert sessions == "django.contrib.sessions.backends.db"
    # Production sends portal appeals through the intake queue (its worker runs there).
    assert queue is True


def test_two_workers_share_the_per_address_limit(monkeypatch, tree, submit, settings):
    # Two cache clients on one store: each worker process builds its own client.
    name = f"shared-{uuid.uuid4()}"
    first, second = LocMemCache(name, {}), LocMemCache(name, {})
    settings.JINGUO_PORTAL_SUBMIT_PER_ADDRESS = 2
    worker(monkeypatch, first)
    assert submit(tree.community_a).status_code == 200
    worker(monkeypatch, second)
    assert submit(tree.community_a).status_code == 200
    worker(monkeypatch, first)
    assert submit(tree.community_a).status_code == 429
    worker(monkeypatch, second)
    assert submit(tree.community_a).status_code == 429
    assert Case.objects.count() == 2


def test_separate_stores_would_each_let_the_limit_through(monkeypatch, tree, submit, settings):
    """What the per-process default did: why production needs the shared cache."""
    settings.JINGUO_PORTAL_SUBMIT_PER_ADDRESS = 1
    worker(monkeypatch, LocMemCache(f"a-{uuid.uuid4()}", {}))
    assert submit(tree.community_a).status_code == 200
    worker(monkeypatch, LocMemCache(f"b-{uuid.uuid4()}", {}))
    assert submit(tree.community_a).status_code == 200


class DeadCache:
    """A cache whose server is gone: every call fails as redis-py does."""

    calls = 0

    def _fail(self, *args, **kwargs):
        DeadCache.calls += 1
        raise ConnectionError("Connection refused")

    add = incr = get = set = _fail


def test_a_dead_cache_falls_back_to_per_process_limits(monkeypatch, tree, submit, settings):
    settings.JINGUO_PORTAL_SUBMIT_PER_ADDRESS = 2
    DeadCache.calls = 0
    worker(monkeypatch, DeadCache())
    assert submit(tree.community_a).status_code == 200
    assert submit(tree.community_a).status_code == 200
    refused = submit(tree.community_a)
    assert refused.status_code == 429 and "12338" in refused.content.decode()
    assert Case.objects.count() == 2
    # Tried once, then left alone during the fallback period: no request waits on it.
    assert DeadCache.calls == 1


def test_a_dead_cache_never_touches_the_staff_side(
    monkeypatch, tree, submit, settings, login, district_officer
):
    _appeal, code = appeal_submit(
        unit=tree.community_a,
        topic="family",
        story="想咨询离婚后孩子的抚养。",
        in_danger=False,
        contact_way="none",
        anonymous=True,
        pin="2580",
    )
    worker(monkeypatch, DeadCache())
    assert submit(tree.community_a).status_code == 200
    from django.test import Client

    assert Client().post("/portal/track/", {"code": code, "pin": "2580"}).status_code == 200
    staff = login(district_officer)
    assert staff.get(reverse("cases:case_list")).status_code == 200


def test_the_shared_cache_is_tried_again_after_the_fallback_period(monkeypatch, tree, submit):
    DeadCache.calls = 0
    worker(monkeypatch, DeadCache())
    assert submit(tree.community_a).status_code == 200
    now = security.time.monotonic()
    monkeypatch.setattr(security.time, "monotonic", lambda: now + security.FALLBACK_SECONDS + 1)
    alive = LocMemCache(f"back-{uuid.uuid4()}", {})
    worker(monkeypatch, alive)
    assert submit(tree.community_a).status_code == 200
    assert any(key.startswith(":1:portal:submit") for key in alive._cache)


def _redis_or_skip(prefix):
    pytest.importorskip("redis")
    client = RedisCache(
        REDIS_URL,
        {
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
        },
    )
    try:
        client.set("ping", 1, timeout=5)
    except Exception:
        pytest.skip(f"no Redis at {REDIS_URL}")
    return client


def test_two_workers_share_the_limit_in_real_redis(monkeypatch, tree, submit, settings):
    prefix = f"jinguo-test-{uuid.uuid4()}"
    first, second = _redis_or_skip(prefix), _redis_or_skip(prefix)
    assert first._cache is not second._cache  # two clients, two connection pools
    settings.JINGUO_PORTAL_SUBMIT_PER_ADDRESS = 100
    settings.JINGUO_PORTAL_SUBMIT_PER_MINUTE = 3
    try:
        for i, client_cache in enumerate([first, second, first]):
            worker(monkeypatch, client_cache)
            assert submit(tree.community_a, meta={"REMOTE_ADDR": f"10.1.0.{i}"}).status_code == 200
        worker(monkeypatch, second)
        assert submit(tree.community_a, meta={"REMOTE_ADDR": "10.1.0.9"}).status_code == 429
        # Each counter expires with its window.
        raw = first._cache.get_client(write=True)
        keys = list(raw.scan_iter(f"{prefix}:*portal:submit:all:*"))
        assert keys and 0 < raw.ttl(keys[0]) <= 65
    finally:
        raw = first._cache.get_client(write=True)
        for key in raw.scan_iter(f"{prefix}:*"):
            raw.delete(key)


def test_an_unreachable_redis_falls_back_without_an_error(monkeypatch, tree, submit):
    pytest.importorskip("redis")
    # Nothing listens on port 1: connection refused at once.
    dead = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.3}})
    worker(monkeypatch, dead)
    assert submit(tree.community_a).status_code == 200
    assert Case.objects.count() == 1


@pytest.mark.parametrize("store", ["locmem", "redis"])
def test_a_refused_address_does_not_use_up_everyones_budget(
    monkeypatch, tree, submit, settings, store
):
    if store == "redis":
        prefix = f"jinguo-test-{uuid.uuid4()}"
        worker(monkeypatch, _redis_or_skip(prefix))
    settings.JINGUO_PORTAL_SUBMIT_PER_ADDRESS = 1
    settings.JINGUO_PORTAL_SUBMIT_PER_MINUTE = 2
    assert submit(tree.community_a).status_code == 200
    for _ in range(3):
        assert submit(tree.community_a).status_code == 429
    assert submit(tree.community_a, meta={"REMOTE_ADDR": "10.2.0.1"}).status_code == 200
    assert submit(tree.community_a, meta={"REMOTE_ADDR": "10.2.0.2"}).status_code == 429
