"""A generated password, or a user's new recovery codes, travel from the view that made them
to the page that shows them, once.

They wait in the session encrypted (like any personal data at rest) and are removed the first
time they are read.
"""

import json

from jinguo.core import crypto

SESSION_KEY = "jinguo.onetime_passwords"


def stash(request, user, password: str) -> None:
    pending = dict(request.session.get(SESSION_KEY, {}))
    pending[str(user.pk)] = crypto.encrypt(password)
    request.session[SESSION_KEY] = pending


def pop(request, user) -> str | None:
    pending = dict(request.session.get(SESSION_KEY, {}))
    token = pending.pop(str(user.pk), None)
    if token is None:
        return None
    if pending:
        request.session[SESSION_KEY] = pending
    else:
        del request.session[SESSION_KEY]
    return crypto.decrypt(token)


CODES_KEY = "jinguo.onetime_recovery_codes"


def stash_recovery_codes(request, codes: list[str], next_url: str = "") -> None:
    request.session[CODES_KEY] = {"codes": crypto.encrypt(json.dumps(codes)), "next": next_url}


def pop_recovery_codes(request) -> tuple[list[str], str] | None:
    """(codes, where to go on) the first time after they were stashed; None afterwards."""
    stashed = request.session.pop(CODES_KEY, None)
    if not isinstance(stashed, dict):
        return None
    return json.loads(crypto.decrypt(stashed["codes"])), stashed.get("next", "")
