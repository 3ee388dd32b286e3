"""The server clock: one object shared by every part of a process, so a test that pins it pins it everywhere."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


class Clock:
    """Callable like `utcnow`; `pin` fixes the time (tests), `unpin` lets it run again."""

    __slots__ = ("_source",)

    def __init__(self, source: Callable[[], datetime] = utcnow) -> None:
        self._source = source

    def __call__(self) -> datetime:
        return self._source()

    def pin(self, at: datetime | Callable[[], datetime]) -> None:
        """Make the clock read `at` (a fixed time or another source) from now on."""
        self._source = at if callable(at) else (lambda: at)

    def unpin(self) -> None:
        """Back to the real time."""
        self._source = utcnow
