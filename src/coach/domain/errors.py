"""Errors as values with codes; transports map them to HTTP statuses and close codes."""

from __future__ import annotations

from typing import ClassVar


class CoachError(Exception):
    """A failure the caller can act on: a stable code and a human sentence."""

    code: ClassVar[str] = "error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(CoachError):
    code = "invalid_input"


class NotFound(CoachError):
    code = "not_found"


class Conflict(CoachError):
    code = "conflict"


class Forbidden(CoachError):
    code = "forbidden"


class Unauthorized(CoachError):
    code = "unauthorized"


class InvalidState(CoachError):
    """The action is valid in general but not now (e.g. answering a question that is not current)."""

    code = "invalid_state"


class RateLimited(CoachError):
    """Too many attempts: wait `retry_after` seconds."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.retry_after = max(1, retry_after)


class AccountLocked(RateLimited):
    """Too many failed logins for one account: it is locked for a while, whoever asks."""

    code = "account_locked"


class Busy(CoachError):
    """This instance cannot take more of this work right now; try again shortly."""

    code = "busy"
