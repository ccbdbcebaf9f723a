"""A generated password travels from the view that made it to the page that shows it, once.

It waits in the administrator's session encrypted (like any personal data at rest) and is
removed the first time it is read.
"""

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
