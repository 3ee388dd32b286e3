"""Publishing session events: after commit, on the session's channel, to every instance."""

from __future__ import annotations

import uuid
from typing import Protocol

from coach.protocol import Message, encode


def session_channel(namespace: str, session_id: uuid.UUID | str) -> str:
    """One channel per session, in the deployment's namespace (`{namespace}:session:{id}`)."""
    return f"{namespace}:session:{session_id}"


class EventBus(Protocol):
    """Where events go: the channels plugin in the app, plain Redis PUBLISH in a worker process."""

    @property
    def namespace(self) -> str:
        """The Redis namespace its session channels live in (COACH_REDIS_NAMESPACE)."""
        ...

    async def publish(self, channel: str, data: bytes) -> None: ...


async def publish(bus: EventBus, session_id: uuid.UUID, message: Message) -> None:
    """Publish a wire message on the session's channel (call only after the data is committed)."""
    await bus.publish(session_channel(bus.namespace, session_id), encode(message))
