"""Reading a child's stdout/stderr with a cap, as the bytes arrive: nothing past the cap is ever kept."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class CappedReader(asyncio.Protocol):
    """Keeps the first `cap` bytes of a pipe; past it, marks the stream truncated and calls `on_overflow` once."""

    def __init__(self, cap: int, on_overflow: Callable[[], None]) -> None:
        self._cap = cap
        self._chunks: list[bytes] = []
        self._kept = 0
        self._on_overflow = on_overflow
        self.truncated = False
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def data_received(self, data: bytes) -> None:
        if self.truncated:
            return
        room = self._cap - self._kept
        if len(data) > room:
            self._chunks.append(data[:room])
            self._kept = self._cap
            self.truncated = True
            self._on_overflow()
            return
        self._chunks.append(data)
        self._kept += len(data)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)

    @property
    def data(self) -> bytes:
        return b"".join(self._chunks)
