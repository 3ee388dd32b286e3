"""Waking evaluation workers: PostgreSQL holds the jobs, this only says "look now"."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

from redis.asyncio import Redis

log = logging.getLogger("coach.wakeup")


class Wakeup(Protocol):
    async def notify(self) -> None: ...

    async def wait(self, seconds: float) -> None: ...

    async def aclose(self) -> None: ...


class LocalWakeup:
    """In one process: an event."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    async def notify(self) -> None:
        self._event.set()

    async def wait(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._event.wait()
        self._event.clear()

    async def aclose(self) -> None:
        return None


class RedisWakeup:
    """Across processes: a Redis channel. A lost message only delays a job until the next poll."""

    def __init__(self, redis: Redis, channel: str) -> None:
        self._redis = redis
        self._channel = channel
        self._local = LocalWakeup()
        self._listener: asyncio.Task[None] | None = None
        self._closing = False

    async def notify(self) -> None:
        await self._local.notify()
        try:
            await self._redis.publish(self._channel, b"1")
        except Exception as exc:  # workers still poll; the answer is safe in the database
            log.warning("could not publish wakeup: %s", exc)

    async def wait(self, seconds: float) -> None:
        if self._listener is None or self._listener.done():
            self._listener = asyncio.create_task(self._listen(), name="wakeup-listener")
        await self._local.wait(seconds)

    async def _listen(self) -> None:
        backoff = 0.5
        while not self._closing:
            pubsub = self._redis.pubsub()
            try:
                await pubsub.subscribe(self._channel)
                backoff = 0.5
                # Short reads and a flag rather than cancellation: redis-py can swallow a cancel mid-read.
                while not self._closing:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.5)
                    if message is not None:
                        await self._local.notify()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # redis-py pub/sub does not reconnect by itself
                log.warning("wakeup subscription lost (%s); retrying in %.1fs", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
            finally:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(pubsub.aclose(), 2)  # type: ignore[no-untyped-call]

    async def aclose(self) -> None:
        self._closing = True
        if self._listener is not None:
            _, pending = await asyncio.wait({self._listener}, timeout=3)
            for task in pending:
                task.cancel()
