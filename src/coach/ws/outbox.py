"""A socket's outgoing messages: ordered, bounded, question deltas that queue up merged into one frame."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable

from coach import protocol as m


class Overflow(Exception):
    """The client is not reading fast enough; the caller closes the socket and the client resyncs."""


class Outbox:
    """Queue messages without waiting; a single sender task writes them to the socket.

    The writer already joins a question's deltas per window on the session channel (one
    rate for every socket); here, deltas that queue up behind a slow client are joined
    again while they wait, so a lagging socket catches up in one frame. The queue holds at
    most `max_frames` frames / `max_bytes` bytes: past that, the socket is closed instead
    of letting memory grow.
    """

    def __init__(
        self,
        send: Callable[[bytes], Awaitable[None]],
        *,
        max_frames: int = 512,
        max_bytes: int = 1 << 20,
        send_timeout: float = 10.0,
    ) -> None:
        self._send = send
        self._max_frames = max_frames
        self._max_bytes = max_bytes
        self._send_timeout = send_timeout
        self._frames: deque[bytes] = deque()
        self._bytes = 0
        self._delta_qid: str | None = None
        self._delta_parts: list[str] = []
        self._delta_bytes = 0
        self._wake = asyncio.Event()
        self.overflowed = False

    def offer(self, message: m.Message) -> None:
        """Queue a message; never blocks. Raises Overflow when the client has fallen too far behind."""
        if self.overflowed:
            raise Overflow
        if isinstance(message, m.QuestionDelta):
            if self._delta_qid is not None and self._delta_qid != message.question_id:
                self._seal()
            self._delta_qid = message.question_id
            self._delta_parts.append(message.text)
            self._delta_bytes += len(message.text)
        else:
            self._seal()
            self._push(m.encode(message))
        if len(self._frames) > self._max_frames or self._bytes + self._delta_bytes > self._max_bytes:
            self.overflowed = True
            self._wake.set()
            raise Overflow
        self._wake.set()

    def offer_raw(self, frame: bytes) -> None:
        """Queue an already-encoded message (an event from the session channel)."""
        if self.overflowed:
            raise Overflow
        self._seal()
        self._push(frame)
        if len(self._frames) > self._max_frames or self._bytes > self._max_bytes:
            self.overflowed = True
            self._wake.set()
            raise Overflow
        self._wake.set()

    async def run(self) -> None:
        """Send queued frames until cancelled; raise Overflow if the queue overflowed."""
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self.overflowed:
                raise Overflow
            self._seal()
            await self._drain()

    async def flush(self) -> None:
        """Send everything pending now (before a close)."""
        self._seal()
        await self._drain()

    def _push(self, frame: bytes) -> None:
        self._frames.append(frame)
        self._bytes += len(frame)

    def _seal(self) -> None:
        if self._delta_parts and self._delta_qid is not None:
            text = "".join(self._delta_parts)
            self._push(m.encode(m.QuestionDelta(question_id=self._delta_qid, text=text)))
        self._delta_parts.clear()
        self._delta_bytes = 0

    async def _drain(self) -> None:
        while self._frames:
            frame = self._frames.popleft()
            self._bytes -= len(frame)
            async with asyncio.timeout(self._send_timeout):
                await self._send(frame)
