"""Publishing session events: after commit, on the session's channel, to every instance."""

from __future__ import annotations

import uuid
from typing import Protocol

from coach.protocol import Message, encode


def session_channel(session_id: uuid.UUID | str) -> str:
    """One channel per session (`session:{id}`)."""
    return f"session:{session_id}"


class EventBus(Protocol):
    """Where events go: the channels plugin in the app, plain Redis PUBLISH in a worker process."""

    async def publish(self, channel: str, data: bytes) -> None: ...


async def publish(bus: EventBus, session_id: uuid.UUID, message: Message) -> None:
    """Publish a wire message on the session's channel (call only after the data is committed)."""
    await bus.publish(session_channel(session_id), encode(message))
