"""A login half done: the password was right, the second step (a code, or enrolling an
authenticator) is still due.

Until that step is done the browser is not signed in at all: Django's login() runs only
at the end, so no page, and no API call through the session, can be reached in between. The
pending state lives in the anonymous session for a few minutes and is dropped if the
password changes or the account is switched off meanwhile.
"""

import time
from dataclasses import dataclass

from django.contrib.auth import login as auth_login

from .models import User

SESSION_KEY = "jinguo.pending_login"
PENDING_SECONDS = 10 * 60


@dataclass
class PendingLogin:
    user: User
    step: str
    next_url: str
    backend: str


def start(request, user: User, *, step: str, next_url: str = "") -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "user": user.pk,
        "hash": user.get_session_auth_hash(),
        "backend": getattr(user, "backend", ""),
        "step": step,
        "next": next_url,
        "at": int(time.time()),
    }


def load(request, *, step: str | None = None) -> PendingLogin | None:
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    if time.time() - data.get("at", 0) > PENDING_SECONDS or (step and data.get("step") != step):
        return None
    user = User.objects.filter(pk=data.get("user"), is_active=True).first()
    if user is None or user.get_session_auth_hash() != data.get("hash"):
        return None
    return PendingLogin(user, data["step"], data.get("next", ""), data.get("backend", ""))


def clear(request) -> None:
    request.session.pop(SESSION_KEY, None)


def finish(request, pending: PendingLogin, *, second_factor: str) -> None:
    """Sign the user in now that both steps are done; the login event records how."""
    clear(request)
    request.jinguo_second_factor = second_factor
    auth_login(request, pending.user, backend=pending.backend or None)
