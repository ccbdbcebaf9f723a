"""What every portal response carries (``portal_view`` wraps every public view), and the
limits that keep a flood off the staff side.

- A strict Content-Security-Policy (own scripts, styles and images only; nothing inline),
  no caching anywhere (``no-store``: the back button and a shared phone keep no copy), no
  referrer, and no cookie but the CSRF one the appeal form needs.
- Rate limits counted in Django's cache: per address and overall for submissions, per
  address for tracking look-ups. The cache is the platform's: per process in development
  and tests, Redis in production (``settings/prod.py``), so that every gunicorn worker
  counts against the same limits. Staff pages never touch these counters, so a flood on the
  portal is refused here and nowhere else.
- Fail safe: when the shared cache cannot be reached (Redis down or slow), the counters fall
  back to this process's own memory for ``FALLBACK_SECONDS`` before the shared cache is tried
  again. The limits then hold per worker (looser, never absent), a woman can still ask for
  help, and no request waits on a dead connection or ends in an error page.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)
FALLBACK_SECONDS = 30

PORTAL_PREFIX = "/portal/"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
ALLOWED_COOKIES = {settings.CSRF_COOKIE_NAME}


def setting(name: str, default):
    return getattr(settings, f"JINGUO_PORTAL_{name}", default)


def exit_url() -> str:
    """Where the quick-exit button goes: a neutral page (the calendar at /rili/ by default;
    a deployment may set JINGUO_PORTAL_EXIT_URL to e.g. a weather site)."""
    return setting("EXIT_URL", "/rili/")


def harden(response):
    response["Content-Security-Policy"] = CSP
    response["Cache-Control"] = "no-store, max-age=0"
    response["Pragma"] = "no-cache"
    # Not "no-referrer": with it browsers send "Origin: null" and the CSRF check refuses the form.
    response["Referrer-Policy"] = "same-origin"
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Frame-Options"] = "DENY"
    response["X-Robots-Tag"] = "noindex, nofollow"
    for name in list(response.cookies):
        if name not in ALLOWED_COOKIES:
            del response.cookies[name]
    return response


def portal_view(view):
    """Every public view: hardened response, and a "not found" in the portal's own calm page
    (with the same headers) instead of the staff site's."""
    from functools import wraps

    from django.http import Http404
    from django.shortcuts import render

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            response = render(
                request, "portal/public/not_found.html", {"exit_url": exit_url()}, status=404
            )
        # A signed-in worker looking at the portal: her session is not touched or re-sent
        # (the idle-timeout middleware marks it modified on every request).
        session = getattr(request, "session", None)
        if session is not None:
            session.modified = False
        return harden(response)

    return wrapped


def client_address(request) -> str:
    # The platform's one notion of the client address (the deployment makes REMOTE_ADDR right
    # behind its proxy), as the audit trail and the login lockout use it.
    from jinguo.core.middleware import client_ip

    return client_ip(request) or "unknown"


_local = LocMemCache("jinguo-portal-fallback", {"OPTIONS": {"MAX_ENTRIES": 50_000}})
_shared_down_until = 0.0
_state_lock = threading.Lock()


def _count(store, counters: list[tuple[str, int]], delta: int = 1) -> list[int]:
    """Adds ``delta`` to each (bucket, window) counter of ``store``; returns the new counts."""
    if isinstance(store, RedisCache):
        # All counters in one round trip (INCRBY and EXPIRE pipelined), instead of three per
        # counter through the cache API (add, then an incr that first checks the key exists).
        keys = [(store.make_and_validate_key(b), w) for b, w in counters]
        pipe = store._cache.get_client(keys[0][0], write=True).pipeline(transaction=False)
        for key, window in keys:
            pipe.incrby(key, delta)
            pipe.expire(key, window + 5)
        return [int(n) for n in pipe.execute()[::2]]
    counts = []
    for bucket, window in counters:
        if delta > 0 and store.add(bucket, delta, timeout=window + 5):
            counts.append(delta)
            continue
        try:
            counts.append(store.incr(bucket, delta))
        except ValueError:  # expired (or never there): nothing to take back
            if delta > 0:
                store.add(bucket, delta, timeout=window + 5)
            counts.append(max(delta, 0))
    return counts


def _counted(counters: list[tuple[str, int]], delta: int = 1) -> list[int]:
    """In the shared cache; if that fails, in this process's memory instead, and the shared
    cache is left alone for FALLBACK_SECONDS."""
    global _shared_down_until
    if time.monotonic() >= _shared_down_until:
        try:
            return _count(cache, counters, delta)
        except Exception as exc:  # any client error: connection refused, timeout, auth …
            with _state_lock:
                _shared_down_until = time.monotonic() + FALLBACK_SECONDS
            # Only the kind of failure is logged: no key, no address.
            logger.warning(
                "portal rate limits: shared cache unavailable (%s); counting per process for %d s",
                type(exc).__name__,
                FALLBACK_SECONDS,
            )
    return _count(_local, counters, delta)


def _bucket(key: str, window: int) -> tuple[str, int]:
    return f"portal:{key}:{int(time.time()) // window}", window


def _hit(key: str, window: int) -> int:
    """Counts one hit in the current window of ``window`` seconds; returns the count."""
    return _counted([_bucket(key, window)])[0]


def reset_fallback() -> None:
    """Forget a recorded cache failure and the per-process counters (tests, health checks)."""
    global _shared_down_until
    with _state_lock:
        _shared_down_until = 0.0
    _local.clear()


def submission_allowed(request) -> bool:
    """Per address (default 20 an hour: many phones share one carrier address) and overall
    (default 300 a minute; raise it with the deployment's capacity)."""
    per_address = setting("SUBMIT_PER_ADDRESS", 20)
    overall = setting("SUBMIT_PER_MINUTE", 300)
    address = _bucket(f"submit:ip:{client_address(request)}", 3600)
    everyone = _bucket("submit:all", 60)
    from_address, in_all = _counted([address, everyone])
    if from_address > per_address:
        # A refused address does not use up everyone's budget: its hit is taken back.
        _counted([everyone], delta=-1)
        return False
    return in_all <= overall


def lookup_allowed(request) -> bool:
    """Tracking look-ups per address (default 20 in 10 minutes)."""
    return _hit(f"lookup:ip:{client_address(request)}", 600) <= setting("LOOKUP_PER_ADDRESS", 20)
