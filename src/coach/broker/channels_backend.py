"""A Redis pub/sub channels backend that notices reconnects and survives Redis restarts.

redis-py reconnects a pub/sub connection and resubscribes its channels on the next read,
but whatever was published in between is gone (pub/sub keeps no history), and Litestar's
backend hides the resubscription. This backend watches the subscribe confirmations: a
second confirmation for a channel means the connection was re-established, so it emits a
resync marker on that channel and each socket reloads its snapshot from the database. If
the stream raises instead (Redis down for longer), it backs off and keeps going, because
the channels plugin stops delivering for good once its event stream dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Iterable
from typing import Any

from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from redis.exceptions import RedisError

log = logging.getLogger("coach.channels")

RESYNC = b'{"type":"coach.resync"}'
"""Internal marker (never sent to clients): reload the snapshot, events may have been missed."""


class ResilientRedisPubSubBackend(RedisChannelsPubSubBackend):
    """RedisChannelsPubSubBackend whose event stream reports reconnects and never dies of one."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._confirmed: set[str] = set()

    async def unsubscribe(self, channels: Iterable[str]) -> None:
        channels = list(channels)
        self._confirmed.difference_update(channels)
        await super().unsubscribe(channels)

    async def on_shutdown(self) -> None:
        # redis-py's aclose can hang (redis-py #3941): never let it hold up shutdown.
        with contextlib.suppress(Exception):
            async with asyncio.timeout(3):
                await super().on_shutdown()

    async def stream_events(self) -> AsyncGenerator[tuple[str, Any], None]:
        backoff = 0.2
        task = asyncio.current_task()
        while True:
            if task is not None and task.cancelling():
                # redis-py can swallow a cancellation mid-read; honour it here, or shutdown waits forever.
                raise asyncio.CancelledError
            try:
                await self._has_subscribed.wait()
                message = await self._pub_sub.get_message(
                    ignore_subscribe_messages=False, timeout=self._stream_sleep_no_subscriptions
                )
            except (RedisError, OSError) as exc:
                log.warning("redis pub/sub lost (%s); retrying in %.1fs", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            backoff = 0.2
            if message is None:
                continue
            channel = message["channel"].decode()
            if message["type"] == "subscribe":
                if channel in self._confirmed:
                    log.info("redis pub/sub resubscribed to %s after a reconnect", channel)
                    yield channel, RESYNC
                self._confirmed.add(channel)
                continue
            if message["type"] != "message":
                continue
            live = self._pub_sub.channels.keys() - self._pub_sub.pending_unsubscribe_channels
            if channel.encode() in live:
                yield channel, message["data"]
