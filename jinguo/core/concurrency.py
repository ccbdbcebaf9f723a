"""Concurrency for the services: the optimistic version check and the deadlock retry.

Callers (UI views, API views) pass along the ``version`` the user read and call the service
once; only services compare versions, and only service entry points retry.
"""

import functools
import random
import time

from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.utils.translation import gettext as _


class StaleVersion(ValidationError):
    """Someone else changed the record since the user read it (optimistic locking).

    The UI shows the message and keeps what was typed; the API answers 409. ``current_version``
    is the version the record has now, when the service knows it.
    """

    def __init__(self, message=None, *, current_version: int | None = None):
        super().__init__(
            message
            or _(
                "这条记录在您编辑期间已被其他人修改。您填写的内容仍保留在下方，"
                "请核对最新信息后再提交。"
            ),
            code="conflict",
        )
        self.current_version = current_version


def check_version(obj, expected: int | str | None, *, message=None) -> None:
    """Raise StaleVersion unless ``expected`` (the version the user read) is ``obj.version``.

    ``obj`` must be the row the service has locked in its transaction (it reads it through
    restrict() with select_for_update, which checks the scope at the same time), so nobody
    can change it between this check and the save. ``None`` means "no version given".
    """
    if expected is None or int(expected) == obj.version:
        return
    raise StaleVersion(
        message
        or _(
            "这条%(record)s在您编辑期间已被其他人修改。您填写的内容仍保留在下方，"
            "请核对最新信息后再提交。"
        )
        % {"record": obj._meta.verbose_name},
        current_version=obj.version,
    )


# PostgreSQL aborts one transaction to break a deadlock (40P01) or a serialization conflict
# (40001); it was rolled back whole, so running it again is safe.
RETRY_SQLSTATES = frozenset({"40P01", "40001"})
RETRY_ATTEMPTS = 3


def is_retryable(exc: OperationalError) -> bool:
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    return sqlstate in RETRY_SQLSTATES


def retry_on_deadlock(fn=None, *, attempts: int = RETRY_ATTEMPTS):
    """Decorate a service entry point: run it again (at most ``attempts`` times in all) when the
    database aborted its transaction to break a deadlock; the last failure is raised.

    Called inside a caller's transaction, nothing is retried: that transaction is aborted too,
    and only whoever opened it can start it again.
    """

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            for attempt in range(1, attempts + 1):
                try:
                    return func(*args, **kwargs)
                except OperationalError as exc:
                    if (
                        attempt == attempts
                        or not is_retryable(exc)
                        or transaction.get_connection().in_atomic_block
                    ):
                        raise
                time.sleep(random.uniform(0.005, 0.05) * attempt)  # jitter, not security
            raise AssertionError("unreachable")

        return wrapper

    return decorate(fn) if fn is not None else decorate
