"""Who is acting, from where: set by middleware for a request, or by a command for a batch."""

import contextlib
import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class ActorContext:
    user_id: int | None = None
    ip: str | None = None
    request_id: str = ""
    channel: str = "web"


_current: contextvars.ContextVar[ActorContext] = contextvars.ContextVar(
    "jinguo_actor", default=ActorContext(channel="system")
)


def current() -> ActorContext:
    return _current.get()


def set_current(ctx: ActorContext) -> contextvars.Token:
    return _current.set(ctx)


def reset(token: contextvars.Token) -> None:
    _current.reset(token)


@contextlib.contextmanager
def acting(ctx: ActorContext):
    token = set_current(ctx)
    try:
        yield ctx
    finally:
        reset(token)
