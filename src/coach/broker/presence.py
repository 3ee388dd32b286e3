"""Open interview sockets, counted across app instances.

Each instance counts its own sockets in memory and heartbeats that count into Redis:
a hash (instance → count) plus a sorted set (instance → expiry time). The total sums the
instances whose entry has not expired, so a crashed instance stops counting within the TTL.
Without Redis (the embedded default) the total is this process's count.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from typing import cast

from redis.asyncio import Redis

log = logging.getLogger("coach.presence")


class Presence:
    """Register/unregister sockets here; read `total()` for the whole service."""

    def __init__(
        self,
        redis: Redis | None,
        namespace: str,
        *,
        ttl: float = 20.0,
        interval: float = 5.0,
        instance: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.redis = redis
        self.ttl = ttl
        self.interval = interval
        self.instance = instance or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.clock = clock
        self.local = 0
        self._counts_key = f"{namespace}:presence:sockets"
        self._expiry_key = f"{namespace}:presence:expiry"
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    # ---- this instance ---------------------------------------------------------------------------

    def register(self) -> None:
        """A socket of this instance opened."""
        self.local += 1
        self._changed.set()

    def unregister(self) -> None:
        """A socket of this instance closed."""
        self.local = max(0, self.local - 1)
        self._changed.set()

    async def beat(self, count: int | None = None) -> None:
        """Publish this instance's count, valid for `ttl` seconds, and drop expired instances."""
        if self.redis is None:
            return
        now = self.clock()
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._counts_key, self.instance, self.local if count is None else count)
            pipe.zadd(self._expiry_key, {self.instance: now + self.ttl})
            pipe.zrangebyscore(self._expiry_key, "-inf", now)
            results = await pipe.execute()
        expired = [m.decode() if isinstance(m, bytes) else str(m) for m in results[2]]
        if expired:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.zrem(self._expiry_key, *expired)
                pipe.hdel(self._counts_key, *expired)
                await pipe.execute()

    async def withdraw(self) -> None:
        """Remove this instance's entry (clean shutdown)."""
        if self.redis is None:
            return
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zrem(self._expiry_key, self.instance)
            pipe.hdel(self._counts_key, self.instance)
            await pipe.execute()

    # ---- the whole service -----------------------------------------------------------------------

    async def total(self) -> int:
        """Open sockets across live instances."""
        if self.redis is None:
            return self.local
        live = cast(list[bytes], await self.redis.zrangebyscore(self._expiry_key, self.clock(), "+inf"))
        if not live:
            return 0
        counts = await self.redis.hmget(self._counts_key, live)
        return sum(int(c) for c in counts if c is not None)

    # ---- background ------------------------------------------------------------------------------

    def start(self) -> None:
        """Heartbeat in the background (every `interval`, and at once after a change)."""
        if self.redis is not None and self._task is None:
            self._task = asyncio.create_task(self._run(), name="presence-heartbeat")

    async def _run(self) -> None:
        while True:
            self._changed.clear()
            try:
                await self.beat()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis away: keep trying, the entry expires meanwhile
                log.warning("presence heartbeat failed: %r", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), self.interval)

    async def stop_heartbeat(self) -> None:
        """Stop refreshing without withdrawing: what a crash looks like to the other instances."""
        if self._task is not None:
            self._task.cancel()
            # Bounded: redis-py can swallow a cancellation in the middle of a command.
            await asyncio.wait({self._task}, timeout=2)
            self._task = None

    async def aclose(self) -> None:
        """Stop the heartbeat and withdraw this instance's entry."""
        await self.stop_heartbeat()
        with contextlib.suppress(Exception):
            async with asyncio.timeout(2):
                await self.withdraw()
