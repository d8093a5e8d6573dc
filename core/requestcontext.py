"""The current request's who/where (user, IP, request id), for the audit log written deep in services.

Set by core.middleware.RequestContextMiddleware; commands and tests may set it with `use_context`.
"""
import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class RequestContext:
    user: object = None
    ip: str = ""
    request: object = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    source: str = "system"  # page / api / import / command / system


    def actor(self):
        """The acting user: the request's (DRF token auth sets it late) or the one a command set."""
        if self.request is not None:
            user = getattr(self.request, "user", None)
            if user is not None and user.is_authenticated:
                return user
        return self.user


_current = contextvars.ContextVar("taizhang_request_context", default=None)


def current():
    ctx = _current.get()
    return ctx if ctx is not None else RequestContext()


@contextmanager
def use_context(**kwargs):
    token = _current.set(RequestContext(**kwargs))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def set_context(ctx):
    return _current.set(ctx)


def reset_context(token):
    _current.reset(token)
