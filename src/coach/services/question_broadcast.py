"""A question as it is written, on its session's channel: one rate of frames for every socket."""

from __future__ import annotations

import logging
import time
import uuid

from coach import protocol as m
from coach.services.events import EventBus, publish

log = logging.getLogger("coach.asking")


class QuestionBroadcast:
    """A question as it is written, on the session's channel; deltas are joined per window."""

    def __init__(self, bus: EventBus, session_id: uuid.UUID, window: float) -> None:
        self._bus = bus
        self._session_id = session_id
        self._window = window
        self._pending: list[str] = []
        self._pending_id = ""
        self._sent_at = 0.0
        self._failed = False

    async def __call__(self, message: m.Message) -> None:
        if isinstance(message, m.QuestionDelta):
            if self._pending and self._pending_id != message.question_id:
                await self.flush()
            self._pending_id = message.question_id
            self._pending.append(message.text)
            if time.monotonic() - self._sent_at >= self._window:
                await self.flush()
            return
        await self.flush()
        await self._publish(message)

    async def flush(self) -> None:
        """Publish the deltas still waiting for their window."""
        if self._pending:
            text, self._pending = "".join(self._pending), []
            await self._publish(m.QuestionDelta(question_id=self._pending_id, text=text))

    async def _publish(self, message: m.Message) -> None:
        self._sent_at = time.monotonic()
        try:
            await publish(self._bus, self._session_id, message)
        except Exception as exc:  # the question is still stored; sockets resync when pub/sub is back
            if not self._failed:
                log.warning("could not publish the question stream of %s: %r", self._session_id, exc)
            self._failed = True
